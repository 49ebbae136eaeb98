/**
 * Whether the OS disk snapshot can be relied on as the backup. Pure.
 *
 * Microsoft docs ("Create an incremental snapshot for managed disks"): "Both full snapshots and incremental
 * snapshots can be used immediately after being taken"; only snapshots of Premium SSD v2 and Ultra disks, and
 * copies to another region, need a background copy to finish first, reported by completionPercent. An OS disk is
 * never Premium SSD v2 or Ultra (both are data disks only), so the snapshot is usable once its operation succeeded.
 * completionPercent is still read, defensively: absent means nothing to wait for, present and below 100 means wait.
 */
import type { SnapshotState } from '../../domain/vmFacts';

export type SnapshotReadiness = 'usable' | 'waiting' | 'failed';

export function snapshotReadiness(state: SnapshotState): SnapshotReadiness {
  if (state.provisioningState === 'Failed' || state.provisioningState === 'Canceled') return 'failed';
  if (state.provisioningState !== 'Succeeded') return 'waiting';
  const percent = state.completionPercent;
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return 'usable';
  return percent >= 100 ? 'usable' : 'waiting';
}

/** What the status says while waiting. */
export function snapshotProgress(state: SnapshotState): string {
  const name = state.snapshotId.split('/').pop() ?? state.snapshotId;
  if (state.provisioningState !== 'Succeeded') return `${name}: ${state.provisioningState}, waiting for the snapshot operation`;
  return `${name}: background copy ${state.completionPercent ?? 0}% complete`;
}
