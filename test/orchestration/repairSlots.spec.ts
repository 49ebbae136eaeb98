/** The repair gate's transitions (decisions/repairSlots.ts) as tables: grants, the queue, releases, idempotence. */
import type { AcquireSlotInput, RepairSlotsState } from '../../src/domain/repairSlots';
import {
  acquireSlot,
  emptySlots,
  normalizedSlots,
  releaseSlot,
  slotsToCheck,
  unclaimedHolders,
} from '../../src/orchestration/decisions/repairSlots';
import { fallbackMinutes } from '../../src/orchestration/steps/repairSlotStep';

const T = (n: number) => `2026-01-05T03:${String(n).padStart(2, '0')}:00.000Z`;
const ask = (repairId: string, max = 2, priority: AcquireSlotInput['priority'] = 'alert'): AcquireSlotInput => ({
  repairId,
  max,
  priority,
  at: T(0),
});

/** Applies acquires in order and returns the state and each answer's kind/position. */
function acquireAll(ids: string[], max = 2, state: RepairSlotsState = emptySlots()) {
  const answers: string[] = [];
  for (const [i, id] of ids.entries()) {
    const next = acquireSlot(state, { ...ask(id, max), at: T(i) }, T(i));
    state = next.state;
    answers.push(next.answer.kind === 'granted' ? 'granted' : `queued ${next.answer.position}`);
  }
  return { state, answers };
}

describe('acquire', () => {
  it.each([
    [1, ['a', 'b', 'c'], ['granted', 'queued 1', 'queued 2']],
    [2, ['a', 'b', 'c', 'd'], ['granted', 'granted', 'queued 1', 'queued 2']],
    [5, ['a', 'b'], ['granted', 'granted']],
  ])('max %i: %j -> %j', (max, ids, expected) => {
    expect(acquireAll(ids, max).answers).toEqual(expected);
  });

  it('is idempotent: a holder is granted again, a waiter is queued once and keeps its place', () => {
    let { state } = acquireAll(['a', 'b', 'c', 'd'], 2);
    const again = acquireSlot(state, ask('a'), T(9));
    expect(again.answer).toEqual({ kind: 'granted', holders: 2, max: 2 });
    state = again.state;
    const waiter = acquireSlot(state, ask('d'), T(9));
    expect(waiter.answer).toEqual({ kind: 'queued', position: 2, waiting: 2, holders: 2, max: 2 });
    expect(waiter.state.waiters.map((w) => w.repairId)).toEqual(['c', 'd']);
    expect(waiter.state.holders.a.acquiredAt).toBe(T(0));
  });

  it('never lets a newcomer pass the queue, even when a slot is free but reserved', () => {
    let { state } = acquireAll(['a', 'b', 'c'], 2);
    state = releaseSlot(state, { repairId: 'a', at: T(5) }, T(5)).state;
    // c holds the reserved slot (unclaimed); a newcomer queues behind nobody but still gets no slot.
    const newcomer = acquireSlot(state, ask('e'), T(6));
    expect(newcomer.answer.kind).toBe('queued');
    expect(Object.keys(newcomer.state.holders).sort()).toEqual(['b', 'c']);
  });

  it('queues operator-started repairs ahead of alert-started ones, FIFO within each', () => {
    let state = acquireAll(['h'], 1).state;
    for (const [id, priority] of [
      ['a1', 'alert'],
      ['o1', 'operator'],
      ['a2', 'alert'],
      ['o2', 'operator'],
    ] as const) {
      state = acquireSlot(state, ask(id, 1, priority), T(1)).state;
    }
    expect(state.waiters.map((w) => w.repairId)).toEqual(['o1', 'o2', 'a1', 'a2']);
  });

  it('takes the limit from the caller: a raised limit grants waiters first, a lowered one takes nothing back', () => {
    let { state } = acquireAll(['a', 'b', 'c', 'd'], 2);
    const raised = acquireSlot(state, ask('e', 5), T(7));
    expect(raised.granted).toEqual(['c', 'd']);
    expect(raised.answer.kind).toBe('granted');
    expect(Object.keys(raised.state.holders).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const lowered = acquireSlot(raised.state, ask('f', 1), T(8));
    expect(lowered.answer).toMatchObject({ kind: 'queued', position: 1, holders: 5, max: 1 });
    state = lowered.state;
    for (const id of ['a', 'b', 'c', 'd']) state = releaseSlot(state, { repairId: id, at: T(9) }, T(9)).state;
    expect(Object.keys(state.holders)).toEqual(['e']);
  });
});

describe('release', () => {
  it('gives the slot to the first waiter, reserved (unclaimed until it asks again)', () => {
    const { state } = acquireAll(['a', 'b', 'c', 'd'], 2);
    const released = releaseSlot(state, { repairId: 'a', at: T(5) }, T(5));
    expect(released.answer).toEqual({ granted: ['c'] });
    expect(released.state.holders.c).toEqual({ acquiredAt: T(5), claimed: false });
    expect(unclaimedHolders(released.state)).toEqual(['c']);
    const claimed = acquireSlot(released.state, ask('c'), T(6));
    expect(claimed.answer.kind).toBe('granted');
    expect(unclaimedHolders(claimed.state)).toEqual([]);
  });

  it('of a non-holder is a no-op; of a waiter removes it from the queue', () => {
    const { state } = acquireAll(['a', 'b', 'c', 'd'], 2);
    expect(releaseSlot(state, { repairId: 'zz', at: T(5) }, T(5))).toEqual({ state: normalizedSlots(state), answer: { granted: [] } });
    const left = releaseSlot(state, { repairId: 'c', at: T(5) }, T(5));
    expect(left.answer.granted).toEqual([]);
    expect(left.state.waiters.map((w) => w.repairId)).toEqual(['d']);
  });

  it('onlyIfSince: the sweeper frees only the slot or place it saw, never one a new repair of that VM got since', () => {
    const { state } = acquireAll(['a', 'b', 'c'], 2);
    expect(releaseSlot(state, { repairId: 'a', at: T(9), onlyIfSince: T(5) }, T(9)).state.holders.a).toBeDefined();
    expect(releaseSlot(state, { repairId: 'a', at: T(9), onlyIfSince: T(0) }, T(9)).answer.granted).toEqual(['c']);
    expect(releaseSlot(state, { repairId: 'c', at: T(9), onlyIfSince: T(1) }, T(9)).state.waiters).toHaveLength(1);
    expect(releaseSlot(state, { repairId: 'c', at: T(9), onlyIfSince: T(2) }, T(9)).state.waiters).toHaveLength(0);
  });
});

describe('what the sweeper checks', () => {
  it('every holder and the waiters next in line (up to the limit)', () => {
    const { state } = acquireAll(['a', 'b', 'c', 'd', 'e', 'f'], 2);
    expect(slotsToCheck(state).map((c) => c.repairId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a state from an older version (fields missing) is read as empty parts', () => {
    expect(normalizedSlots(undefined)).toEqual(emptySlots());
    expect(normalizedSlots({ holders: { a: { acquiredAt: T(0), claimed: true } } } as Partial<RepairSlotsState>).max).toBe(20);
  });
});

test('the fallback timer grows from 5 to 60 minutes', () => {
  expect([0, 1, 2, 3, 4, 5, 40].map(fallbackMinutes)).toEqual([5, 10, 20, 40, 60, 60, 60]);
});
