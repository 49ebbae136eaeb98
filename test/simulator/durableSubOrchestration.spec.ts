/**
 * Sub-orchestrations in the durable host emulator: the parent's history records the child the way DurableTask.Core
 * does (SubOrchestrationInstanceCreated under a sequence number, SubOrchestrationInstanceCompleted/Failed
 * answering it), the child is an instance of its own that the durable client can read while it runs, and both
 * replay (also after a worker crash) without running anything twice. The orchestrations here exist only in this
 * test; the offline repair will be the first real child.
 */
import * as df from 'durable-functions';
import { childProgressView, lookUpRunningChild, runningChildOf, withChildProgress } from '../../src/api/childProgress';
import { toStatusView } from '../../src/api/statusView';
import { DurableHostEmulator, type DurableHostEmulatorOptions, type WireHistoryEvent } from '../../src/simulator/durable';
import { FunctionRegistry, standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';

const registry = standInRegistry();
type Ctx = df.OrchestrationContext;

df.app.activity('SubCopy', { handler: (input: unknown) => ({ copied: input }) });
df.app.activity('SubBreaks', {
  handler: () => {
    throw new Error('disk copy refused');
  },
});

// A child that reports progress in its custom status across two durable timers.
df.app.orchestration('SubChild', function* (context: Ctx) {
  const input = context.df.getInput<{ disk: string }>();
  context.df.setCustomStatus({ step: 'copying', percent: 0, parent: context.df.parentInstanceId ?? null });
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  context.df.setCustomStatus({ step: 'copying', percent: 50, parent: context.df.parentInstanceId ?? null });
  const copied: unknown = yield context.df.callActivity('SubCopy', input.disk);
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
  return { copied, parent: context.df.parentInstanceId ?? null };
});

df.app.orchestration('SubChildFails', function* (context: Ctx) {
  context.df.setCustomStatus({ step: 'about to fail' });
  yield context.df.callActivity('SubBreaks');
  return 'unreachable';
});

let flakyChildRuns = 0;
df.app.orchestration('SubChildFlaky', function* (context: Ctx) {
  // Replays of the same run must not count; only a new run (first episode, nothing to replay) does.
  if (!context.df.isReplaying) flakyChildRuns += 1;
  yield context.df.callActivity('SubCopy', 'x');
  if (flakyChildRuns < 2) throw new Error('first run fails');
  return 'second run worked';
});

df.app.orchestration('SubParent', function* (context: Ctx) {
  const repairId = context.df.instanceId;
  const childId = `${repairId}:offline:1`;
  context.df.setCustomStatus({ step: 'offline', runningChild: { instanceId: childId, phase: 'offline' } });
  const result: unknown = yield context.df.callSubOrchestrator('SubChild', { disk: 'osdisk-1' }, childId);
  context.df.setCustomStatus({ step: 'verify' });
  yield context.df.callActivity('SubCopy', 'after');
  return { child: result };
});

df.app.orchestration('SubParentCatches', function* (context: Ctx) {
  try {
    yield context.df.callSubOrchestrator('SubChildFails', null, `${context.df.instanceId}:offline:1`);
    return 'no failure seen';
  } catch (err) {
    return { caught: (err as Error).message.split('\n')[0] };
  }
});

df.app.orchestration('SubParentUncaught', function* (context: Ctx) {
  yield context.df.callSubOrchestrator('SubChildFails', null, `${context.df.instanceId}:offline:1`);
  return 'unreachable';
});

df.app.orchestration('SubParentDefaultId', function* (context: Ctx) {
  return yield context.df.callSubOrchestrator('SubChildFlakyFree', 'in');
});
// biome-ignore lint/correctness/useYield: a child that completes at once, with no task: durable orchestrators are generators all the same.
df.app.orchestration('SubChildFlakyFree', function* (context: Ctx) {
  return `child of ${context.df.parentInstanceId ?? 'nobody'} got ${String(context.df.getInput())}`;
});

df.app.orchestration('SubParentRetry', function* (context: Ctx) {
  const retry = new df.RetryOptions(30_000, 3);
  return yield context.df.callSubOrchestratorWithRetry('SubChildFlaky', retry, null, `${context.df.instanceId}:offline:1`);
});

df.app.orchestration('SubParentUnknownChild', function* (context: Ctx) {
  return yield context.df.callSubOrchestrator('NoSuchOrchestrator', null, `${context.df.instanceId}:x:1`);
});

df.app.orchestration('SubParentOwnId', function* (context: Ctx) {
  return yield context.df.callSubOrchestrator('SubChildFlakyFree', null, context.df.instanceId);
});

let pickChild = 'SubChildFlakyFree';
df.app.orchestration('SubParentChangesChild', function* (context: Ctx) {
  yield context.df.callActivity('SubCopy', 'first');
  return yield context.df.callSubOrchestrator(pickChild, null, `${context.df.instanceId}:c:1`);
});

// Fan-out as the offline repair will do it: a child runs while an activity runs beside it.
df.app.orchestration('SubParentFanOut', function* (context: Ctx) {
  const child = context.df.callSubOrchestrator('SubChildFlakyFree', 'disk', `${context.df.instanceId}:copy:1`);
  const boot = context.df.callActivity('SubCopy', 'rescue-vm');
  const results: unknown[] = yield context.df.Task.all([child, boot]);
  return results;
});

function setup(options: Partial<DurableHostEmulatorOptions> = {}) {
  const clock = new VirtualClock(new Date('2026-01-05T03:00:00.000Z'));
  const emulator = new DurableHostEmulator({ registry, clock, ...options });
  return { clock, emulator, client: emulator.client };
}

const NAMES: Record<number, string> = {
  0: 'ExecutionStarted',
  1: 'ExecutionCompleted',
  4: 'TaskScheduled',
  5: 'TaskCompleted',
  6: 'TaskFailed',
  7: 'SubOrchestrationInstanceCreated',
  8: 'SubOrchestrationInstanceCompleted',
  9: 'SubOrchestrationInstanceFailed',
  10: 'TimerCreated',
  11: 'TimerFired',
};

function shape(history: WireHistoryEvent[]): string[] {
  return history
    .filter((e) => NAMES[e.EventType] !== undefined)
    .map((e) => {
      const scheduling = e.EventType === 4 || e.EventType === 7 || e.EventType === 10;
      const id = scheduling ? e.EventId : (e.TaskScheduledId ?? e.TimerId);
      return id === undefined ? NAMES[e.EventType] : `${NAMES[e.EventType]}#${String(id)}`;
    });
}

/** Steps until `predicate` holds, failing after a bounded number of steps. */
async function stepUntil(emulator: DurableHostEmulator, predicate: () => Promise<boolean>, maxSteps = 200): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (await predicate()) return;
    if (!(await emulator.step())) break;
  }
  if (!(await predicate())) throw new Error('condition never held');
}

