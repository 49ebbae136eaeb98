/**
 * The retention timer's work and the retained-resources report: list this app's tagged snapshots and kept
 * original disks in the allowed scopes, ask the durable client which repairs still run, decide with
 * planRetention, and delete what it allows one by one, each deletion logged and sent to telemetry. When the
 * running repairs cannot be read, nothing is deleted: a hold that cannot be checked is a hold.
 */
import type * as df from 'durable-functions';
import { ACTIVE_RUNTIME_STATUSES } from '../alerts/admissionPolicy';
import type { RepairClient } from '../api/repairClient';
import type { ArmClients } from '../azure/clients';
import type { AppConfig } from '../domain/config';
import { redactSecrets } from '../domain/redaction';
import type { RetainedResource, RunningRepairHold } from '../domain/retention';
import type { Telemetry } from '../domain/telemetry';
import { deleteRetained, listRetained } from './retainedResources';
import { type PlannedResource, planRetention } from './retentionPlan';

export interface RetentionDeps {
  arm: ArmClients;
  client: RepairClient;
  telemetry: Telemetry;
  now(): Date;
  log(line: string): void;
}

const ACTIVE = ACTIVE_RUNTIME_STATUSES.map((s) => s as df.OrchestrationRuntimeStatus);

interface StatusLike {
  instanceId?: string;
  customStatus?: unknown;
  input?: unknown;
}

function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** What each running repair (and offline child, `<id>:offline:1`) holds: its id, its VM, the resources its status names. */
export function holdsOf(statuses: readonly StatusLike[]): RunningRepairHold[] {
  return statuses
    .filter((s) => typeof s.instanceId === 'string')
    .map((s) => {
      const artifacts = at(s.customStatus, 'artifacts');
      return {
        repairId: (s.instanceId as string).split(':')[0]!,
        vmId: text(at(s.customStatus, 'vmResourceId')) ?? text(at(s.input, 'request', 'vm', 'id')),
        resourceIds: ['snapshotId', 'originalOsDiskId', 'copyDiskId']
          .map((k) => text(at(artifacts, k)))
          .filter((id): id is string => id !== null),
      };
    });
}

export async function runningRepairHolds(client: RepairClient): Promise<RunningRepairHold[]> {
  return holdsOf((await client.getStatusBy({ runtimeStatus: ACTIVE })) as StatusLike[]);
}

export interface RetainedVm {
  vmId: string;
  snapshots: PlannedResource[];
  originalDisks: PlannedResource[];
  snapshotGb: number;
  originalDiskGb: number;
}

export interface RetainedReport {
  retention: AppConfig['retention'];
  /** Whether the running repairs could be read; when not, every verdict is "keep". */
  runningRepairs: { checked: true; count: number } | { checked: false; reason: string };
  vms: RetainedVm[];
  totals: { snapshots: number; snapshotGb: number; originalDisks: number; originalDiskGb: number };
}

function sumGb(items: readonly PlannedResource[]): number {
  return items.reduce((sum, p) => sum + (p.resource.sizeGb ?? 0), 0);
}

export function groupByVm(planned: readonly PlannedResource[]): RetainedVm[] {
  const byVm = new Map<string, PlannedResource[]>();
  for (const p of planned) {
    const k = p.resource.vmId.toLowerCase();
    byVm.set(k, [...(byVm.get(k) ?? []), p]);
  }
  return [...byVm.values()].map((items) => {
    const snapshots = items.filter((p) => p.resource.kind === 'snapshot');
    const originalDisks = items.filter((p) => p.resource.kind === 'originalDisk');
    return { vmId: items[0]!.resource.vmId, snapshots, originalDisks, snapshotGb: sumGb(snapshots), originalDiskGb: sumGb(originalDisks) };
  });
}

