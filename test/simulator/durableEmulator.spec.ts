/**
 * The durable host emulator runs orchestrators registered with df.app.* through durable-functions' own replay
 * and must behave as the Durable Functions extension does: history, timers on virtual time, retries, events,
 * custom status, failures, non-determinism, client semantics. Needs jest's moduleNameMapper for
 * '@azure/functions-core'.
 */
import * as df from 'durable-functions';
import {
  DurableHostEmulator,
  type DurableHostEmulatorOptions,
  type ProgressEvent,
  type WireHistoryEvent,
} from '../../src/simulator/durable';
import { standInRegistry } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';

const registry = standInRegistry();
type Ctx = df.OrchestrationContext;

// ---- sample activities -------------------------------------------------------------------------------------
df.app.activity('Hello', { handler: (input: unknown) => `Hello ${String(input)}` });
df.app.activity('Echo', { handler: (input: unknown) => input });
df.app.activity('Flaky', { handler: () => 'finally' });
df.app.activity('ActA', { handler: () => 'A' });
df.app.activity('ActB', { handler: () => 'B' });
df.app.activity('Logs', {
  handler: (_input: unknown, context) => {
    context.info('activity says hi');
    return null;
  },
});
const counters = new Map<string, number>();
df.app.activity('Increment', {
  // Deliberately NOT idempotent: a second run returns a different value.
  handler: (key: unknown) => {
    const next = (counters.get(String(key)) ?? 0) + 1;
    counters.set(String(key), next);
    return next;
  },
});

// ---- sample orchestrators ----------------------------------------------------------------------------------
df.app.orchestration('Chain', function* (context: Ctx) {
  const first: string = yield context.df.callActivity('Hello', context.df.getInput());
  const second: string = yield context.df.callActivity('Hello', first);
  const echoed: unknown = yield context.df.callActivity('Echo', { n: 1, nested: ['x'] });
  return { first, second, echoed };
});

df.app.orchestration('Timers', function* (context: Ctx) {
  const t0 = context.df.currentUtcDateTime;
  yield context.df.createTimer(new Date(t0.getTime() + 90_000));
  const t1 = context.df.currentUtcDateTime;
  yield context.df.createTimer(new Date(t1.getTime() + 15 * 60_000));
  const t2 = context.df.currentUtcDateTime;
  return [t0, t1, t2].map((t) => t.toISOString());
});

function retryOptions(first: number, attempts: number, backoff?: number): df.RetryOptions {
  const options = new df.RetryOptions(first, attempts);
  if (backoff !== undefined) options.backoffCoefficient = backoff;
  return options;
}

df.app.orchestration('RetryFlaky', function* (context: Ctx) {
  return yield context.df.callActivityWithRetry('Flaky', retryOptions(5_000, 4, 2), 'in');
});

df.app.orchestration('RetryGivesUp', function* (context: Ctx) {
  try {
    yield context.df.callActivityWithRetry('Flaky', retryOptions(1_000, 3), 'in');
    return 'unexpected success';
  } catch (err) {
    return { caught: (err as Error).message, at: context.df.currentUtcDateTime.toISOString() };
  }
});

df.app.orchestration('RetryTimeout', function* (context: Ctx) {
  const options = retryOptions(5_000, 5);
  options.retryTimeoutInMilliseconds = 1_000;
  try {
    yield context.df.callActivityWithRetry('Flaky', options);
  } catch {
    return 'caught';
  }
  return 'ok';
});

df.app.orchestration('Approval', function* (context: Ctx) {
  context.df.setCustomStatus({ step: 'waiting for approval' });
  const approval: unknown = yield context.df.waitForExternalEvent('Approve');
  context.df.setCustomStatus({ step: 'approved' });
  return approval;
});

df.app.orchestration('ApprovalWithTimeout', function* (context: Ctx) {
  const deadline = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60 * 60_000));
  const approval = context.df.waitForExternalEvent('Approve');
  const winner: unknown = yield context.df.Task.any([approval, deadline]);
  if (winner === deadline) return 'timed out';
  deadline.cancel();
  return { approvedBy: approval.result };
});