describe('DurableHostEmulator sub-orchestrations', () => {
  it('records the child in the parent history as DurableTask.Core does and completes with its output', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParent', { instanceId: 'rdprepair-vm1-0000000000000001' });
    const status = await emulator.runUntilComplete(id);
    const childId = `${id}:offline:1`;
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ child: { copied: { copied: 'osdisk-1' }, parent: id } });

    const parentHistory = emulator.history(id);
    expect(shape(parentHistory)).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceCompleted#0',
      'TaskScheduled#1',
      'TaskCompleted#1',
      'ExecutionCompleted',
    ]);
    const created = parentHistory.find((e) => e.EventType === 7);
    expect(created).toMatchObject({ EventId: 0, Name: 'SubChild', InstanceId: childId, Input: JSON.stringify({ disk: 'osdisk-1' }) });
    const completed = parentHistory.find((e) => e.EventType === 8);
    expect(JSON.parse(String(completed?.Result))).toEqual({ copied: { copied: 'osdisk-1' }, parent: id });

    // The child is an instance of its own: its history names its parent, the client reads it.
    const childStart = emulator.history(childId).find((e) => e.EventType === 0);
    expect(childStart?.ParentInstance).toMatchObject({ Name: 'SubParent', TaskScheduleId: 0, OrchestrationInstance: { InstanceId: id } });
    const child = await client.getStatus(childId);
    expect(child.runtimeStatus).toBe('Completed');
    expect(child.input).toEqual({ disk: 'osdisk-1' });
    const projected = (await client.getStatus(id, { showHistory: true, showHistoryOutput: true })).history as Array<
      Record<string, unknown>
    >;
    // The extension's projection folds the Created row into the completion, naming the child function.
    expect(projected.map((e) => e.EventType)).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(projected[1]).toMatchObject({ FunctionName: 'SubChild', Result: { copied: { copied: 'osdisk-1' }, parent: id } });
    expect(projected[1]).not.toHaveProperty('TaskScheduledId');
    const listed = await client.getStatusBy({});
    expect(listed.map((s) => s.instanceId).sort()).toEqual([id, childId].sort());

    // Replays: the parent replayed the child's start without starting it again; every activity ran once.
    expect(emulator.stats(id).episodes).toBeGreaterThanOrEqual(3);
    expect(emulator.activityExecutions.map((e) => `${e.instanceId}/${e.name}`)).toEqual([`${childId}/SubCopy`, `${id}/SubCopy`]);
  });

  it("shows the running child's custom status inside the parent's status view", async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParent', { instanceId: 'rdprepair-vm2-0000000000000002' });
    const childId = `${id}:offline:1`;
    await stepUntil(emulator, async () => {
      const child = await client.getStatus(childId).catch(() => null);
      return (child?.customStatus as { percent?: number } | null)?.percent === 50;
    });
    const parent = await client.getStatus(id, { showInput: true });
    expect(parent.runtimeStatus).toBe('Running');
    expect(runningChildOf(parent)).toEqual({ instanceId: childId, phase: 'offline' });
    const child = await lookUpRunningChild(client, parent);
    expect(child).toMatchObject({
      instanceId: childId,
      phase: 'offline',
      runtimeStatus: 'Running',
      progress: { step: 'copying', percent: 50, parent: id },
      unavailable: null,
    });
    const view = withChildProgress(toStatusView(parent, 'https://x/api/repairs/r'), child);
    expect(view.runningChild?.progress).toEqual({ step: 'copying', percent: 50, parent: id });
    expect(view.id).toBe(id);

    const done = await emulator.runUntilComplete(id);
    expect(runningChildOf(done)).toBeNull();
    expect(await lookUpRunningChild(client, done)).toBeNull();
  });

  it('shows a named child that is not created yet as Pending, and one that cannot be read as unavailable', async () => {
    const parent = {
      instanceId: 'p',
      runtimeStatus: 'Running',
      createdTime: new Date(0),
      lastUpdatedTime: new Date(0),
      customStatus: { runningChild: { instanceId: 'p:offline:1', phase: 'offline' } },
    };
    const notYet = await lookUpRunningChild(
      { getStatus: () => Promise.reject(new Error('DurableClient error: Durable Functions extension replied with HTTP 404 response.')) },
      parent,
    );
    expect(notYet).toMatchObject({ runtimeStatus: 'Pending', progress: null, unavailable: 'not started yet' });
    const broken = await lookUpRunningChild({ getStatus: () => Promise.reject(new Error('socket hang up\nat x')) }, parent);
    expect(broken).toMatchObject({
      runtimeStatus: 'Unknown',
      progress: null,
      unavailable: "the child's status could not be read: socket hang up",
    });
    expect(runningChildOf({ ...parent, customStatus: { runningChild: { instanceId: 42 } } })).toBeNull();
    expect(
      childProgressView({ instanceId: 'c', phase: 'offline' }, { ...parent, instanceId: 'c', customStatus: undefined }).progress,
    ).toBeNull();
  });

  it("hands a failed child's error to the parent, which can catch it", async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentCatches', { instanceId: 'parent-catches' });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Completed');
    const caught = (status.output as { caught: string }).caught;
    expect(caught).toContain("Orchestrator function 'SubChildFails' failed");
    expect(caught).toContain('disk copy refused');
    const child = await client.getStatus('parent-catches:offline:1');
    expect(child.runtimeStatus).toBe('Failed');
    expect(child.customStatus).toEqual({ step: 'about to fail' });
    const failed = emulator.history(id).find((e) => e.EventType === 9);
    expect(failed).toMatchObject({ TaskScheduledId: 0 });
    expect(typeof failed?.Reason).toBe('string');
    expect(typeof failed?.Details).toBe('string');
  });

  it('fails the parent when it does not catch the child failure', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentUncaught', { instanceId: 'parent-uncaught' });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('disk copy refused');
  });

  it('names a child without an id "<parent execution id>:<sequence number>" and gives it the parent id', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentDefaultId', { instanceId: 'parent-default', input: null });
    const status = await emulator.runUntilComplete(id);
    expect(status.output).toBe('child of parent-default got in');
    const created = emulator.history(id).find((e) => e.EventType === 7);
    const executionId = (emulator.history(id).find((e) => e.EventType === 0)!.OrchestrationInstance as { ExecutionId: string }).ExecutionId;
    expect(created?.InstanceId).toBe(`${executionId}:0`);
  });

  it('retries a failed child under the same instance id after the retry timer', async () => {
    flakyChildRuns = 0;
    const { emulator, client, clock } = setup();
    const started = clock.nowMs();
    const id = await client.startNew('SubParentRetry', { instanceId: 'parent-retry' });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toBe('second run worked');
    expect(flakyChildRuns).toBe(2);
    expect(shape(emulator.history(id))).toEqual([
      'ExecutionStarted',
      'SubOrchestrationInstanceCreated#0',
      'SubOrchestrationInstanceFailed#0',
      'TimerCreated#1',
      'TimerFired#1',
      'SubOrchestrationInstanceCreated#2',
      'SubOrchestrationInstanceCompleted#2',
      'ExecutionCompleted',
    ]);
    expect(clock.nowMs() - started).toBeGreaterThanOrEqual(30_000);
    expect((await client.getStatus('parent-retry:offline:1')).runtimeStatus).toBe('Completed');
  });

  it('fails the parent like the extension for an unknown child or a child with the parent id', async () => {
    const { emulator, client } = setup();
    const unknown = await emulator.runUntilComplete(await client.startNew('SubParentUnknownChild', { instanceId: 'p-unknown' }));
    expect(unknown.runtimeStatus).toBe('Failed');
    expect(String(unknown.output)).toContain(
      "The function 'NoSuchOrchestrator' doesn't exist, is disabled, or is not an orchestrator function.",
    );
    const own = await emulator.runUntilComplete(await client.startNew('SubParentOwnId', { instanceId: 'p-own' }));
    expect(own.runtimeStatus).toBe('Failed');
    expect(String(own.output)).toContain('must be different than the instance ID of a parent orchestration');
  });

  it('detects non-determinism when a replay starts a different child at the same sequence number', async () => {
    pickChild = 'SubChildFlakyFree';
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentChangesChild', { instanceId: 'p-changes' });
    await stepUntil(emulator, async () => emulator.history(id).some((e) => e.EventType === 7));
    pickChild = 'SubChild';
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('Non-Deterministic workflow detected');
    expect(String(status.output)).toContain("started sub-orchestration 'SubChildFlakyFree'");
  });

  it('runs a child and an activity side by side in Task.all and hands both results back in order', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentFanOut', { instanceId: 'p-fan' });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual(['child of p-fan got disk', { copied: 'rescue-vm' }]);
    const recorded = shape(emulator.history(id));
    expect(recorded.slice(0, 3)).toEqual(['ExecutionStarted', 'SubOrchestrationInstanceCreated#0', 'TaskScheduled#1']);
    expect(recorded).toContain('SubOrchestrationInstanceCompleted#0');
    expect(recorded).toContain('TaskCompleted#1');
  });

  it('lets a child run on when its parent is terminated (termination does not propagate), and drops its end', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParent', { instanceId: 'p-terminated' });
    const childId = `${id}:offline:1`;
    await stepUntil(emulator, async () => (await client.getStatus(childId).catch(() => null))?.runtimeStatus === 'Running');
    await client.terminate(id, 'operator stopped it');
    expect((await emulator.runUntilComplete(id)).runtimeStatus).toBe('Terminated');
    expect((await emulator.runUntilComplete(childId)).runtimeStatus).toBe('Completed');
    await emulator.runUntilIdle();
    expect(emulator.history(id).some((e) => e.EventType === 8)).toBe(false);
  });

  it('refuses to guess when a new parent reuses the id of a child that is still running', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParent', { instanceId: 'p-reused' });
    await stepUntil(emulator, async () => (await client.getStatus(`${id}:offline:1`).catch(() => null))?.runtimeStatus === 'Running');
    await client.terminate(id, 'replaced by a new repair');
    await stepUntil(emulator, async () => (await client.getStatus(id)).runtimeStatus === 'Terminated');
    await client.startNew('SubParent', { instanceId: id });
    await expect(emulator.runUntilComplete(id)).rejects.toThrow("asked for instance id 'p-reused:offline:1', which is already Running");
  });

  it("fails the parent's replay when a child is terminated (no Details to build the error from), as durable-functions does", async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('SubParentCatches', { instanceId: 'p-child-terminated' });
    const childId = `${id}:offline:1`;
    await stepUntil(emulator, async () => (await client.getStatus(childId).catch(() => null))?.runtimeStatus === 'Running');
    await client.terminate(childId, 'stopped by hand');
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(String(status.output)).toContain('could not parse its exception data');
    expect(emulator.history(id).find((e) => e.EventType === 9)).toMatchObject({ Reason: 'stopped by hand', Details: null });
  });

  it('replays parent and child on a fresh worker after a crash after every activity, running nothing twice', async () => {
    const restarts: FunctionRegistry[] = [];
    const { emulator, client } = setup({
      // A fresh worker here is a new registry holding the same registrations (this test keeps no module state).
      restartWorker: () => {
        const fresh = new FunctionRegistry();
        for (const fn of registry.all()) fresh.register(fn.metadata, fn.handler);
        restarts.push(fresh);
        return fresh;
      },
      crashAfterActivity: () => true,
    });
    const id = await client.startNew('SubParent', { instanceId: 'p-crash' });
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.output).toEqual({ child: { copied: { copied: 'osdisk-1' }, parent: id } });
    expect(emulator.workerCrashes.map((c) => `${c.afterActivity.instanceId}/${c.afterActivity.name}`)).toEqual([
      `${id}:offline:1/SubCopy`,
      `${id}/SubCopy`,
    ]);
    expect(restarts).toHaveLength(2);
    expect(emulator.currentRegistry).toBe(restarts[1]);
    expect(emulator.activityExecutions).toHaveLength(2);
  });
});
