/**
 * Durable Entities in the durable host emulator: the REAL entity functions (registered with df.app.entity) run
 * through durable-functions' own entity dispatch; operations on one entity run one at a time, in the order they
 * were signalled, in batches; the state lives in the task hub and survives a worker restart; readEntityState
 * answers like DurableClient against the extension (exists / not, the parsed state, queued work not yet in it).
 */
import * as df from 'durable-functions';
import { DurableHostEmulator } from '../../src/simulator/durable';
import { FunctionRegistry, standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';

const registry = standInRegistry();

/** Appends what each operation saw, so the order and the one-at-a-time rule show in the state. */
df.app.entity('EntLog', (context: df.EntityContext<{ seen: string[]; calls: number }>) => {
  const state = context.df.getState(() => ({ seen: [], calls: 0 })) ?? { seen: [], calls: 0 };
  switch (context.df.operationName) {
    case 'add':
      state.seen.push(String(context.df.getInput()));
      state.calls++;
      context.df.setState(state);
      return;
    case 'relay':
      // An entity signalling another entity: the extension delivers the signal like any other request.
      context.df.signalEntity(new df.EntityId('EntLog', 'relayed'), 'add', context.df.getInput());
      return;
    case 'delete':
      context.df.destructOnExit();
      return;
    default:
      throw new Error(`no operation ${context.df.operationName}`);
  }
});

function setup(restartWorker?: () => FunctionRegistry) {
  const clock = new VirtualClock(new Date('2026-01-05T03:00:00.000Z'));
  return new DurableHostEmulator({ registry, clock, ...(restartWorker ? { restartWorker } : {}) });
}

const id = (key: string) => new df.EntityId('EntLog', key);

test('signals queue until stepped, then run in order in one batch; state is read back parsed', async () => {
  const emulator = setup();
  await emulator.client.signalEntity(id('a'), 'add', 'one');
  await emulator.client.signalEntity(id('a'), 'add', 'two');
  await emulator.client.signalEntity(id('a'), 'add', 'three');
  // Nothing ran yet: the extension reads the stored state, not the queue.
  expect(await emulator.client.readEntityState(id('a'))).toEqual({ entityExists: false });
  await emulator.runUntilIdle({ advanceClock: false });
  expect(await emulator.client.readEntityState(id('a'))).toEqual({
    entityExists: true,
    entityState: { seen: ['one', 'two', 'three'], calls: 3 },
  });
  expect(emulator.entities.batches.map((b) => b.operations)).toEqual([['add', 'add', 'add']]);
});

test('entity names are case-insensitive, keys are not; unknown entity functions are refused', async () => {
  const emulator = setup();
  await emulator.client.signalEntity(new df.EntityId('entlog', 'K'), 'add', 1);
  await emulator.client.signalEntity(new df.EntityId('EntLog', 'k'), 'add', 2);
  await emulator.runUntilIdle({ advanceClock: false });
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('K'))).entityState?.seen).toEqual(['1']);
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('k'))).entityState?.seen).toEqual(['2']);
  await expect(emulator.client.signalEntity(new df.EntityId('NoSuchEntity', 'x'), 'add', 1)).rejects.toThrow(/404/);
});

test('a failing operation is reported in its result; the others of the batch keep their effect', async () => {
  const emulator = setup();
  await emulator.client.signalEntity(id('b'), 'add', 'kept');
  await emulator.client.signalEntity(id('b'), 'nonsense', null);
  await emulator.client.signalEntity(id('b'), 'add', 'also kept');
  await emulator.runUntilIdle({ advanceClock: false });
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('b'))).entityState?.seen).toEqual(['kept', 'also kept']);
});

test('signals an entity sends are delivered; destructOnExit deletes the entity', async () => {
  const emulator = setup();
  await emulator.client.signalEntity(id('c'), 'relay', 'hello');
  await emulator.runUntilIdle({ advanceClock: false });
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('relayed'))).entityState?.seen).toEqual(['hello']);
  await emulator.client.signalEntity(id('relayed'), 'delete');
  await emulator.runUntilIdle({ advanceClock: false });
  expect(await emulator.client.readEntityState(id('relayed'))).toEqual({ entityExists: false });
});

test('operations signalled while a batch runs wait for the next batch: never two at once on one entity', async () => {
  const emulator = setup();
  for (let i = 0; i < 5; i++) await emulator.client.signalEntity(id('d'), 'add', i);
  await emulator.step({ advanceClock: false });
  for (let i = 5; i < 8; i++) await emulator.client.signalEntity(id('d'), 'add', i);
  await emulator.runUntilIdle({ advanceClock: false });
  expect(emulator.entities.batches.map((b) => b.operations.length)).toEqual([5, 3]);
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('d'))).entityState?.seen).toEqual([
    '0',
    '1',
    '2',
    '3',
    '4',
    '5',
    '6',
    '7',
  ]);
});

test('the state lives in the task hub: a restarted worker (a new registry) reads and extends it', async () => {
  let restarts = 0;
  const emulator = setup(() => {
    restarts++;
    // A new worker with the same registrations: a copy of the registry, none of the old worker's objects.
    const fresh = new FunctionRegistry();
    for (const fn of registry.all()) fresh.register(fn.metadata, fn.handler);
    return fresh;
  });
  await emulator.client.signalEntity(id('e'), 'add', 'before');
  await emulator.runUntilIdle({ advanceClock: false });
  emulator.restartWorker();
  await emulator.client.signalEntity(id('e'), 'add', 'after');
  await emulator.runUntilIdle({ advanceClock: false });
  expect(restarts).toBe(1);
  expect((await emulator.client.readEntityState<{ seen: string[] }>(id('e'))).entityState?.seen).toEqual(['before', 'after']);
});