df.app.orchestration('Progress', function* (context: Ctx) {
  context.df.setCustomStatus({ step: 'one' });
  yield context.df.callActivity('Hello', 'x');
  context.df.setCustomStatus({ step: 'two' });
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 90_000));
  context.df.setCustomStatus({ step: 'three' });
  return 'ok';
});

df.app.orchestration('Boom', function* (context: Ctx) {
  yield context.df.callActivity('Hello', 'a');
  throw new Error('kaboom');
});

df.app.orchestration('UncaughtActivityFailure', function* (context: Ctx) {
  yield context.df.callActivity('Flaky', 'a');
  return 'unreachable';
});

df.app.orchestration('RandomPick', function* (context: Ctx) {
  const pick = Math.random() < 0.5 ? 'ActA' : 'ActB';
  yield context.df.callActivity(pick);
  yield context.df.callActivity('Hello', 'after');
  return pick;
});

df.app.orchestration('ClockPick', function* (context: Ctx) {
  if (Date.now() % 2 === 0) yield context.df.callActivity('ActA');
  else yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 1_000));
  yield context.df.callActivity('Hello', 'after');
  return 'done';
});

df.app.orchestration('FanOut', function* (context: Ctx) {
  const results: string[] = yield context.df.Task.all(['a', 'b', 'c'].map((x) => context.df.callActivity('Hello', x)));
  return results;
});

df.app.orchestration('Counter', function* (context: Ctx) {
  return yield context.df.callActivity('Increment', context.df.instanceId);
});

df.app.orchestration('Logging', function* (context: Ctx) {
  context.info('orchestrator says hi');
  yield context.df.callActivity('Logs');
  return 'logged';
});

df.app.orchestration('Forever', function* (context: Ctx) {
  for (;;) yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 60_000));
});

df.app.orchestration('Looper', function* (context: Ctx) {
  const n = context.df.getInput<number>();
  yield context.df.callActivity('Hello', n);
  if (n < 3) {
    context.df.continueAsNew(n + 1);
    return undefined;
  }
  return `finished at ${n}`;
});

df.app.orchestration('FailFastAll', function* (context: Ctx) {
  return yield context.df.Task.all([context.df.callActivity('Flaky', 1), context.df.callActivity('Hello', 2)]);
});

df.app.orchestration('LongWait', function* (context: Ctx) {
  yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 7 * 24 * 3_600_000));
  return context.df.currentUtcDateTime.toISOString();
});

df.app.orchestration('CallsHttp', function* (context: Ctx) {
  return yield context.df.callHttp({ method: 'GET', url: 'https://example.invalid/' });
});

// ---- helpers -----------------------------------------------------------------------------------------------
function setup(options: Partial<DurableHostEmulatorOptions> = {}) {
  const clock = new VirtualClock(new Date('2026-01-05T03:00:00.000Z'));
  const emulator = new DurableHostEmulator({ registry, clock, ...options });
  const events: ProgressEvent[] = [];
  emulator.on('progress', (e) => events.push(e));
  return { clock, emulator, client: emulator.client, events };
}

function shape(history: WireHistoryEvent[]): string[] {
  const names: Record<number, string> = {
    0: 'ExecutionStarted',
    1: 'ExecutionCompleted',
    4: 'TaskScheduled',
    5: 'TaskCompleted',
    6: 'TaskFailed',
    10: 'TimerCreated',
    11: 'TimerFired',
    15: 'EventRaised',
  };
  return history
    .filter((e) => names[e.EventType] !== undefined)
    .map((e) => {
      const id = e.EventType === 4 || e.EventType === 10 ? e.EventId : (e.TaskScheduledId ?? e.TimerId);
      return id === undefined ? names[e.EventType] : `${names[e.EventType]}#${String(id)}`;
    });
}

afterEach(() => jest.restoreAllMocks());

