/**
 * Finding the VM an Azure Monitor alert is about. Usually it is the alert's target (a metric, log or activity
 * log alert on the VM; alertTargetIDs are often lower-cased, which the id parser accepts). A Connection Monitor
 * alert targets the connection monitor instead and names the VM in its `DestinationResourceId` dimension (with
 * the port in `DestinationPort`); a log alert on a workspace names it in a column it is split by. Only the
 * dimension names below count: a Connection Monitor alert also carries `SourceResourceId`, the machine that
 * runs the test, which must never be mistaken for the VM to repair.
 */
import { parseVmResourceId } from '../domain/vmResourceId';
import { AlertTarget } from './alertSignal';
import { isRecord, portFromText } from './jsonValue';

/** Dimensions whose value is the VM to repair, in order of preference (names compare case-insensitively). */
export const VM_DIMENSIONS = ['DestinationResourceId', '_ResourceId', 'ResourceId'] as const;
const PORT_DIMENSION = 'destinationport';

interface Dimension {
  name: string;
  value: unknown;
}

function dimensionsOf(list: unknown): Dimension[] {
  if (!Array.isArray(list)) return [];
  return list.filter((d): d is Dimension => isRecord(d) && typeof d.name === 'string');
}

/**
 * One dimension set per criterion: metric and log alerts V2 keep them in condition.allOf[].dimensions; log
 * alerts of the older API put one set in alertContext.Dimensions.
 */
function dimensionSets(alertContext: unknown): Dimension[][] {
  if (!isRecord(alertContext)) return [];
  const sets: Dimension[][] = [];
  const condition = alertContext.condition;
  if (isRecord(condition) && Array.isArray(condition.allOf)) {
    for (const criterion of condition.allOf) if (isRecord(criterion)) sets.push(dimensionsOf(criterion.dimensions));
  }
  if (Array.isArray(alertContext.Dimensions)) sets.push(dimensionsOf(alertContext.Dimensions));
  return sets.filter((s) => s.length > 0);
}

function targetFromDimensions(set: Dimension[]): AlertTarget | undefined {
  const byName = new Map(set.map((d) => [d.name.toLowerCase(), d.value]));
  for (const name of VM_DIMENSIONS) {
    const value = byName.get(name.toLowerCase());
    if (value === undefined || !parseVmResourceId(value).ok) continue;
    const port = portFromText(byName.get(PORT_DIMENSION));
    return { vmResourceId: String(value).trim(), ...(port !== undefined ? { port } : {}), foundIn: `dimension ${name}` };
  }
  return undefined;
}

export interface FoundTargets {
  targets: AlertTarget[];
  otherResources: string[];
}

export function findVmTargets(alertTargetIds: unknown, alertContext: unknown): FoundTargets {
  const ids = Array.isArray(alertTargetIds) ? alertTargetIds.filter((t): t is string => typeof t === 'string') : [];
  const targets: AlertTarget[] = [];
  const otherResources: string[] = [];
  for (const id of ids) {
    if (parseVmResourceId(id).ok) targets.push({ vmResourceId: id.trim(), foundIn: 'alertTargetIDs' });
    else otherResources.push(id);
  }
  // An alert on the VM itself says all there is; dimensions then describe the metric (e.g. a VM's own GUID).
  if (targets.length === 0) {
    for (const set of dimensionSets(alertContext)) {
      const target = targetFromDimensions(set);
      if (target) targets.push(target);
    }
  }
  return { targets: distinctByVm(targets), otherResources };
}

/** The same VM named twice (two criteria, two spellings) is one target; the first port named wins. */
export function distinctByVm(targets: AlertTarget[]): AlertTarget[] {
  const seen = new Map<string, AlertTarget>();
  for (const target of targets) {
    const parsed = parseVmResourceId(target.vmResourceId);
    const key = parsed.ok ? parsed.value.key : target.vmResourceId.toLowerCase();
    if (!seen.has(key)) seen.set(key, target);
  }
  return [...seen.values()];
}
