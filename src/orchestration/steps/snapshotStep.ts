/**
 * The backup before any change: an incremental snapshot of the OS disk, polled with durable timers until it is
 * usable (decisions/snapshotReadiness.ts: its operation succeeded, and completionPercent, if Azure reports one,
 * is 100). Nothing changes until then; if it fails or times out, the repair ends having changed nothing.
 *
 * Started and awaited separately, so the online phase can take it while the read-only diagnosis runs
 * (decisions/onlineOrder.ts): `beginSnapshot` asks ARM for it, `awaitSnapshot` waits until it is usable.
 */
import type { SnapshotStartInput, SnapshotState, VmFacts } from '../../domain/vmFacts';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { snapshotNameFor } from '../orchestrationInput';
import { snapshotProgress, snapshotReadiness } from '../decisions/snapshotReadiness';

/** A snapshot ARM accepted, not yet known to be usable. */
export interface PendingSnapshot {
  state: SnapshotState;
  startedAtMs: number;
  /** When `state` was read: after a diagnosis ran meanwhile, a fresh read comes before any wait. */
  readAtMs: number;
}

export function* beginSnapshot(flow: Flow, vm: VmFacts, detail = ''): Gen<PhaseResult<PendingSnapshot>> {
  const startedAt = flow.context.df.currentUtcDateTime;
  flow.begin('snapshot', `incremental snapshot of ${vm.osDisk.name}${detail ? ` (${detail})` : ''}`);
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
  flow.status.artifacts.snapshotId = started.facts.snapshotId;
  return proceed({ state: started.facts, startedAtMs: startedAt.getTime(), readAtMs: flow.nowMs() });
}

export function* awaitSnapshot(flow: Flow, pending: PendingSnapshot, kept = 'kept after the repair'): Gen<PhaseResult<string>> {
  let state = pending.state;
  let readAtMs = pending.readAtMs;
  const deadline = pending.startedAtMs + flow.settings.snapshotTimeoutMinutes * 60_000;
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
    // The next read one poll interval after the last one, however long other work ran in between.
    const waitMs = readAtMs + flow.settings.snapshotPollSeconds * 1000 - flow.nowMs();
    if (waitMs > 0) yield flow.wait(waitMs / 1000);
    const read = yield* flow.call('getSnapshotState', { snapshotId: state.snapshotId }, 'snapshot');
    if (read.kind === 'end') return read;
    state = read.facts;
    readAtMs = flow.nowMs();
  }
  flow.end('snapshot', `${state.snapshotId} ready (${kept})`);
  return proceed(state.snapshotId);
}

/** Closes the entry of a snapshot started alongside the diagnosis when no change followed: kept, never deleted. */
export function snapshotNotNeeded(flow: Flow, pending: PendingSnapshot): void {
  flow.end('snapshot', `${pending.state.snapshotId}: taken while the diagnosis ran; no change followed, so it was not needed (kept)`);
}

export function* snapshotStep(flow: Flow, vm: VmFacts): Gen<PhaseResult<string>> {
  const pending = yield* beginSnapshot(flow, vm);
  if (pending.kind === 'end') return pending;
  return yield* awaitSnapshot(flow, pending.facts);
}