// ---- tests -------------------------------------------------------------------------------------------------
describe('DurableHostEmulator', () => {
  it('chains activities, passing outputs along, and records the history the extension would', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Chain', { input: 'Tokyo' });
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Completed);
    expect(status.output).toEqual({ first: 'Hello Tokyo', second: 'Hello Hello Tokyo', echoed: { n: 1, nested: ['x'] } });
    expect(status.input).toBe('Tokyo');
    expect(shape(emulator.history(id))).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskCompleted#0',
      'TaskScheduled#1',
      'TaskCompleted#1',
      'TaskScheduled#2',
      'TaskCompleted#2',
      'ExecutionCompleted',
    ]);
    expect(emulator.stats(id)).toMatchObject({ episodes: 4, activityExecutions: 3, timersFired: 0 });
    expect(emulator.activityExecutions.map((e) => e.input)).toEqual(['Tokyo', 'Hello Tokyo', { n: 1, nested: ['x'] }]);
  });

  it('fires 90 s and 15 min timers on virtual time, with currentUtcDateTime from the clock', async () => {
    const { emulator, client, clock } = setup();
    const startedReal = Date.now();
    const id = await client.startNew('Timers');
    const status = await emulator.runUntilComplete(id);
    const [t0, t1, t2] = (status.output as string[]).map((t) => Date.parse(t));
    expect(t0).toBe(Date.parse('2026-01-05T03:00:00.000Z'));
    expect(t1 - t0).toBe(90_000);
    expect(t2 - t1).toBe(15 * 60_000);
    expect(clock.nowMs() - t0).toBe(90_000 + 15 * 60_000);
    expect(Date.now() - startedReal).toBeLessThan(1_000);
    expect(emulator.stats(id).timersFired).toBe(2);
  });

  it('retries a failing activity on durable timers and succeeds on the third attempt', async () => {
    const { emulator, client, clock } = setup();
    emulator.failActivity('Flaky', { times: 2, error: new Error('transient 503') });
    const start = clock.nowMs();
    const id = await client.startNew('RetryFlaky');
    const status = await emulator.runUntilComplete(id);
    expect(status.output).toBe('finally');
    const history = emulator.history(id);
    // DurableTask.Core's RetryInterceptor: attempt, timer, attempt, timer, attempt — each with its own id.
    expect(shape(history)).toEqual([
      'ExecutionStarted',
      'TaskScheduled#0',
      'TaskFailed#0',
      'TimerCreated#1',
      'TimerFired#1',
      'TaskScheduled#2',
      'TaskFailed#2',
      'TimerCreated#3',
      'TimerFired#3',
      'TaskScheduled#4',
      'TaskCompleted#4',
      'ExecutionCompleted',
    ]);
    const timers = history.filter((e) => e.EventType === 10).map((e) => Date.parse(String(e.FireAt)) - start);
    // fireAt offsets: first retry after 5 s, the second 5 s * backoffCoefficient 2 = 10 s after the second failure.
    expect(timers).toEqual([5_000, 15_000]);
    expect(clock.nowMs() - start).toBe(15_000);
    expect(emulator.activityExecutions.filter((e) => e.name === 'Flaky').map((e) => e.outcome.ok)).toEqual([false, false, true]);
  });

  it('gives up after maxNumberOfAttempts and lets the orchestrator catch the failure', async () => {
    const { emulator, client, clock } = setup();
    emulator.failActivity('Flaky', { times: 10, error: 'disk is locked' });
    const start = clock.nowMs();
    const id = await client.startNew('RetryGivesUp');
    const status = await emulator.runUntilComplete(id);
    const output = status.output as { caught: string; at: string };
    expect(output.caught).toMatch(/^Activity function 'Flaky' failed: {2}disk is locked \n \{/);
    expect(emulator.stats(id).activityExecutions).toBe(3);
    // Two retry delays of 1 s, then the interceptor's immediately-due back-compat timer after the last attempt.
    const timerOffsets = emulator
      .history(id)
      .filter((e) => e.EventType === 10)
      .map((e) => Date.parse(String(e.FireAt)) - start);
    expect(timerOffsets).toEqual([1_000, 2_000, 2_000]);
    expect(Date.parse(output.at) - start).toBe(2_000);
  });

  it('reproduces the hang when the retry timeout expires (no timer is created; durable-js #629)', async () => {
    const { emulator, client } = setup();
    emulator.failActivity('Flaky', { times: 10 });
    const id = await client.startNew('RetryTimeout');
    await expect(emulator.runUntilComplete(id)).rejects.toThrow(/stalled .* Running/);
    expect(emulator.stats(id).activityExecutions).toBe(2);
  });

  it('waits for an external event and delivers raiseEvent data; custom status is visible meanwhile', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Approval');
    expect((await client.getStatus(id)).runtimeStatus).toBe('Pending');
    await emulator.runUntilIdle();
    const waiting = await client.getStatus(id);
    expect(waiting.runtimeStatus).toBe('Running');
    expect(waiting.customStatus).toEqual({ step: 'waiting for approval' });
    expect(emulator.waitingOn(id)).toEqual(["external event 'Approve'"]);
    await expect(emulator.runUntilComplete(id)).rejects.toThrow(/stalled.*external event 'Approve'/);
    await client.raiseEvent(id, 'Approve', { by: 'alice' });
    const done = await emulator.runUntilComplete(id);
    expect(done.output).toEqual({ by: 'alice' });
    expect(done.customStatus).toEqual({ step: 'approved' });
  });

  it('races an external event against a durable timer with Task.any', async () => {
    const timedOut = setup();
    const a = await timedOut.client.startNew('ApprovalWithTimeout');
    expect((await timedOut.emulator.runUntilComplete(a)).output).toBe('timed out');
    expect(timedOut.clock.nowMs() - Date.parse('2026-01-05T03:00:00.000Z')).toBe(3_600_000);

    const approved = setup();
    const b = await approved.client.startNew('ApprovalWithTimeout');
    await approved.emulator.runUntilIdle({ advanceClock: false });
    await approved.client.raiseEvent(b, 'Approve', 'bob');
    expect((await approved.emulator.runUntilComplete(b)).output).toEqual({ approvedBy: 'bob' });
    // The cancelled deadline died with the instance: going idle does not move the shared clock an hour ahead.
    await approved.emulator.runUntilIdle();
    expect(approved.clock.nowMs()).toBe(Date.parse('2026-01-05T03:00:00.000Z'));
  });

  it('shows custom status step by step and reports progress events for a live timeline', async () => {
    const { emulator, client, events } = setup();
    const id = await client.startNew('Progress');
    await emulator.step(); // first episode: schedules Hello
    expect((await client.getStatus(id)).customStatus).toEqual({ step: 'one' });
    await emulator.runUntilIdle({ advanceClock: false }); // activity + episode 2, now blocked on the 90 s timer
    const mid = await client.getStatus(id);
    expect(mid).toMatchObject({ runtimeStatus: 'Running', customStatus: { step: 'two' } });
    await emulator.runUntilComplete(id);
    expect((await client.getStatus(id)).customStatus).toEqual({ step: 'three' });
    expect(events.map((e) => e.type)).toEqual([
      'instanceStarted',
      'customStatusChanged',
      'episodeCompleted',
      'activityStarted',
      'activityCompleted',
      'customStatusChanged',
      'timerCreated',
      'episodeCompleted',
      'clockAdvanced',
      'timerFired',
      'customStatusChanged',
      'episodeCompleted',
      'instanceFinished',
    ]);
  });

  it('fails the instance with the orchestrator exception message', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Boom');
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe(df.OrchestrationRuntimeStatus.Failed);
    expect(status.output).toBe("Orchestrator function 'Boom' failed: kaboom");
  });

  it('fails the instance when an activity failure is not caught', async () => {
    const { emulator, client } = setup();
    emulator.failActivity('Flaky', { times: 1, error: 'access denied' });
    const status = await emulator.runUntilComplete(await client.startNew('UncaughtActivityFailure'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(
      /^Orchestrator function 'UncaughtActivityFailure' failed: Activity function 'Flaky' failed: {2}access denied/,
    );
  });

  it('detects non-determinism: a different activity at the same sequence number', async () => {
    const { emulator, client } = setup();
    jest.spyOn(Math, 'random').mockReturnValueOnce(0.1).mockReturnValue(0.9);
    const status = await emulator.runUntilComplete(await client.startNew('RandomPick'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(
      /^Non-Deterministic workflow detected: .*scheduled activity 'ActA' with sequence number 0, .*scheduled activity 'ActB'/,
    );
  });

  it('detects non-determinism: a timer where an activity was scheduled', async () => {
    const { emulator, client } = setup();
    jest.spyOn(Date, 'now').mockReturnValueOnce(2).mockReturnValue(3);
    const status = await emulator.runUntilComplete(await client.startNew('ClockPick'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(/scheduled activity 'ActA' with sequence number 0, but the current replay scheduled a timer/);
  });

  it('runs fan-out with Task.all as one compound action', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('FanOut');
    await emulator.step();
    expect(shape(emulator.history(id))).toEqual(['ExecutionStarted', 'TaskScheduled#0', 'TaskScheduled#1', 'TaskScheduled#2']);
    expect((await emulator.runUntilComplete(id)).output).toEqual(['Hello a', 'Hello b', 'Hello c']);
  });

  it('runs each activity twice with executeActivitiesTwice, delivering the second result and recording both', async () => {
    counters.clear();
    const { emulator, client } = setup({ executeActivitiesTwice: true });
    const id = await client.startNew('Counter', { instanceId: 'counter-1' });
    const status = await emulator.runUntilComplete(id);
    const runs = emulator.activityExecutions.filter((e) => e.name === 'Increment');
    expect(runs.map((r) => [r.run, r.input, r.outcome])).toEqual([
      [1, 'counter-1', { ok: true, result: 1 }],
      [2, 'counter-1', { ok: true, result: 2 }],
    ]);
    expect(status.output).toBe(2);
    expect(emulator.stats(id).activityExecutions).toBe(2);
  });

  it('refuses startNew for a running instance id and replaces a completed one', async () => {
    const { emulator, client } = setup();
    await client.startNew('Approval', { instanceId: 'repair-vm1' });
    await expect(client.startNew('Approval', { instanceId: 'repair-vm1' })).rejects.toThrow(/status Pending already exists/);
    await emulator.runUntilIdle();
    await expect(client.startNew('Approval', { instanceId: 'repair-vm1' })).rejects.toThrow(/status Running already exists/);
    await client.raiseEvent('repair-vm1', 'Approve', 1);
    expect((await emulator.runUntilComplete('repair-vm1')).output).toBe(1);

    await client.startNew('Chain', { instanceId: 'repair-vm1', input: 'again' });
    const replaced = await client.getStatus('repair-vm1');
    expect(replaced).toMatchObject({ name: 'Chain', runtimeStatus: 'Pending', output: null, customStatus: null });
    expect(emulator.stats('repair-vm1')).toMatchObject({ episodes: 0, historyEvents: 0 });
    expect((await emulator.runUntilComplete('repair-vm1')).output).toMatchObject({ first: 'Hello again' });
  });

  it('rejects instance ids the extension rejects', async () => {
    const { client } = setup();
    await expect(client.startNew('Chain', { instanceId: '/subscriptions/x/vm' })).rejects.toThrow(/status code: 400.*must not contain/);
    await expect(client.startNew('NoSuchOrchestrator')).rejects.toThrow(/status code: 400.*not an orchestrator function/);
  });

  it('rejects getStatus of an unknown instance like the real client (HTTP 404 error, not undefined)', async () => {
    const { client } = setup();
    await expect(client.getStatus('nope')).rejects.toThrow(
      'DurableClient error: Durable Functions extension replied with HTTP 404 response. This usually means we could not ' +
        'find any data associated with the instanceId provided: nope.',
    );
    await expect(client.raiseEvent('nope', 'Approve', 1)).rejects.toThrow("No instance with ID 'nope' found.");
    await expect(client.terminate('nope', 'why')).rejects.toThrow("No instance with ID 'nope' found.");
  });

  it('terminates a running instance at its next episode', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Approval');
    await emulator.runUntilIdle();
    await client.terminate(id, 'operator cancelled');
    expect((await client.getStatus(id)).runtimeStatus).toBe('Running');
    const status = await emulator.runUntilComplete(id);
    expect(status).toMatchObject({ runtimeStatus: 'Terminated', output: 'operator cancelled' });
    // Events for a finished instance are accepted and dropped (HTTP 410 in the real client).
    await expect(client.raiseEvent(id, 'Approve', 1)).resolves.toBeUndefined();
    expect(await emulator.runUntilIdle()).toBe(0);
  });

  it('throws when runUntilComplete exhausts its step budget', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Forever');
    await expect(emulator.runUntilComplete(id, { maxSteps: 25 })).rejects.toThrow(/budget of 25 steps exhausted.*Running.*timer/);
    await expect(emulator.runUntilIdle({ maxSteps: 10 })).rejects.toThrow(/still busy after 10 steps/);
  });

  it('continues as new with fresh history and the new input', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Looper', { input: 1 });
    const status = await emulator.runUntilComplete(id);
    expect(status.output).toBe('finished at 3');
    expect(status.input).toBe(3);
    expect(shape(emulator.history(id))).toEqual(['ExecutionStarted', 'TaskScheduled#0', 'TaskCompleted#0', 'ExecutionCompleted']);
    expect(emulator.stats(id).activityExecutions).toBe(3);
  });

  it('fails a Task.all orchestration only once every member has finished (the extension awaits the whole WhenAll)', async () => {
    const { emulator, client, clock } = setup({ activityVirtualLatencyMs: (name) => (name === 'Hello' ? 60_000 : 0) });
    emulator.failActivity('Flaky', { times: 1, error: 'boom' });
    const start = clock.nowMs();
    const id = await client.startNew('FailFastAll');
    await emulator.runUntilIdle({ advanceClock: false });
    // The JS side already threw (Task.all fails fast) but the host still awaits Hello: the instance keeps running.
    expect((await client.getStatus(id)).runtimeStatus).toBe('Running');
    expect(emulator.waitingOn(id)).toEqual(["activity 'Hello' (sequence number 1)"]);
    const status = await emulator.runUntilComplete(id);
    expect(status.runtimeStatus).toBe('Failed');
    expect(clock.nowMs() - start).toBe(60_000);
  });

  it('splits a timer beyond the storage maximum (6 days) into 3-day host timers, as the extension does', async () => {
    const { emulator, client, clock } = setup();
    const start = clock.nowMs();
    const id = await client.startNew('LongWait');
    const status = await emulator.runUntilComplete(id);
    const day = 24 * 3_600_000;
    expect(Date.parse(status.output as string) - start).toBe(7 * day);
    const fireAts = emulator
      .history(id)
      .filter((e) => e.EventType === 10)
      .map((e) => (Date.parse(String(e.FireAt)) - start) / day);
    expect(fireAts).toEqual([3, 6, 7]);
  });

  it('fails loudly on actions it does not emulate', async () => {
    const { emulator, client } = setup();
    const status = await emulator.runUntilComplete(await client.startNew('CallsHttp'));
    expect(status.runtimeStatus).toBe('Failed');
    expect(status.output).toMatch(/does not support the CallHttp action/);
  });

  it('gives functions an InvocationContext whose logs go to the sink, not the console', async () => {
    const sink: string[] = [];
    const { emulator, client } = setup({ logSink: (e) => sink.push(`${e.functionName}: ${e.message}`) });
    const id = await client.startNew('Logging');
    await emulator.runUntilComplete(id);
    expect(sink).toContain('Logs: activity says hi');
    expect(sink).toContain('Logging: orchestrator says hi');
    expect(emulator.logs.every((l) => l.tags?.instanceId === id)).toBe(true);
  });

  it('applies activity virtual latency before the result reaches the orchestrator', async () => {
    const { emulator, client, clock } = setup({ activityVirtualLatencyMs: (name) => (name === 'Hello' ? 30_000 : 0) });
    const start = clock.nowMs();
    const id = await client.startNew('Chain', { input: 'x' });
    await emulator.runUntilComplete(id);
    expect(clock.nowMs() - start).toBe(60_000);
  });

  it('returns history in the extension status shape when asked', async () => {
    const { emulator, client } = setup();
    const id = await client.startNew('Chain', { input: 'h' });
    await emulator.runUntilComplete(id);
    const status = await client.getStatus(id, { showHistory: true, showHistoryOutput: true });
    const history = status.history as Record<string, unknown>[];
    expect(history.map((h) => h.EventType)).toEqual([
      'ExecutionStarted',
      'TaskCompleted',
      'TaskCompleted',
      'TaskCompleted',
      'ExecutionCompleted',
    ]);
    expect(history[1]).toMatchObject({ FunctionName: 'Hello', Result: 'Hello h' });
    expect(history[4]).toMatchObject({ OrchestrationStatus: 'Completed' });
    expect((await client.getStatus(id)).history).toBeUndefined();
  });
});
