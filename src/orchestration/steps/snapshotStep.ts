/**
 * The backup before any change: an incremental snapshot of the OS disk, polled with durable timers until it is
 * usable (decisions/snapshotReadiness.ts: its operation succeeded, and completionPercent, if Azure reports one,
 * is 100). Nothing changes until then; if it fails or times out, the repair ends having changed nothing.
 */
import type { SnapshotStartInput, SnapshotState, VmFacts } from '../../domain/vmFacts';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { snapshotNameFor } from '../orchestrationInput';
import { snapshotProgress, snapshotReadiness } from '../decisions/snapshotReadiness';

export function* snapshotStep(flow: Flow, vm: VmFacts): Gen<PhaseResult<string>> {
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
  const started = yield* flow.call('startOsDiskSnapshot', input, 'snapshot');
  if (started.kind === 'end') return started;
  let state: SnapshotState = started.facts;
  flow.status.artifacts.snapshotId = state.snapshotId;
  const deadline = startedAt.getTime() + flow.settings.snapshotTimeoutMinutes * 60_000;
  for (;;) {
    const readiness = snapshotReadiness(state);
    if (readiness === 'usable') break;
    if (readiness === 'failed') {
      return end({
        kind: 'NotRepaired',
        reason: `The OS disk snapshot ${state.snapshotId} ended ${state.provisioningState}; nothing was changed without a backup.`,
        advice: ['Look at the snapshot in the portal (activity log) and start the repair again.'],
      });
    }
    if (flow.nowMs() >= deadline) {
      return end({
        kind: 'NotRepaired',
        reason:
          `The OS disk snapshot was not usable within ${flow.settings.snapshotTimeoutMinutes} minutes (last: ` +
          `${state.provisioningState}, ${state.completionPercent ?? '?'}%); nothing was changed without a backup.`,
        advice: ['Raise SNAPSHOT_TIMEOUT_MINUTES for large disks, or start the repair again later.'],
      });
    }
    flow.progress(snapshotProgress(state));
    yield flow.wait(flow.settings.snapshotPollSeconds);
    const read = yield* flow.call('getSnapshotState', { snapshotId: state.snapshotId }, 'snapshot');
    if (read.kind === 'end') return read;
    state = read.facts;
  }
  flow.end('snapshot', `${state.snapshotId} ready (kept after the repair)`);
  return proceed(state.snapshotId);
}
