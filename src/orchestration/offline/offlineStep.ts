/**
 * The parent's side of the offline repair: start the child, publish which child it waits on (so the status API
 * can show its progress), and fold the child's timeline, findings, changes, undo log and artifacts into the
 * repair's status when it ends.
 */
import type { Outcome, RepairStatus } from '../../domain/repairStatus';
import type { Flow, Gen } from '../flow';
import { approvalStep } from '../steps/approvalStep';
import { firstLine } from '../flow';
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
}

export function* offlineStep(flow: Flow, phase: OfflinePhaseInput, why: string): Gen<Outcome> {
  const approved = yield* approvalStep(flow, 'offlineRepair', [
    {
      resourceId: phase.vm.id,
      property: 'offline repair',
      before: phase.vm.osDisk.managedDiskId,
      after: 'a repaired copy of the OS disk (the original is kept)',
      reason:
        `${why}: the VM is deallocated while a copy of its OS disk is repaired on ` +
        `${phase.rescueVmId ?? 'a rescue VM'}, then the copy is swapped in`,
    },
  ]);
  if (approved.kind === 'end') return approved.outcome;
  if (phase.rescueVmId === null) {
    // The offline child creates a temporary rescue VM; approval events reach this orchestration, so its gate is here.
    const rescue = yield* approvalStep(flow, 'createRescueVm', [
      {
        resourceId: phase.vm.id,
        property: 'rescue VM',
        before: null,
        after: `a temporary Windows VM in ${phase.vm.location}${phase.vm.zone ? ` zone ${phase.vm.zone}` : ''}, no public IP`,
        reason: 'no rescueVmResourceId was given: a rescue VM is created, used to repair the copy, and deleted again',
      },
    ]);
    if (rescue.kind === 'end') return rescue.outcome;
  }
  const childId = offlineChildId(flow.context.df.instanceId);
  flow.begin('offline', why);
  flow.context.df.setCustomStatus({ ...statusForCustomStatus(flow.status), runningChild: { instanceId: childId, phase: 'offline' } });
  const input: OfflineOrchestrationInput = { repairId: flow.repairId, request: flow.request, settings: flow.settings, phase };
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
  mergeChildStatus(flow.status, result.status);
  flow.end('offline', `${result.outcome.kind}: ${result.outcome.reason}`, result.outcome.kind === 'Repaired' ? 'succeeded' : 'failed');
  return result.outcome;
}
