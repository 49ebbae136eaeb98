/**
 * The backup before any change: an incremental snapshot of the OS disk, polled with durable timers until it is
 * usable (decisions/snapshotReadiness.ts: its operation succeeded, and completionPercent, if Azure reports one,
 * is 100). Nothing changes until then; if it fails or times out, the repair ends having changed nothing.
 */
import { SnapshotStartInput, SnapshotState, VmFacts } from '../../domain/vmFacts';
import { Flow, FlowEnded, Gen } from '../flow';
import { Activities } from '../names';
import { snapshotNameFor } from '../orchestrationInput';
import { snapshotProgress, snapshotReadiness } from '../decisions/snapshotReadiness';

export function* snapshotStep(flow: Flow, vm: VmFacts): Gen<string> {
  const startedAt = flow.context.df.currentUtcDateTime;
  flow.begin('snapshot', `incremental snapshot of ${vm.osDisk.name}`);
  const input: SnapshotStartInput = {
    repairId: flow.repairId,
    vmId: vm.id,
    osDiskId: vm.osDisk.managedDiskId as string,
    location: vm.location,
    zone: vm.zone,
    snapshotName: snapshotNameFor(vm.name, startedAt),
  };
  let state: SnapshotState = yield* flow.call<SnapshotState>(Activities.startOsDiskSnapshot, input, 'snapshot');
  flow.status.artifacts.snapshotId = state.snapshotId;
  const deadline = startedAt.getTime() + flow.settings.snapshotTimeoutMinutes * 60_000;
  for (;;) {
    const readiness = snapshotReadiness(state);
    if (readiness === 'usable') break;
    if (readiness === 'failed') {
      throw new FlowEnded({
        kind: 'NotRepaired',
        reason: `The OS disk snapshot ${state.snapshotId} ended ${state.provisioningState}; nothing was changed without a backup.`,
        advice: ['Look at the snapshot in the portal (activity log) and start the repair again.'],
      });
    }
    if (flow.nowMs() >= deadline) {
      throw new FlowEnded({
        kind: 'NotRepaired',
        reason: `The OS disk snapshot was not usable within ${flow.settings.snapshotTimeoutMinutes} minutes (last: ${state.provisioningState}, ${state.completionPercent ?? '?'}%); nothing was changed without a backup.`,
        advice: ['Raise SNAPSHOT_TIMEOUT_MINUTES for large disks, or start the repair again later.'],
      });
    }
    flow.progress(snapshotProgress(state));
    yield flow.wait(flow.settings.snapshotPollSeconds);
    state = yield* flow.call<SnapshotState>(Activities.getSnapshotState, { snapshotId: state.snapshotId }, 'snapshot');
  }
  flow.end('snapshot', `${state.snapshotId} ready (kept after the repair)`);
  return state.snapshotId;
}
