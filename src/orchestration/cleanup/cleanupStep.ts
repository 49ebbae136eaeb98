/**
 * The caller's side of the cleanup: run the cleanup sub-orchestration (`<repair id>:cleanup:1`) and fold its
 * timeline, findings and results into the caller's status. A cleanup that itself fails is a finding, never
 * silent, and never changes the repair's outcome: the VM is as the repair left it.
 */
import type { RepairStatus } from '../../domain/repairStatus';
import { firstLine, type Flow, type Gen } from '../flow';
import { CLEANUP_ORCHESTRATOR } from '../names';
import type { CleanupOrchestrationInput, CleanupOrchestrationOutput } from './cleanupOrchestrator';

export function cleanupChildId(repairId: string): string {
  return `${repairId}:cleanup:1`;
}

export function mergeCleanupStatus(into: RepairStatus, child: RepairStatus): void {
  into.timeline.push(...child.timeline);
  into.findings.push(...child.findings);
  into.cleanup = [...(into.cleanup ?? []), ...(child.cleanup ?? [])];
}

export function* cleanupStep(flow: Flow, keepDiskIds: string[], configuredRescueVmId: string | null): Gen<void> {
  const input: CleanupOrchestrationInput = {
    repairId: flow.repairId,
    request: flow.request,
    settings: flow.settings,
    startedAt: flow.now(),
    keepDiskIds,
    configuredRescueVmId,
  };
  try {
    const result: CleanupOrchestrationOutput = yield flow.context.df.callSubOrchestrator(
      CLEANUP_ORCHESTRATOR,
      input,
      cleanupChildId(flow.repairId),
    );
    mergeCleanupStatus(flow.status, result.status);
  } catch (err) {
    flow.find({
      code: 'CleanupFailed',
      severity: 'error',
      message: `The cleanup stopped unexpectedly (${firstLine(err instanceof Error ? err.message : String(err))}).`,
      advice: `Start it again: POST /api/repairs/${flow.repairId}/cleanup.`,
    });
  }
}
