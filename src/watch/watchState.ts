/**
 * What the watch remembers per VM between rounds (kept in the `watchVm` Durable Entity, one per VM) and what one
 * round observed. Plain JSON: entity state crosses the task hub as JSON text.
 */
import { createHash } from 'node:crypto';
import type { ProbeStage, ProbeVerdict } from '../domain/rdpProbe';
import { identityKey } from '../domain/identity';

/** The entity function that holds one VM's watch state, and the one that holds the last round's summary. */
export const WATCH_VM_ENTITY = 'watchVm';
export const WATCH_ROUND_ENTITY = 'watchRound';
export const WATCH_ROUND_KEY = 'latest';

/** What one round saw of one VM. */
export type WatchObservation =
  | { kind: 'probed'; verdict: ProbeVerdict; stage: ProbeStage; error: string | null; reason: string; port: number }
  /** Power state read first: a stopped or deallocated VM is never probed (its silence is not a failure). */
  | { kind: 'notRunning'; powerState: string }
  /** This app cannot judge the VM from where it stands: not admitted by the NSG, no usable address, ARM refused. */
  | { kind: 'notWatchable'; reason: string }
  /** The round's time budget ran out before this VM's turn. */
  | { kind: 'notReached' };

export interface WatchEpisode {
  /** Id of the ConnectionFailed event that opened it (the same id if the event is ever sent again). */
  eventId: string;
  openedAt: string;
}

export interface WatchVmState {
  vmResourceId: string;
  lastCheckedAt: string;
  lastObservation: WatchObservation;
  /** The last probe verdict, kept across rounds that did not probe (stopped, not reached). */
  lastVerdict: ProbeVerdict | null;
  consecutiveBroken: number;
  /** Healthy verdicts in a row since the episode opened (an open episode closes at failuresBeforeEvent of them). */
  consecutiveHealthy: number;
  /** The open failure episode: one ConnectionFailed per episode, one Recovered when it closes. */
  episode: WatchEpisode | null;
  lastEvent: { type: 'ConnectionFailed' | 'Recovered'; id: string; at: string } | null;
}

export interface WatchRoundSummary {
  startedAt: string;
  durationMs: number;
  checked: number;
  healthy: number;
  degraded: number;
  broken: number;
  unreachable: number;
  inconclusive: number;
  /** Not probed: stopped/deallocated, not watchable from here, or not reached within the budget. */
  skipped: number;
  notReached: number;
  events: number;
  publishFailures: number;
  /** Every watched VM this round, so GET /api/watch can list them. */
  vmResourceIds: string[];
}

/**
 * The entity key for a VM: the extension's entity HTTP API puts the key in a URL path, where the slashes of a
 * resource id would not survive, so the key is a digest of the VM's identity (ARM ids compare case-insensitively).
 */
export function watchEntityKey(vmResourceId: string): string {
  return createHash('sha256').update(identityKey(vmResourceId)).digest('hex').slice(0, 40);
}
