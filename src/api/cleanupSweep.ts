/**
 * The cleanup sweeper (timer): for every repair that ended more than CLEANUP_SWEEP_AFTER_HOURS ago, run its cleanup
 * (`<id>:cleanup:1`) to find what it left tagged with its id: reported only (CLEANUP_SWEEP_DELETE=false, the
 * default) or deleted. A repair whose last cleanup found nothing left and failed nothing is not swept again; a
 * repair whose cleanup is running is skipped. The results are the cleanup's status (GET /api/repairs/{id}/cleanup);
 * the sweep logs which repairs it checked.
 */
import type { InvocationContext } from '@azure/functions';
import { isRepairInstanceId } from '../domain/instanceId';
import type { RepairStatus } from '../domain/repairStatus';
import { readCleanupSweepSettings } from '../domain/rescueVmSettings';
import type { CleanupOrchestrationInput } from '../orchestration/cleanup/cleanupOrchestrator';
import { CLEANUP_ORCHESTRATOR } from '../orchestration/names';
import type { RepairOrchestrationInput } from '../orchestration/orchestrationInput';
import type { ApiDependencies } from './apiDependencies';
import { cleanupInstanceId } from './cleanupApi';

const ENDED = ['Completed', 'Failed', 'Terminated'];
export const SWEEP_WINDOW_HOURS = 7 * 24;
const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

export interface InstanceSummary {
  instanceId: string;
  runtimeStatus: string;
  lastUpdatedTime: string;
  input?: unknown;
  output?: unknown;
}

/** Pure: which ended repairs to sweep now. */
export function repairsToSweep(instances: readonly InstanceSummary[], now: Date, afterHours: number): InstanceSummary[] {
  const byId = new Map(instances.map((i) => [i.instanceId, i]));
  const cutoff = now.getTime() - afterHours * 3_600_000;
  return instances.filter((i) => {
    if (!isRepairInstanceId(i.instanceId) || !ENDED.includes(i.runtimeStatus)) return false;
    if (Date.parse(i.lastUpdatedTime) > cutoff) return false;
    const cleanup = byId.get(cleanupInstanceId(i.instanceId));
    if (!cleanup) return true;
    if (ACTIVE.has(cleanup.runtimeStatus)) return false;
    const entries = ((cleanup.output as { status?: RepairStatus } | undefined)?.status?.cleanup ?? []).map((e) => e.result);
    return cleanup.runtimeStatus !== 'Completed' || entries.some((r) => r === 'failed' || r === 'leftover');
  });
}

export async function sweepLeftovers(context: InvocationContext, deps: ApiDependencies): Promise<void> {
  const settings = readCleanupSweepSettings(deps.env());
  const client = deps.client(context);
  // Bounded: repairs created within a week before the threshold (older ones were swept in that week); their cleanups
  // are created later, so they fall in the window too.
  const from = new Date(deps.now().getTime() - (settings.afterHours + SWEEP_WINDOW_HOURS) * 3_600_000);
  const instances = (await client.getStatusBy({ createdTimeFrom: from })) as unknown as InstanceSummary[];
  const due = repairsToSweep(instances, deps.now(), settings.afterHours);
  for (const repair of due) {
    const input = repair.input as RepairOrchestrationInput | undefined;
    if (!input?.request) continue;
    const a = (repair.output as RepairStatus | undefined)?.artifacts;
    const cleanup: CleanupOrchestrationInput = {
      repairId: repair.instanceId,
      request: input.request,
      settings: input.settings,
      startedAt: deps.now().toISOString(),
      keepDiskIds: a?.swappedAt && a.copyDiskId ? [a.copyDiskId] : [],
      configuredRescueVmId: input.request.rescueVmResourceId ?? null,
      reportOnly: !settings.delete,
    };
    await client.startNew(CLEANUP_ORCHESTRATOR, { instanceId: cleanupInstanceId(repair.instanceId), input: cleanup });
  }
  context.log(
    `cleanup sweep: ${due.length} ended repair(s) older than ${settings.afterHours} h checked for leftovers ` +
      `(${settings.delete ? 'deleting' : 'report only'}): ${due.map((r) => r.instanceId).join(', ') || 'none'}`,
  );
}
