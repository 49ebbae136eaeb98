/**
 * The offline repair as a sub-orchestration (child id `<repair id>:offline:1`): it has its own history and
 * status, so GET /api/repairs/{id} can show its progress while the parent waits, and its replays never re-run
 * the parent's work. It returns its outcome and its status; the parent merges the status into its own.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { ApprovalRecord } from '../../domain/approval';
import type { RepairSettings } from '../../domain/config';
import type { RepairRequest } from '../../domain/repairRequest';
import type { Outcome, RepairStatus } from '../../domain/repairStatus';
import { cleanupStep } from '../cleanup/cleanupStep';
import { Flow, type Gen } from '../flow';
import { newRepairStatus } from '../statusModel';
import { type OfflinePhaseInput, offlinePhase } from './offlinePhase';

export interface OfflineOrchestrationInput {
  repairId: string;
  request: RepairRequest;
  settings: RepairSettings;
  phase: OfflinePhaseInput;
  /** The parent's approval records: approvals given before the child started (`all`, or a step of its) apply in it. */
  approvals: ApprovalRecord[];
}

export interface OfflineOrchestrationOutput {
  outcome: Outcome;
  status: RepairStatus;
}

export const offlineRepairOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext): Gen<OfflineOrchestrationOutput> {
  const input = context.df.getInput<OfflineOrchestrationInput>();
  const status = newRepairStatus(input.repairId, input.request, input.phase.port, input.phase.startedAt);
  status.approvals = [...(input.approvals ?? [])];
  const flow = new Flow(context, status, input.request, input.settings, input.repairId);
  try {
    const outcome = yield* offlinePhase(flow, input.phase);
    // Always, whatever the ending: the rescue VM and an unused copy go; a copy that was swapped in stays.
    const a = status.artifacts;
    yield* cleanupStep(flow, a.swappedAt && a.copyDiskId ? [a.copyDiskId] : [], input.phase.rescueVmId);
    return { outcome, status };
  } finally {
    flow.publish();
  }
};
