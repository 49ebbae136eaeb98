/**
 * Finding the VM an Azure Monitor alert is about. Usually it is the alert's target (a metric, log or activity
 * log alert on the VM; alertTargetIDs are often lower-cased, which the id parser accepts). A Connection Monitor
 * alert targets the connection monitor instead and names the VM in its `DestinationResourceId` dimension (with
 * the port in `DestinationPort`); a log alert on a workspace names it in a column it is split by. Only the
 * dimension names below count: a Connection Monitor alert also carries `SourceResourceId`, the machine that
 * runs the test, which must never be mistaken for the VM to repair.
 *
 * A target or VM dimension that is not a well-formed id makes the alert malformed (targetIds.ts): it is
 * rejected, never reinterpreted through the next dimension or the dimensions instead of the target.
 */
import { identityKey, sameIdentity } from '../domain/identity';
import { parseVmResourceId } from '../domain/vmResourceId';
import type { AlertTarget } from './alertSignal';
import { isRecord, portFromText } from './jsonValue';
import { classifyTargetId } from './targetIds';

/** Dimensions whose value is the VM to repair, in order of preference (names compare as ARM compares names). */
export const VM_DIMENSIONS = ['DestinationResourceId', '_ResourceId', 'ResourceId'] as const;
const PORT_DIMENSION = 'DestinationPort';

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

type DimensionTarget = { kind: 'target'; target: AlertTarget } | { kind: 'malformed'; message: string } | { kind: 'none' };

function targetFromDimensions(set: Dimension[]): DimensionTarget {
  const dimensionValue = (wanted: string) => set.find((d) => sameIdentity(d.name, wanted))?.value;
  for (const name of VM_DIMENSIONS) {
    const value = dimensionValue(name);
    // Only values that claim to be resource ids count; a Connection Monitor to an external endpoint has none.
    if (typeof value !== 'string' || !value.trim().startsWith('/')) continue;
    const kind = classifyTargetId(value);
    if (kind.kind === 'malformed') return { kind: 'malformed', message: `dimension ${name}: ${kind.message}` };
    if (kind.kind === 'otherResource') continue;
    const port = portFromText(dimensionValue(PORT_DIMENSION));
    return { kind: 'target', target: { vmResourceId: kind.id, ...(port !== undefined ? { port } : {}), foundIn: `dimension ${name}` } };
  }
  return { kind: 'none' };
}

export interface FoundTargets {
  targets: AlertTarget[];
  otherResources: string[];
  /** Ids that are not well-formed: any makes the alert invalid. */
  malformed: string[];
}

export function findVmTargets(alertTargetIds: unknown, alertContext: unknown): FoundTargets {
  const ids: unknown[] = Array.isArray(alertTargetIds) ? alertTargetIds : [];
  const targets: AlertTarget[] = [];
  const otherResources: string[] = [];
  const malformed: string[] = [];
  ids.forEach((id, index) => {
    const kind = classifyTargetId(id);
    if (kind.kind === 'vm') targets.push({ vmResourceId: kind.id, foundIn: 'alertTargetIDs' });
    else if (kind.kind === 'otherResource') otherResources.push(kind.id);
    else malformed.push(`alertTargetIDs.${index}: ${kind.message}`);
  });
  // An alert on the VM itself says all there is; dimensions then describe the metric (e.g. a VM's own GUID).
  // A malformed target is never replaced by a dimension: the alert is rejected as it stands.
  if (targets.length === 0 && malformed.length === 0) {
    for (const set of dimensionSets(alertContext)) {
      const found = targetFromDimensions(set);
      if (found.kind === 'target') targets.push(found.target);
      else if (found.kind === 'malformed') malformed.push(found.message);
    }
  }
  return { targets: malformed.length > 0 ? [] : distinctByVm(targets), otherResources, malformed };
}

/** The same VM named twice (two criteria, two spellings) is one target; the first port named wins. */
export function distinctByVm(targets: AlertTarget[]): AlertTarget[] {
  const seen = new Map<string, AlertTarget>();
  for (const target of targets) {
    const parsed = parseVmResourceId(target.vmResourceId);
    const key = parsed.ok ? parsed.value.key : identityKey(target.vmResourceId);
    if (!seen.has(key)) seen.set(key, target);
  }
  return [...seen.values()];
}