/** What the app keeps and what retention would do with each, now (GET /api/retained; the sweep acts on the same). */
export async function retainedReport(config: AppConfig, deps: RetentionDeps): Promise<RetainedReport> {
  const resources = await listRetained(deps.arm, config.scopes);
  let holds: RunningRepairHold[];
  let runningRepairs: RetainedReport['runningRepairs'];
  try {
    holds = await runningRepairHolds(deps.client);
    runningRepairs = { checked: true, count: new Set(holds.map((h) => h.repairId)).size };
  } catch (err) {
    const reason = redactSecrets(err instanceof Error ? err.message : String(err));
    // Every resource is held: nothing may be deleted on the strength of a list we could not read.
    holds = resources.map((r) => ({ repairId: 'unknown (running repairs could not be read)', vmId: r.vmId, resourceIds: [r.id] }));
    runningRepairs = { checked: false, reason };
  }
  const planned = planRetention(resources, config.retention, holds, deps.now());
  const vms = groupByVm(planned);
  const all = vms.flatMap((v) => [...v.snapshots, ...v.originalDisks]);
  return {
    retention: config.retention,
    runningRepairs,
    vms,
    totals: {
      snapshots: all.filter((p) => p.resource.kind === 'snapshot').length,
      snapshotGb: vms.reduce((s, v) => s + v.snapshotGb, 0),
      originalDisks: all.filter((p) => p.resource.kind === 'originalDisk').length,
      originalDiskGb: vms.reduce((s, v) => s + v.originalDiskGb, 0),
    },
  };
}

export interface SweepResult {
  deleted: RetainedResource[];
  failed: Array<{ resource: RetainedResource; error: string }>;
  kept: number;
  skipped: string | null;
}

/** The timer's run: deletes what the plan allows, one at a time, and says what it did. */
export async function sweepRetained(config: AppConfig, deps: RetentionDeps): Promise<SweepResult> {
  const { snapshotDays, originalDiskDays } = config.retention;
  const result: SweepResult = { deleted: [], failed: [], kept: 0, skipped: null };
  if (snapshotDays === null && originalDiskDays === null) {
    result.skipped = 'SNAPSHOT_RETENTION_DAYS and ORIGINAL_DISK_RETENTION_DAYS are not set: everything is kept';
  } else if (config.scopes.length === 0) {
    result.skipped = 'REPAIR_ALLOWED_SCOPES is not set: there is nowhere to look';
  }
  if (result.skipped) {
    deps.log(`retention: ${result.skipped}`);
    return result;
  }
  const report = await retainedReport(config, deps);
  if (!report.runningRepairs.checked) deps.log(`retention: nothing deleted, running repairs unknown: ${report.runningRepairs.reason}`);
  for (const vm of report.vms) {
    for (const planned of [...vm.snapshots, ...vm.originalDisks]) {
      if (planned.verdict.action === 'keep') {
        result.kept += 1;
        continue;
      }
      const r = planned.resource;
      try {
        await deleteRetained(deps.arm, r);
        result.deleted.push(r);
        deps.log(`retention: deleted ${r.kind} ${r.id} of ${r.vmId} (${r.sizeGb ?? '?'} GB, repair ${r.repairId}): ${planned.verdict.why}`);
      } catch (err) {
        const error = redactSecrets(err instanceof Error ? err.message : String(err));
        result.failed.push({ resource: r, error });
        deps.log(`retention: could not delete ${r.kind} ${r.id}: ${error}`);
        continue;
      }
      safely(deps, () => sendDeleted(deps.telemetry, r, planned));
    }
  }
  safely(deps, () => sendSweepEnded(deps.telemetry, result, report, config));
  return result;
}

/** A deletion that happened stays a deletion: telemetry that cannot be sent is logged, never turned into a failure. */
function safely(deps: RetentionDeps, send: () => void): void {
  try {
    send();
  } catch (err) {
    deps.log(`retention: telemetry could not be sent: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function sendSweepEnded(telemetry: Telemetry, result: SweepResult, report: RetainedReport, config: AppConfig): void {
  const { snapshotDays, originalDiskDays } = config.retention;
  telemetry.event({
    name: 'RetentionSweepEnded',
    properties: {
      deleted: result.deleted.length,
      failed: result.failed.length,
      kept: result.kept,
      deletedGb: result.deleted.reduce((s, r) => s + (r.sizeGb ?? 0), 0),
      runningRepairsChecked: report.runningRepairs.checked,
      snapshotRetentionDays: snapshotDays,
      originalDiskRetentionDays: originalDiskDays,
    },
  });
}

function sendDeleted(telemetry: Telemetry, r: RetainedResource, planned: PlannedResource): void {
  telemetry.event({
    name: 'RetainedResourceDeleted',
    properties: {
      repairId: r.repairId,
      vmResourceId: r.vmId,
      kind: r.kind,
      resourceId: r.id,
      sizeGb: r.sizeGb,
      timeCreated: r.timeCreated,
      ageDays: planned.ageDays,
      why: planned.verdict.why,
    },
  });
  telemetry.metric({
    name: 'rdp_autorepair.retained_deleted',
    value: 1,
    dimensions: { kind: r.kind, repairId: r.repairId, vmResourceId: r.vmId },
  });
}
