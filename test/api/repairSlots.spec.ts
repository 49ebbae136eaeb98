/** The repair gate's I/O helpers against a recording durable client: notifying waiters, and the sweep's choices. */
import { notifySlotGranted, releaseStaleRepairSlots } from '../../src/api/repairSlots';
import type { RepairClient } from '../../src/api/repairClient';
import type { RepairSlotsState } from '../../src/domain/repairSlots';

const AT = new Date('2026-01-05T04:00:00.000Z');
const T = (m: number) => `2026-01-05T03:${String(m).padStart(2, '0')}:00.000Z`;

function client(statuses: Record<string, string>, state: RepairSlotsState | undefined) {
  const raised: string[] = [];
  const signals: unknown[] = [];
  const fake = {
    raiseEvent: async (id: string) => {
      if (!(id in statuses)) throw new Error(`No instance with ID '${id}' found.`);
      raised.push(id);
    },
    getStatus: async (id: string) => {
      if (!(id in statuses)) throw new Error(`DurableClient error: Durable Functions extension replied with HTTP 404 response.`);
      return { runtimeStatus: statuses[id] };
    },
    readEntityState: async () => (state ? { entityExists: true, entityState: state } : { entityExists: false }),
    signalEntity: async (_id: unknown, op: string, input: unknown) => {
      signals.push([op, input]);
    },
  } as unknown as RepairClient;
  return { fake, raised, signals };
}

test('notify raises the event on each repair and reports the ones that are gone', async () => {
  const { fake, raised } = client({ a: 'Running', b: 'Running' }, undefined);
  expect(await notifySlotGranted(fake, { repairIds: ['a', 'zz', 'b'] }, AT)).toEqual({ notified: ['a', 'b'], gone: ['zz'] });
  expect(raised).toEqual(['a', 'b']);
});

test('the sweep releases ended and unknown front waiters, then holders, only as seen, and tells who gets the slots', async () => {
  const state: RepairSlotsState = {
    max: 2,
    holders: { done: { acquiredAt: T(0), claimed: true }, live: { acquiredAt: T(1), claimed: true } },
    waiters: [
      { repairId: 'vanished', queuedAt: T(2), priority: 'alert' },
      { repairId: 'next', queuedAt: T(3), priority: 'alert' },
      { repairId: 'later', queuedAt: T(4), priority: 'alert' },
    ],
  };
  const { fake, raised, signals } = client({ done: 'Completed', live: 'Running', next: 'Running', later: 'Running' }, state);
  const summary = await releaseStaleRepairSlots(fake, AT);
  expect(summary).toEqual({
    checked: 4,
    released: [
      { repairId: 'vanished', runtimeStatus: 'Unknown' },
      { repairId: 'done', runtimeStatus: 'Completed' },
    ],
    reminded: ['next'],
  });
  expect(signals).toEqual([
    ['release', { repairId: 'vanished', at: AT.toISOString(), onlyIfSince: T(2) }],
    ['release', { repairId: 'done', at: AT.toISOString(), onlyIfSince: T(0) }],
  ]);
  expect(raised).toEqual(['next']);
});

test('the sweep of a gate nobody used yet does nothing', async () => {
  const { fake, signals } = client({}, undefined);
  expect(await releaseStaleRepairSlots(fake, AT)).toEqual({ checked: 0, released: [], reminded: [] });
  expect(signals).toEqual([]);
});
