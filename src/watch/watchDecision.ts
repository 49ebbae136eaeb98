/**
 * Deciding like an operator, from one VM's remembered state and this round's observation (pure).
 *
 * - A VM has failed after `failuresBeforeEvent` consecutive `broken` verdicts: one bad handshake can be a
 *   restart or a deployment; several in a row, minutes apart, are the symptom users report.
 * - Only `broken` counts. `unreachable` is not the symptom (port checks already see it, and from a running VM it
 *   is as often this app's path as the VM) and it breaks the series; a stopped/deallocated VM is never probed.
 * - `inconclusive`, "not watchable from here" and "not reached" are no evidence either way: they change no count.
 * - One event per failure episode: once ConnectionFailed is sent, nothing more is sent for that VM until the
 *   episode closes, which takes as many consecutive `healthy` verdicts as opening it took broken ones. A VM that
 *   flaps between broken and healthy therefore stays in its one episode. Closing it sends Recovered.
 * - `degraded` (RDP works with a warning) breaks a broken series but does not count towards recovery.
 */
import type { WatchObservation, WatchVmState } from './watchState';

export type WatchEventKind = 'ConnectionFailed' | 'Recovered';

export interface WatchDecision {
  /** The state to keep if the event (if any) was sent; `stateIfUnsent` gives the one to keep when sending failed. */
  next: WatchVmState;
  event: WatchEventKind | null;
  /** One line for the round's log. */
  why: string;
}

export interface WatchDecisionInput {
  vmResourceId: string;
  previous: WatchVmState | null;
  observation: WatchObservation;
  at: Date;
  failuresBeforeEvent: number;
  /** The id a ConnectionFailed opened now would carry (deterministic per VM and instant: see watchEvents.ts). */
  newEventId: string;
}

function fresh(vmResourceId: string, at: string, observation: WatchObservation): WatchVmState {
  return {
    vmResourceId,
    lastCheckedAt: at,
    lastObservation: observation,
    lastVerdict: null,
    consecutiveBroken: 0,
    consecutiveHealthy: 0,
    episode: null,
    lastEvent: null,
  };
}

export function decideWatch(input: WatchDecisionInput): WatchDecision {
  const at = input.at.toISOString();
  const o = input.observation;
  const base: WatchVmState = {
    ...(input.previous ?? fresh(input.vmResourceId, at, o)),
    vmResourceId: input.vmResourceId,
    lastCheckedAt: at,
    lastObservation: o,
  };
  const n = input.failuresBeforeEvent;
  if (o.kind === 'notRunning') {
    // A stopped VM's earlier broken verdicts say nothing about how it will boot: the series starts again.
    return {
      next: { ...base, consecutiveBroken: 0, consecutiveHealthy: 0 },
      event: null,
      why: `not running (${o.powerState}): not probed`,
    };
  }
  if (o.kind === 'notWatchable') return { next: base, event: null, why: `not watchable from here: ${o.reason}` };
  if (o.kind === 'notReached') return { next: base, event: null, why: 'not reached within the round budget' };

  const probed = { ...base, lastVerdict: o.verdict };
  switch (o.verdict) {
    case 'inconclusive':
      return { next: probed, event: null, why: 'inconclusive probe: no evidence, nothing counted' };
    case 'unreachable':
      return { next: { ...probed, consecutiveBroken: 0, consecutiveHealthy: 0 }, event: null, why: 'unreachable: not the RDP symptom' };
    case 'degraded':
      return { next: { ...probed, consecutiveBroken: 0, consecutiveHealthy: 0 }, event: null, why: 'degraded: RDP works with a warning' };
    case 'healthy': {
      const healthy = base.episode ? base.consecutiveHealthy + 1 : 0;
      if (base.episode && healthy >= n) {
        return {
          next: {
            ...probed,
            consecutiveBroken: 0,
            consecutiveHealthy: 0,
            episode: null,
            lastEvent: { type: 'Recovered', id: `${base.episode.eventId}-recovered`, at },
          },
          event: 'Recovered',
          why: `healthy ${healthy} time(s) in a row: the failure episode is over`,
        };
      }
      const why = base.episode ? `healthy (${healthy} of ${n} to close the episode)` : 'healthy';
      return { next: { ...probed, consecutiveBroken: 0, consecutiveHealthy: healthy }, event: null, why };
    }
    case 'broken': {
      const broken = base.consecutiveBroken + 1;
      if (base.episode) {
        return {
          next: { ...probed, consecutiveBroken: broken, consecutiveHealthy: 0 },
          event: null,
          why: `broken; the episode opened at ${base.episode.openedAt} already raised its event`,
        };
      }
      if (broken >= n) {
        return {
          next: {
            ...probed,
            consecutiveBroken: broken,
            consecutiveHealthy: 0,
            episode: { eventId: input.newEventId, openedAt: at },
            lastEvent: { type: 'ConnectionFailed', id: input.newEventId, at },
          },
          event: 'ConnectionFailed',
          why: `broken ${broken} time(s) in a row: ConnectionFailed`,
        };
      }
      return { next: { ...probed, consecutiveBroken: broken, consecutiveHealthy: 0 }, event: null, why: `broken (${broken} of ${n})` };
    }
  }
}

/**
 * The state to keep when the event could not be sent: the counts move on, the episode does not open (or close),
 * so the next round decides again and sends it then.
 */
export function stateIfUnsent(previous: WatchVmState | null, decision: WatchDecision): WatchVmState {
  if (!decision.event) return decision.next;
  return {
    ...decision.next,
    episode: previous?.episode ?? null,
    lastEvent: previous?.lastEvent ?? null,
    // An unsent Recovered keeps the healthy series, so the next healthy round closes the episode and sends it.
    consecutiveHealthy: decision.event === 'Recovered' ? (previous?.consecutiveHealthy ?? 0) + 1 : decision.next.consecutiveHealthy,
  };
}
