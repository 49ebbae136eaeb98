/**
 * The emulator's worker faults: a crash after an activity (its result is recorded, the worker is built again, so
 * in-process state is gone) and a lost activity result (the activity ran, the host never heard, the work item
 * comes back after the storage provider's visibility timeout).
 */
import * as df from 'durable-functions';
import { DurableHostEmulator, type DurableHostEmulatorOptions } from '../../src/simulator/durable';
import { type CoreFunctionMetadata, FunctionRegistry, standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';

const standIn = standInRegistry();
type Ctx = df.OrchestrationContext;

df.app.orchestration('RememberThenRecall', function* (context: Ctx) {
  yield context.df.callActivity('Remember', 'the disk id');
  return yield context.df.callActivity('Recall');
});

df.app.orchestration('CountOnce', function* (context: Ctx) {
  const first: number = yield context.df.callActivity('AzureCounter');
  const second: number = yield context.df.callActivity('AzureCounter');
  return [first, second];
});

function activity(name: string): CoreFunctionMetadata {
  return { name, bindings: { input: { type: 'activityTrigger', direction: 'in', name: 'input' } } };
}

/** State outside the worker (what Azure keeps): survives every restart. */
const azure = { counter: 0 };

/** One worker: the orchestrators as df registered them, activities whose closure is this worker's memory. */
function buildWorker(): FunctionRegistry {
  const registry = new FunctionRegistry();
  for (const name of ['RememberThenRecall', 'CountOnce']) {
    const fn = standIn.getOrThrow(name);
    registry.register(fn.metadata, fn.handler);
  }
  const memory = new Map<string, unknown>();
  registry.register(activity('Remember'), (input: unknown) => {
    memory.set('remembered', input);
    return 'ok';
  });
  registry.register(activity('Recall'), () => {
    if (!memory.has('remembered')) throw new Error('nothing remembered: this worker never ran Remember');
    return memory.get('remembered');
  });
  registry.register(activity('AzureCounter'), () => {
    azure.counter += 1;
    return azure.counter;
  });
  return registry;
}

function setup(options: Partial<DurableHostEmulatorOptions> = {}) {
  const clock = new VirtualClock(new Date('2026-01-05T03:00:00.000Z'));
  const emulator = new DurableHostEmulator({ registry: buildWorker(), clock, ...options });
  return { clock, emulator, client: emulator.client };
}

describe('DurableHostEmulator worker faults', () => {
  it('keeps in-process state without a crash (the control case)', async () => {
    const { emulator, client } = setup();
    const status = await emulator.runUntilComplete(await client.startNew('RememberThenRecall'));
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('the disk id');
    expect(emulator.workerCrashes).toEqual([]);
  });

  it('drops in-process state when the worker dies after an activity, so hidden module state is caught', async () => {
    const { emulator, client } = setup({ restartWorker: buildWorker, crashAfterActivity: (p) => p.name === 'Remember' });
    const id = await client.startNew('RememberThenRecall');
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('nothing remembered');
    expect(emulator.workerCrashes).toEqual([
      expect.objectContaining({
        cause: 'crashAfterActivity',
        afterActivity: expect.objectContaining({ name: 'Remember', ordinal: 1, instanceId: id }),
      }),
    ]);
    // The recorded result survived the crash: Remember ran once.
    expect(emulator.activityExecutions.map((e) => e.name)).toEqual(['Remember', 'Recall']);
  });

  it('runs an activity again when its result is lost, after the work-item visibility timeout', async () => {
    azure.counter = 0;
    const { emulator, client, clock } = setup({ loseActivityResult: (p) => p.ordinal === 1 });
    const startedAt = clock.nowMs();
    const status = await emulator.runUntilComplete(await client.startNew('CountOnce'));
    expect(status.runtimeStatus).toBe('Completed');
    // The first execution's side effect happened although its result was lost: the orchestrator sees 2, then 3.
    expect(status.output).toEqual([2, 3]);
    expect(
      emulator.activityExecutions.map((e) => ({ delivery: e.delivery, resultLost: e.resultLost, taskScheduledId: e.taskScheduledId })),
    ).toEqual([
      { delivery: 1, resultLost: true, taskScheduledId: 0 },
      { delivery: 2, resultLost: false, taskScheduledId: 0 },
      { delivery: 1, resultLost: false, taskScheduledId: 1 },
    ]);
    expect(clock.nowMs() - startedAt).toBeGreaterThanOrEqual(5 * 60 * 1000);
    // No restartWorker: a lost result alone does not restart anything.
    expect(emulator.workerCrashes).toEqual([]);
  });

  it('restarts the worker with a lost result when it can, and honours a custom redelivery delay', async () => {
    azure.counter = 0;
    const { emulator, client, clock } = setup({
      restartWorker: buildWorker,
      loseActivityResult: (p) => p.name === 'Remember' && p.delivery === 1,
      lostResultRedeliveryMs: 1_000,
    });
    const startedAt = clock.nowMs();
    const status = await emulator.runUntilComplete(await client.startNew('RememberThenRecall'));
    // Remember ran again on the new worker before Recall, so the state is there again.
    expect(status.runtimeStatus).toBe('Completed');
    expect(emulator.workerCrashes.map((c) => c.cause)).toEqual(['lostResult']);
    expect(clock.nowMs() - startedAt).toBe(1_000);
  });

  it('refuses a crash plan without a way to build the worker again', () => {
    expect(() => setup({ crashAfterActivity: () => true })).toThrow('crashAfterActivity needs restartWorker');
  });
});
