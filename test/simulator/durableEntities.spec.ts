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

// A fleet-wide gate as an entity: `acquire` grants a slot while fewer than `capacity` are held; `release` frees one.
df.app.entity('EntGate', (context: df.EntityContext<{ held: string[] }>) => {
  const state = context.df.getState(() => ({ held: [] })) ?? { held: [] };
  const who = String(context.df.getInput());
  if (context.df.operationName === 'acquire') {
    const granted = state.held.includes(who) || state.held.length < 1;
    if (granted && !state.held.includes(who)) state.held.push(who);
    context.df.setState(state);
    context.df.return(granted);
    return;
  }
  if (context.df.operationName === 'release') {
    context.df.setState({ held: state.held.filter((h) => h !== who) });
    return;
  }
  throw new Error(`gate has no operation ${context.df.operationName}`);
});

df.app.activity('EntWork', { handler: (input: unknown) => `worked ${String(input)}` });

df.app.orchestration('EntGated', function* (context: df.OrchestrationContext) {
  const gate = new df.EntityId('EntGate', 'fleet');
  const granted: boolean = yield context.df.callEntity(gate, 'acquire', context.df.instanceId);
  if (!granted) return 'refused';
  const worked: string = yield context.df.callActivity('EntWork', context.df.instanceId);
  context.df.signalEntity(gate, 'release', context.df.instanceId);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1000));
  return worked;
});

df.app.orchestration('EntCallsBadOp', function* (context: df.OrchestrationContext) {
  try {
    yield context.df.callEntity(new df.EntityId('EntGate', 'fleet'), 'nonsense', 'x');
    return 'no error';
  } catch (err) {
    return `caught: ${err instanceof Error ? 'Error' : typeof err}`;
  }
});

test('orchestrations call and signal entities: calls answer in order, one at a time, through replay', async () => {
  const emulator = setup();
  await emulator.client.startNew('EntGated', { instanceId: 'first' });
  await emulator.client.startNew('EntGated', { instanceId: 'second' });
  const first = await emulator.runUntilComplete('first');
  const second = await emulator.runUntilComplete('second');
  // Both acquire calls reach the gate before either release: exactly one is granted.
  expect([first.output, second.output].sort()).toEqual(['refused', 'worked first']);
  expect((await emulator.client.readEntityState<{ held: string[] }>(new df.EntityId('EntGate', 'fleet'))).entityState).toEqual({
    held: [],
  });
  const sent = emulator.history('first').filter((e) => e.EventType === 14);
  expect(sent.map((e) => [e.InstanceId, e.Name])).toEqual([
    ['@entgate@fleet', 'acquire'],
    ['@entgate@fleet', 'release'],
  ]);
  // Afterwards a third caller gets the free slot.
  await emulator.client.startNew('EntGated', { instanceId: 'third' });
  expect((await emulator.runUntilComplete('third')).output).toBe('worked third');
});

test('an entity operation that throws fails the orchestration call (catchable)', async () => {
  const emulator = setup();
  await emulator.client.startNew('EntCallsBadOp', { instanceId: 'bad' });
  expect((await emulator.runUntilComplete('bad')).output).toBe('caught: Error');
});
