/**
 * The fleet-wide repair gate (MAX_CONCURRENT_REPAIRS), held by the `repairSlots` Durable Entity so the limit holds
 * across every instance of a scaled-out app. A repair asks for a slot before its first read of the VM (a queued
 * repair reads fresh facts when it finally runs, and writes nothing before it holds a slot), and gives it back at
 * its end; the offline and cleanup children run inside the parent's lifetime, under its slot.
 *
 * Waiting is event-driven: whoever frees a slot (a repair ending, the stale-slot sweeper) reserves it in the entity
 * for the first waiter and raises RepairSlotGranted on it. The waiter races that event with a fallback timer that
 * grows from 5 to 60 minutes (a lost event costs at most that; polling 1,000 waiters every few minutes would grow
 * every history for nothing) and with a cancel, and then asks the entity again: the entity is the truth, the
 * event only a hint. One wait for the event stays open across rounds: Durable Functions hands an event to the
 * most recently opened wait of its name, and a fresh wait per round would leave the event to a stale one.
 */
import * as df from 'durable-functions';
import type { Task } from 'durable-functions';
import { DEFAULT_MAX_CONCURRENT_REPAIRS } from '../../domain/config';
import {
  type AcquireSlotAnswer,
  type AcquireSlotInput,
  NOTIFY_REPAIR_SLOT_GRANTED,
  type NotifySlotGrantedInput,
  REPAIR_SLOT_GRANTED_EVENT,
  REPAIR_SLOT_OPERATIONS,
  REPAIR_SLOTS_ENTITY,
  REPAIR_SLOTS_KEY,
  type ReleaseSlotAnswer,
  type ReleaseSlotInput,
} from '../../domain/repairSlots';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { cancelledAt, cancelRaised, openCancelWait } from './cancelStep';

export const WAIT_FOR_REPAIR_SLOT_STEP = 'waitForRepairSlot';

/** Minutes before a waiter asks again without having heard of a grant: 5, 10, 20, 40, then every 60. */
export function fallbackMinutes(round: number): number {
  return Math.min(60, 5 * 2 ** Math.min(round, 4));
}

function slotsEntity(): df.EntityId {
  return new df.EntityId(REPAIR_SLOTS_ENTITY, REPAIR_SLOTS_KEY);
}

function waitingDetail(answer: Extract<AcquireSlotAnswer, { kind: 'queued' }>, at: string): string {
  return (
    `position ${answer.position} of ${answer.waiting} waiting; MAX_CONCURRENT_REPAIRS=${answer.max} ` +
    `(${answer.holders} repairs hold a slot); asked at ${at}. Nothing has been read or changed yet.`
  );
}

export function* acquireRepairSlot(flow: Flow): Gen<PhaseResult<null>> {
  const input: Omit<AcquireSlotInput, 'at'> = {
    repairId: flow.repairId,
    max: flow.settings.maxConcurrentRepairs ?? DEFAULT_MAX_CONCURRENT_REPAIRS,
    priority: flow.request.source.kind === 'http' ? 'operator' : 'alert',
  };
  let grant: Task | null = null;
  let waitingSince: string | null = null;
  for (let round = 0; ; round += 1) {
    const answer: AcquireSlotAnswer = yield flow.context.df.callEntity(slotsEntity(), REPAIR_SLOT_OPERATIONS.acquire, {
      ...input,
      at: flow.now(),
    });
    if (answer.kind === 'granted') {
      // Granted at once: no timeline row (nothing happened that an operator needs to read about).
      if (waitingSince)
        flow.end(WAIT_FOR_REPAIR_SLOT_STEP, `slot granted after waiting since ${waitingSince}; ${answer.holders} of ${answer.max} held`);
      return proceed(null);
    }
    const detail = waitingDetail(answer, flow.now());
    if (waitingSince === null) {
      waitingSince = flow.now();
      flow.begin(WAIT_FOR_REPAIR_SLOT_STEP, detail);
    } else flow.progress(detail);
    if (grant === null || grant.isCompleted) grant = flow.context.df.waitForExternalEvent(REPAIR_SLOT_GRANTED_EVENT);
    const cancel = flow.cancelWaits[0] ?? openCancelWait(flow);
    const timer = flow.context.df.createTimer(new Date(flow.nowMs() + fallbackMinutes(round) * 60_000));
    const winner: unknown = yield flow.context.df.Task.any([grant, cancel, timer]);
    if (winner !== timer) timer.cancel();
    const cancelled = cancelRaised(flow);
    if (cancelled) {
      flow.end(WAIT_FOR_REPAIR_SLOT_STEP, 'cancelled while waiting for a repair slot', 'failed');
      return end(cancelledAt(flow, cancelled, 'preflight'));
    }
  }
}

/**
 * Gives the slot (or the place in the queue) back and tells the waiters it went to. Never changes the outcome:
 * if the entity or the notification fails, the sweeper (releaseStaleRepairSlots) frees the slot of an ended
 * repair and reminds a waiter whose slot is reserved.
 */
export function* releaseRepairSlot(flow: Flow): Gen<void> {
  const release: ReleaseSlotInput = { repairId: flow.repairId, at: flow.now() };
  let granted: string[] = [];
  try {
    const answer: ReleaseSlotAnswer | undefined = yield flow.context.df.callEntity(slotsEntity(), REPAIR_SLOT_OPERATIONS.release, release);
    granted = answer?.granted ?? [];
  } catch {
    return;
  }
  if (granted.length === 0) return;
  const retry = new df.RetryOptions(flow.settings.activityRetryFirstIntervalSeconds * 1000, flow.settings.activityRetryAttempts);
  const notify: NotifySlotGrantedInput = { repairIds: granted };
  try {
    yield flow.context.df.callActivityWithRetry(NOTIFY_REPAIR_SLOT_GRANTED, retry, notify);
  } catch {
    // The waiters' fallback timers and the sweeper's reminders cover a notification that kept failing.
  }
}

/** For an ending that did not pass releaseRepairSlot (an orchestrator bug threw): fire and forget. */
export function signalRepairSlotRelease(flow: Flow): void {
  const release: ReleaseSlotInput = { repairId: flow.repairId, at: flow.now() };
  flow.context.df.signalEntity(slotsEntity(), REPAIR_SLOT_OPERATIONS.release, release);
}
