/**
 * The repair gate's state transitions, pure: the entity function applies them one operation at a time.
 *  - acquire: a holder gets `granted` again (replays, retries, a waiter claiming the slot reserved for it); a new
 *    repair gets a slot while fewer than `max` are held and nobody waits (no jumping the queue), else it is
 *    queued once (asking again only reports its position);
 *  - release: a holder's slot, or a waiter's place, is given up; free slots then go to the first waiters, each
 *    reserved for it (held, unclaimed) so nobody can take it between the grant and the waiter's next ask. A
 *    release by a repair that holds nothing is a no-op.
 * A lower MAX_CONCURRENT_REPAIRS takes effect as slots are released (held ones are never taken back).
 */
import type {
  AcquireSlotAnswer,
  AcquireSlotInput,
  ReleaseSlotAnswer,
  ReleaseSlotInput,
  RepairSlotsState,
  SlotWaiter,
} from '../../domain/repairSlots';

export const MAX_SLOTS_FALLBACK = 20;

export function emptySlots(): RepairSlotsState {
  return { holders: {}, waiters: [], max: MAX_SLOTS_FALLBACK };
}

/** The state as stored, made safe to work on (an entity created by an older version may lack a field). */
export function normalizedSlots(state: Partial<RepairSlotsState> | undefined | null): RepairSlotsState {
  return {
    holders: { ...(state?.holders ?? {}) },
    waiters: [...(state?.waiters ?? [])],
    max: typeof state?.max === 'number' && state.max >= 1 ? state.max : MAX_SLOTS_FALLBACK,
  };
}

function holderCount(state: RepairSlotsState): number {
  return Object.keys(state.holders).length;
}

/** Gives free slots to the first waiters, reserved for them. */
function promote(state: RepairSlotsState, at: string): string[] {
  const granted: string[] = [];
  while (state.waiters.length > 0 && holderCount(state) < state.max) {
    const next = state.waiters.shift() as SlotWaiter;
    state.holders[next.repairId] = { acquiredAt: at, claimed: false };
    granted.push(next.repairId);
  }
  return granted;
}

function insertionIndex(waiters: readonly SlotWaiter[], waiter: SlotWaiter): number {
  if (waiter.priority === 'alert') return waiters.length;
  const firstAlert = waiters.findIndex((w) => w.priority === 'alert');
  return firstAlert === -1 ? waiters.length : firstAlert;
}

export function acquireSlot(
  current: RepairSlotsState,
  input: AcquireSlotInput,
  at: string,
): { state: RepairSlotsState; answer: AcquireSlotAnswer; granted: string[] } {
  const state = normalizedSlots(current);
  if (Number.isInteger(input.max) && input.max >= 1) state.max = input.max;
  // A raised limit frees room for those already waiting before this caller is considered.
  const granted = promote(state, at);
  const held = state.holders[input.repairId];
  if (held) {
    held.claimed = true;
    return { state, answer: { kind: 'granted', holders: holderCount(state), max: state.max }, granted };
  }
  let position = state.waiters.findIndex((w) => w.repairId === input.repairId);
  if (position === -1 && state.waiters.length === 0 && holderCount(state) < state.max) {
    state.holders[input.repairId] = { acquiredAt: at, claimed: true };
    return { state, answer: { kind: 'granted', holders: holderCount(state), max: state.max }, granted };
  }
  if (position === -1) {
    const waiter: SlotWaiter = { repairId: input.repairId, queuedAt: at, priority: input.priority };
    position = insertionIndex(state.waiters, waiter);
    state.waiters.splice(position, 0, waiter);
  }
  return {
    state,
    answer: { kind: 'queued', position: position + 1, waiting: state.waiters.length, holders: holderCount(state), max: state.max },
    granted,
  };
}

export function releaseSlot(
  current: RepairSlotsState,
  input: ReleaseSlotInput,
  at: string,
): { state: RepairSlotsState; answer: ReleaseSlotAnswer } {
  const state = normalizedSlots(current);
  const since = input.onlyIfSince;
  const held = state.holders[input.repairId];
  if (held && (since === undefined || held.acquiredAt === since)) delete state.holders[input.repairId];
  state.waiters = state.waiters.filter((w) => w.repairId !== input.repairId || (since !== undefined && w.queuedAt !== since));
  return { state, answer: { granted: promote(state, at) } };
}

/** What the sweeper checks: every holder, and the waiters next in line (the ones a release would grant). */
export function slotsToCheck(state: RepairSlotsState): Array<{ repairId: string; since: string }> {
  return [
    ...Object.entries(state.holders).map(([repairId, h]) => ({ repairId, since: h.acquiredAt })),
    ...state.waiters.slice(0, state.max).map((w) => ({ repairId: w.repairId, since: w.queuedAt })),
  ];
}

/** Slots reserved for waiters that have not claimed them yet: they are reminded (their grant event may be lost). */
export function unclaimedHolders(state: RepairSlotsState): string[] {
  return Object.entries(state.holders)
    .filter(([, h]) => !h.claimed)
    .map(([repairId]) => repairId);
}
