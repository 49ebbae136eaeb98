/**
 * The parent's side of the offline repair: start the child, publish which child it waits on (so the status API
 * can show its progress), and fold the child's timeline, findings, changes, undo log and artifacts into the
 * repair's status when it ends. The child has its own gates (deallocateVm, swapOsDisk) and cancel checkpoints;
 * approval and cancel events reach it because the API raises them on the child this orchestration names.
 */
import type { Outcome, RepairStatus } from '../../domain/repairStatus';
import type { Flow, Gen } from '../flow';
import { APPROVAL_EVENT, isApprovalEvent } from '../../domain/approval';
import { judgeEarlyApproval } from '../decisions/approvalGate';
import { withChangesNote } from '../decisions/outcome';
import { end, firstLine, type PhaseResult, proceed } from '../flow';
import { cancelCheckpoint } from '../steps/cancelStep';
import { OFFLINE_REPAIR_ORCHESTRATOR } from '../names';
import { statusForCustomStatus } from '../statusModel';
import type { OfflineOrchestrationInput, OfflineOrchestrationOutput } from './offlineOrchestrator';
import type { OfflinePhaseInput } from './offlinePhase';

export function offlineChildId(instanceId: string): string {
  return `${instanceId}:offline:1`;
}

export function mergeChildStatus(parent: RepairStatus, child: RepairStatus): void {
  parent.timeline.push(...child.timeline);
  parent.findings.push(...child.findings);
  parent.changes.push(...child.changes);
  parent.undoLog.push(...child.undoLog);
  if (child.cleanup) parent.cleanup = [...(parent.cleanup ?? []), ...child.cleanup];
  parent.guestRuns.push(...child.guestRuns);
  parent.restarts += child.restarts;
  if (child.probes.verify) parent.probes.verify = child.probes.verify;
  const a = child.artifacts;
  parent.artifacts = {
    ...parent.artifacts,
    originalOsDiskId: a.originalOsDiskId ?? parent.artifacts.originalOsDiskId,
    copyDiskId: a.copyDiskId ?? null,
    rescueVmId: a.rescueVmId ?? null,
    swappedAt: a.swappedAt ?? null,
    downtime: a.downtime ?? null,
  };
  parent.undone.push(...child.undone);
  // The child started from the parent's approval records, so its list is the whole audit.
  parent.approvals = child.approvals;
  parent.cancelled = child.cancelled ?? parent.cancelled;
  parent.waitingFor = null;
}

/**
 * Approve and reject events raised on this orchestration that no gate has taken yet (Durable Functions buffers
 * them): each is judged as an early decision (decisions/approvalGate.ts) and recorded, so the child's gates see
 * it. A wait raced against a timer due now takes a buffered event at once and lets the repair go on when none is.
 */
function* drainEarlyApprovals(flow: Flow): Gen<PhaseResult<null>> {
  for (;;) {
    const event = flow.context.df.waitForExternalEvent(APPROVAL_EVENT);
    const timer = flow.context.df.createTimer(new Date(flow.nowMs()));
    const winner: unknown = yield flow.context.df.Task.any([event, timer]);
    if (winner === timer) return proceed(null);
    timer.cancel();
    const data: unknown = event.result;
    if (!isApprovalEvent(data)) continue;
    const judged = judgeEarlyApproval(data, flow.now(), flow.status.approvals);
    flow.status.approvals.push(judged.record);
    if (judged.kind === 'reject') {
      return end(
        withChangesNote(
          {
            kind: 'NotRepaired',
            reason: `${data.by} rejected the repair at ${data.at}, before the offline repair started; it changed nothing.`,
            advice: ['Read plannedChanges and findings; repair by hand, or start a new repair when the change is acceptable.'],
          },
          flow.status,
        ),
      );
    }
  }
}

export function* offlineStep(flow: Flow, phase: OfflinePhaseInput, why: string): Gen<Outcome> {
  const childId = offlineChildId(flow.context.df.instanceId);
  flow.begin('offline', why);
  // From here the API delivers approve, reject and cancel to the child (it reads runningChild); whatever reached
  // this orchestration before is drained below and handed to the child, so nothing raised early is lost.
  flow.context.df.setCustomStatus({ ...statusForCustomStatus(flow.status), runningChild: { instanceId: childId, phase: 'offline' } });
  const drained = yield* drainEarlyApprovals(flow);
  if (drained.kind === 'end') {
    flow.end('offline', drained.outcome.reason, 'failed');
    return drained.outcome;
  }
  const checked = yield* cancelCheckpoint(flow, 'the offline repair');
  if (checked.kind === 'end') {
    flow.end('offline', 'cancelled before it started', 'failed');
    return checked.outcome;
  }
  const input: OfflineOrchestrationInput = {
    repairId: flow.repairId,
    request: flow.request,
    settings: flow.settings,
    phase,
    approvals: flow.status.approvals,
  };
  let result: OfflineOrchestrationOutput;
  try {
    result = yield flow.context.df.callSubOrchestrator(OFFLINE_REPAIR_ORCHESTRATOR, input, childId);
  } catch (err) {
    const message = firstLine(err instanceof Error ? err.message : String(err));
    flow.end('offline', message, 'failed');
    return {
      kind: 'NotRepaired',
      reason: `The offline repair stopped unexpectedly (${message}).`,
      advice: [`Check the VM's power state and OS disk in the portal; the offline repair's own status is instance ${childId}.`],
    };
  }
  const changesBefore = flow.status.changes.length;
  mergeChildStatus(flow.status, result.status);
  if (result.outcome.kind === 'Cancelled' && changesBefore > 0) {
    result.outcome.reason += ` The ${changesBefore} change(s) made before the offline repair are listed in "kept", each with why.`;
  }
  flow.end('offline', `${result.outcome.kind}: ${result.outcome.reason}`, result.outcome.kind === 'Repaired' ? 'succeeded' : 'failed');
  return result.outcome;
}
