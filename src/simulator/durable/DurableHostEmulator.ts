/**
 * SIMULATED: a Durable Functions host in a box. It runs the app's REAL registered orchestrator through
 * durable-functions' own replay code (history events in, actions out), plays the extension's part on the other
 * side of that protocol (see hostReplay/episode), runs activities in-process through their registered handlers,
 * fires durable timers on the shared VirtualClock (a 15-minute wait costs no real time), delivers external events,
 * runs sub-orchestrations as instances of their own (subOrchestration.ts) and exposes a durable client surface to
 * the app's HTTP/Event Grid handlers.
 *
 * Worker faults for fault-matrix tests: crashAfterActivity kills the worker after an activity's result is recorded
 * (restartWorker builds a new one, so module state is gone; the task hub survives); loseActivityResult drops a
 * result so the activity runs again after the work-item visibility timeout.
 *
 * Several workers (app instances scaled out on one task hub): addWorker gives the hub another worker with its own
 * registrations and module state; every work item (an episode, an activity, an entity batch) then goes to the next
 * worker in turn, as any worker of a Durable Functions app may take any message from the hub's shared queues.
 * The emulator's durable client belongs to the hub, whichever worker's handler calls it.
 *
 * Nothing runs by itself: starting an instance only enqueues work, and the caller decides the pace with step(),
 * runUntilIdle() or runUntilComplete(), which is what lets a test assert mid-run and a demo print a timeline.
 * Never registered as a function.
 */
import { randomUUID } from 'node:crypto';
import * as df from 'durable-functions';
import type { FunctionRegistry } from '../functionsHost/FunctionRegistry';
import { createInvocationContext, type FunctionLogEntry } from '../functionsHost/invocationContext';
import type { VirtualClock } from '../virtualClock';
import { activityInputFromToken, runActivityHandler, toCompletion } from './activityExecution';
import { type ClientHost, createEmulatorClient, type DurableClientSurface } from './emulatorClient';
import { EntityStore, type EntityOperationOutcome, entityIdOf } from './entities';
import { type EpisodeVerdict, runEpisode } from './episode';
import { type ActivityFault, FaultPlan } from './faultPlan';
import { history, type ParentLink } from './historyEvents';
import type { HostReplaySettings, ScheduledOp } from './hostReplay';
import { type InstanceRecord, type InstanceStats, isTerminal, statsOf } from './instanceState';
import { ProgressEmitter, type ProgressListener } from './progress';
import { toStatus } from './statusProjection';
import { childEndEvent } from './subOrchestration';
import { type Delivery, type ReadyWork, WorkQueue } from './workQueue';
import { type WireHistoryEvent, WireOrchestrationStatus } from './wire';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DurableHostEmulatorOptions {
  registry: FunctionRegistry;
  clock: VirtualClock;
  /** Virtual time an activity takes before its result reaches the orchestrator (default 0). */
  activityVirtualLatencyMs?: (activityName: string) => number;
  /** Run every activity twice with the same input and deliver the second result (idempotence checks). */
  executeActivitiesTwice?: boolean;
  /** Receives every function log line; they are also kept in `logs`. Nothing goes to the console. */
  logSink?: (entry: FunctionLogEntry) => void;
  /** Instance ids for startNew without one (default: a GUID without dashes, like the extension). */
  newInstanceId?: () => string;
  /**
   * Builds the worker afresh after a simulated crash: the registry of a newly loaded app, with none of the old
   * module state (caches, counters, injected dependencies). Required by crashAfterActivity.
   */
  restartWorker?: () => FunctionRegistry;
  /**
   * Asked after each activity whose result was recorded (the result is durable in the task hub): true kills
   * the worker there, before the next episode. The next episode then replays on the worker restartWorker built.
   */
  crashAfterActivity?: (point: ActivityPoint) => boolean;
  /**
   * Asked after each activity execution: true loses its result (the activity ran, with all its side effects,
   * but its completion never reached the host). The work item is delivered again once its lease runs out, and
   * the worker restarts as well when restartWorker is given (the usual cause of a lost result is a dying worker).
   */
  loseActivityResult?: (point: ActivityPoint) => boolean;
  /**
   * Virtual time before a lost activity runs again. Default 5 minutes: the Azure Storage provider's
   * workItemQueueVisibilityTimeout default (host.json reference for Durable Functions, 00:05:00).
   */
  lostResultRedeliveryMs?: number;
}

/** Where a fault can strike: one activity execution. */
export interface ActivityPoint {
  instanceId: string;
  name: string;
  taskScheduledId: number;
  /** 1-based count of activity executions in this emulator (repeats and redeliveries included). */
  ordinal: number;
  /** 1 for a work item's first delivery, 2 for its redelivery after a lost result, ... */
  delivery: number;
  ok: boolean;
}

export interface WorkerCrashRecord {
  at: Date;
  afterActivity: { instanceId: string; name: string; taskScheduledId: number; ordinal: number };
  cause: 'crashAfterActivity' | 'lostResult';
}

export interface ActivityExecutionRecord {
  instanceId: string;
  name: string;
  taskScheduledId: number;
  /** 1, or 2 for the repeat under executeActivitiesTwice. */
  run: number;
  /** 1 for the work item's first delivery, 2 after a lost result, ... */
  delivery: number;
  /** True when this execution's result was lost (never recorded). */
  resultLost: boolean;
  input: unknown;
  invocationId: string;
  injectedFault: boolean;
  outcome: { ok: true; result: unknown } | { ok: false; error: string };
  startedAt: Date;
}

export interface RunOptions {
  maxSteps?: number;
  /** Real milliseconds to wait between steps (demo pacing); 0 by default. */
  realTimeDelayMs?: number;
  /** false: never move the virtual clock; only work runnable now is done. */
  advanceClock?: boolean;
}

const DEFAULT_MAX_STEPS = 10_000;
const LOST_RESULT_REDELIVERY_MS = 5 * 60 * 1000;

export class DurableHostEmulator {
  readonly client: DurableClientSurface;
  readonly logs: FunctionLogEntry[] = [];
  readonly activityExecutions: ActivityExecutionRecord[] = [];
  /** Every simulated worker crash, in order. */
  readonly workerCrashes: WorkerCrashRecord[] = [];
  /** The task hub's Durable Entities: state and queues survive worker restarts (entities.ts). */
  readonly entities: EntityStore;

  /** The hub's workers; work items go to them in turn. */
  private readonly workers: FunctionRegistry[];
  private nextWorker = 0;
  /** Work items each worker ran (tests check that scaled-out work was spread). */
  readonly workItemsByWorker: number[] = [0];
  private readonly clock: VirtualClock;
  private readonly instances = new Map<string, InstanceRecord>();
  private readonly queue = new WorkQueue();
  private readonly faults = new FaultPlan();
  private readonly progress = new ProgressEmitter();
  private readonly settings: HostReplaySettings = { maximumShortTimerMs: 6 * DAY_MS, longRunningTimerIntervalMs: 3 * DAY_MS };

  constructor(private readonly options: DurableHostEmulatorOptions) {
    this.workers = [options.registry];
    this.clock = options.clock;
    if (options.crashAfterActivity && !options.restartWorker) {
      throw new Error('crashAfterActivity needs restartWorker: a crash is only meaningful if the worker is built again.');
    }
    const registryOf = (): FunctionRegistry => this.registry;
    this.entities = new EntityStore({
      get registry() {
        return registryOf();
      },
      now: () => this.clock.now(),
      enqueueBatch: (schedulerId) => this.queue.enqueue({ kind: 'entityBatch', schedulerId }),
      createContext: (fn) => createInvocationContext(fn, { logSink: (e) => this.log(e), tags: { entity: fn.name } }),
    });
    this.client = createEmulatorClient(this.clientHost());
  }

  /** The registry of the first worker (a new one after each simulated crash of it). */
  get currentRegistry(): FunctionRegistry {
    return this.registry;
  }

  private get registry(): FunctionRegistry {
    return this.workers[0] as FunctionRegistry;
  }

  /** The registry of worker `index` now (0 is the first; a crashed worker is replaced in its place). */
  workerRegistry(index: number): FunctionRegistry {
    const registry = this.workers[index];
    if (!registry) throw new Error(`The emulator has no worker ${index} (it has ${this.workers.length}).`);
    return registry;
  }

  /** Another worker on this task hub (an app instance scaled out); returns its index. */
  addWorker(registry: FunctionRegistry): number {
    this.workers.push(registry);
    this.workItemsByWorker.push(0);
    return this.workers.length - 1;
  }

  get workerCount(): number {
    return this.workers.length;
  }

  on(event: 'progress', listener: ProgressListener): () => void {
    if (event !== 'progress') throw new Error(`Unknown emulator event '${String(event)}'.`);
    return this.progress.subscribe(listener);
  }

  /**
   * The worker process is replaced now, between work items (a deployment, a scale-in, a host restart): the app is
   * loaded again through restartWorker; the task hub (instances, queues, entities) is untouched.
   */
  restartWorker(): void {
    const restart = this.options.restartWorker;
    if (!restart) throw new Error('restartWorker needs the restartWorker option: the emulator cannot load the app again by itself.');
    for (let i = 0; i < this.workers.length; i++) this.workers[i] = restart();
  }

  /** The next `times` executions of activity `name` throw `error` instead of running the handler. */
  failActivity(name: string, fault: ActivityFault): void {
    this.faults.failActivity(name, fault);
  }

  stats(instanceId: string): InstanceStats {
    return statsOf(this.record(instanceId));
  }

  /** The current execution's raw history, as the orchestrator would receive it (copies). */
  history(instanceId: string): WireHistoryEvent[] {
    return JSON.parse(JSON.stringify(this.record(instanceId).history)) as WireHistoryEvent[];
  }

  waitingOn(instanceId: string): string[] {
    return [...this.record(instanceId).waitingOn];
  }

  instanceIds(): string[] {
    return [...this.instances.keys()];
  }

  /**
   * One unit of work: deliver what the clock has made due, then run the next ready episode or activity; when
   * nothing is ready, move the clock to the next timer (unless advanceClock is false). False when idle.
   */
  async step(options: { advanceClock?: boolean } = {}): Promise<boolean> {
    this.deliverDue();
    let work = this.queue.dequeue();
    if (!work && options.advanceClock !== false) {
      const next = this.queue.nextDueAt();
      if (next !== undefined) {
        const from = this.clock.now();
        this.clock.advanceTo(next);
        if (this.clock.nowMs() > from.getTime()) this.progress.emit({ type: 'clockAdvanced', at: this.clock.now(), from });
        this.deliverDue();
        work = this.queue.dequeue();
        // Time passed even if every delivery turned out to be for a finished instance.
        if (!work) return true;
      }
    }
    if (!work) return false;
    const worker = this.nextWorker;
    this.nextWorker = (this.nextWorker + 1) % this.workers.length;
    this.workItemsByWorker[worker] = (this.workItemsByWorker[worker] ?? 0) + 1;
    if (work.kind === 'episode') await this.runEpisodeWork(work, worker);
    else if (work.kind === 'entityBatch') await this.entities.runBatch(work.schedulerId, this.workerRegistry(worker));
    else await this.runActivityWork(work, worker);
    return true;
  }

  /** Steps until idle; throws when maxSteps are used up (a loop that never settles must fail, not hang). */
  async runUntilIdle(options: RunOptions = {}): Promise<number> {
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    for (let steps = 0; steps < maxSteps; steps++) {
      if (!(await this.step({ advanceClock: options.advanceClock }))) return steps;
      await pause(options.realTimeDelayMs);
    }
    if (!this.hasWork(options.advanceClock)) return maxSteps;
    throw new Error(`runUntilIdle: still busy after ${maxSteps} steps. ${this.describePending()}`);
  }

  /**
   * Steps until the instance is Completed, Failed or Terminated and returns its status. Throws when the budget
   * runs out or when nothing more can happen (waiting for an event nobody raises, a hung retry).
   */
  async runUntilComplete(instanceId: string, options: RunOptions = {}): Promise<df.DurableOrchestrationStatus> {
    const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.record(instanceId);
    for (let steps = 0; ; steps++) {
      const record = this.record(instanceId);
      if (isTerminal(record)) return toStatus(record);
      if (steps >= maxSteps) {
        throw new Error(
          `runUntilComplete(${instanceId}): budget of ${maxSteps} steps exhausted; the instance is still ${record.runtimeStatus}, ` +
            `waiting on: ${record.waitingOn.join('; ') || 'nothing recorded'}. ${this.describePending()}`,
        );
      }
      if (!(await this.step({ advanceClock: options.advanceClock }))) {
        throw new Error(
          `runUntilComplete(${instanceId}): stalled after ${steps} steps; the instance is ${record.runtimeStatus} and nothing ` +
            `can make progress. Waiting on: ${record.waitingOn.join('; ') || 'nothing recorded'}.`,
        );
      }
      await pause(options.realTimeDelayMs);
    }
  }

  // ---- internals -------------------------------------------------------------------------------------------

  private record(instanceId: string): InstanceRecord {
    const record = this.instances.get(instanceId);
    if (!record) throw new Error(`The emulator has no instance '${instanceId}'.`);
    return record;
  }

  private hasWork(advanceClock: boolean | undefined): boolean {
    if (this.queue.readyCount > 0) return true;
    const next = this.queue.nextDueAt();
    return next !== undefined && (advanceClock !== false || next <= this.clock.nowMs());
  }

  private describePending(): string {
    return `Pending: ${this.queue.readyCount} ready work item(s), ${this.queue.delayedCount} timer/delayed delivery(ies).`;
  }

  private log(entry: FunctionLogEntry): void {
    this.logs.push(entry);
    this.options.logSink?.(entry);
  }

  private clientHost(): ClientHost {
    const currentRegistry = (): FunctionRegistry => this.registry;
    return {
      // A getter: after a crash the client must see the new worker's registrations.
      get registry() {
        return currentRegistry();
      },
      now: () => this.clock.now(),
      newInstanceId: this.options.newInstanceId ?? (() => randomUUID().replace(/-/g, '')),
      getRecord: (id) => this.instances.get(id),
      allRecords: () => [...this.instances.values()],
      startInstance: (name, instanceId, input) => this.startInstance(name, instanceId, input),
      post: (instanceId, message) => this.post(this.record(instanceId), message),
      onEventRaised: (instanceId, name) => this.progress.emit({ type: 'eventRaised', at: this.clock.now(), instanceId, name }),
      entities: this.entities,
    };
  }

  private startInstance(name: string, instanceId: string, input: unknown, parent?: ParentLink): void {
    const now = this.clock.now();
    const executionId = randomUUID().replace(/-/g, '');
    const record: InstanceRecord = {
      instanceId,
      name,
      executionId,
      input,
      createdTime: now,
      lastUpdatedTime: now,
      runtimeStatus: df.OrchestrationRuntimeStatus.Pending,
      output: undefined,
      customStatus: undefined,
      history: [],
      ...(parent ? { parent } : {}),
      inbox: [],
      episodeQueued: false,
      waitingOn: ['the first episode (instance is Pending)'],
      counters: { episodes: 0, activityExecutions: 0, timersFired: 0 },
    };
    // A replaced instance's queued work carries the old executionId and is dropped when it comes up.
    const replaced = this.instances.get(instanceId);
    if (replaced) this.queue.dropDeliveries(instanceId, replaced.executionId);
    this.instances.set(instanceId, record);
    this.post(record, history.executionStarted(now, name, instanceId, executionId, input, parent ?? null));
    this.progress.emit({ type: 'instanceStarted', at: now, instanceId, name, ...(parent ? { parentInstanceId: parent.instanceId } : {}) });
  }

  private post(record: InstanceRecord, message: WireHistoryEvent): void {
    record.inbox.push(message);
    if (!record.episodeQueued) {
      record.episodeQueued = true;
      this.queue.enqueue({ kind: 'episode', instanceId: record.instanceId, executionId: record.executionId });
    }
  }

  private current(instanceId: string, executionId: string): InstanceRecord | undefined {
    const record = this.instances.get(instanceId);
    return record && record.executionId === executionId ? record : undefined;
  }

  private deliverDue(): void {
    for (const delivery of this.queue.takeDue(this.clock.nowMs())) this.deliver(delivery);
  }

  private deliver(delivery: Delivery): void {
    if (delivery.kind === 'redelivery') {
      // A work item visible again: it runs whatever became of its instance, like the first delivery.
      this.queue.enqueue(delivery.work);
      return;
    }
    const record = this.current(delivery.instanceId, delivery.executionId);
    // Messages for a finished or replaced execution are dropped, as the task hub drops them.
    if (!record || isTerminal(record)) return;
    const event = delivery.makeEvent(this.clock.now());
    if (delivery.kind === 'timerFired') {
      record.counters.timersFired++;
      this.progress.emit({
        type: 'timerFired',
        at: this.clock.now(),
        instanceId: record.instanceId,
        timerId: event.TimerId as number,
        fireAt: new Date(String(event.FireAt)),
      });
    }
    this.post(record, event);
  }

  private async runEpisodeWork(work: Extract<ReadyWork, { kind: 'episode' }>, worker: number): Promise<void> {
    const record = this.current(work.instanceId, work.executionId);
    if (!record) return;
    record.episodeQueued = false;
    const newMessages = record.inbox.splice(0);
    if (newMessages.length === 0 || isTerminal(record)) return;
    const now = this.clock.now();
    const registry = this.workerRegistry(worker);
    const result = await runEpisode({
      record,
      newMessages,
      now,
      orchestrator: registry.get(record.name),
      activityNames: registry.byTrigger('activityTrigger').map((f) => f.name),
      orchestratorNames: registry.byTrigger('orchestrationTrigger').map((f) => f.name),
      createContext: (fn) => createInvocationContext(fn, { logSink: (e) => this.log(e), tags: { instanceId: record.instanceId } }),
      settings: this.settings,
    });
    if (result.orchestratorInvoked) record.counters.episodes++;
    if (result.customStatus && JSON.stringify(result.customStatus.value) !== JSON.stringify(record.customStatus ?? null)) {
      record.customStatus = result.customStatus.value;
      this.progress.emit({ type: 'customStatusChanged', at: now, instanceId: record.instanceId, customStatus: record.customStatus });
    }
    record.history.push(...result.newEvents);
    record.lastUpdatedTime = now;
    this.apply(record, result.verdict, now, registry);
    record.history.push(history.orchestratorCompleted(now));
    const verdict = result.verdict;
    const newOps = verdict.kind === 'running' ? verdict.newOps : [];
    this.progress.emit({
      type: 'episodeCompleted',
      at: now,
      instanceId: record.instanceId,
      episode: record.counters.episodes,
      runtimeStatus: record.runtimeStatus,
      newActivities: newOps.flatMap((op) => (op.kind === 'activity' ? [op.name] : [])),
      newTimers: newOps.flatMap((op) => (op.kind === 'timer' ? [op.fireAt] : [])),
    });
    if (isTerminal(record)) {
      this.progress.emit({
        type: 'instanceFinished',
        at: now,
        instanceId: record.instanceId,
        runtimeStatus: record.runtimeStatus,
        output: record.output,
      });
    }
    if (verdict.kind === 'continuedAsNew') this.continueAsNew(record, verdict.input, verdict.carryOver);
  }

  private apply(record: InstanceRecord, verdict: EpisodeVerdict, now: Date, registry: FunctionRegistry): void {
    switch (verdict.kind) {
      case 'running':
        record.runtimeStatus = df.OrchestrationRuntimeStatus.Running;
        record.waitingOn = verdict.waitingOn;
        for (const op of verdict.newOps) this.schedule(record, op, now, registry);
        return;
      case 'completed':
        this.finish(record, df.OrchestrationRuntimeStatus.Completed, WireOrchestrationStatus.Completed, verdict.output, now);
        return;
      case 'failed':
        this.finish(record, df.OrchestrationRuntimeStatus.Failed, WireOrchestrationStatus.Failed, verdict.message, now);
        return;
      case 'terminated':
        // The ExecutionTerminated message is already in this episode's events.
        this.finish(record, df.OrchestrationRuntimeStatus.Terminated, WireOrchestrationStatus.Terminated, verdict.reason, now);
        return;
      case 'continuedAsNew':
        record.history.push(history.executionCompleted(now, WireOrchestrationStatus.ContinuedAsNew, null));
        record.runtimeStatus = df.OrchestrationRuntimeStatus.ContinuedAsNew;
        record.waitingOn = ['the next execution (ContinueAsNew)'];
        return;
    }
  }

  private finish(record: InstanceRecord, status: df.OrchestrationRuntimeStatus, wireStatus: number, output: unknown, now: Date): void {
    record.history.push(history.executionCompleted(now, wireStatus, output));
    record.runtimeStatus = status;
    record.output = output;
    record.waitingOn = [];
    this.queue.dropDeliveries(record.instanceId, record.executionId);
    if (record.parent) this.notifyParent(record, now);
  }

  /** A finished child's end goes to its parent's next episode; a parent that finished or was replaced drops it. */
  private notifyParent(child: InstanceRecord, now: Date): void {
    const link = child.parent;
    if (!link) return;
    const parent = this.current(link.instanceId, link.executionId);
    if (!parent || isTerminal(parent)) return;
    this.post(parent, childEndEvent(child, now));
  }

  private continueAsNew(record: InstanceRecord, input: unknown, carryOver: WireHistoryEvent[]): void {
    // A new execution of the same instance: fresh history, new input, unconsumed external events carried over.
    this.queue.dropDeliveries(record.instanceId, record.executionId);
    record.executionId = randomUUID().replace(/-/g, '');
    record.input = input;
    record.history = [];
    record.inbox = [];
    record.episodeQueued = false;
    const now = this.clock.now();
    this.post(record, history.executionStarted(now, record.name, record.instanceId, record.executionId, input, record.parent ?? null));
    for (const event of carryOver) this.post(record, { ...event, IsPlayed: false });
  }

  private schedule(record: InstanceRecord, op: ScheduledOp, now: Date, registry: FunctionRegistry): void {
    const { instanceId, executionId } = record;
    if (op.kind === 'entity') {
      this.sendToEntity(record, op, now);
      return;
    }
    if (op.kind === 'subOrchestration') {
      record.history.push(history.subOrchestrationCreated(now, op.id, op.name, op.instanceId, op.inputToken));
      this.startChild(record, op, registry);
      return;
    }
    if (op.kind === 'activity') {
      record.history.push(history.taskScheduled(now, op.id, op.name, op.inputToken));
      this.queue.enqueue({
        kind: 'activity',
        instanceId,
        executionId,
        taskScheduledId: op.id,
        name: op.name,
        inputToken: op.inputToken,
        delivery: 1,
      });
      return;
    }
    record.history.push(history.timerCreated(now, op.id, op.fireAt));
    this.queue.schedule({
      dueAt: op.fireAt.getTime(),
      instanceId,
      executionId,
      kind: 'timerFired',
      makeEvent: (at) => history.timerFired(at, op.id, op.fireAt),
    });
    this.progress.emit({ type: 'timerCreated', at: now, instanceId, timerId: op.id, fireAt: op.fireAt });
  }

  /**
   * An orchestration's call or signal to an entity: recorded as EventSent, queued on the entity like a client
   * signal; a call's outcome comes back to this execution as EventRaised named after the request id.
   */
  private sendToEntity(record: InstanceRecord, op: Extract<ScheduledOp, { kind: 'entity' }>, now: Date): void {
    const input = op.inputToken === undefined ? undefined : JSON.stringify(op.inputToken);
    record.history.push(
      history.eventSent(now, op.id, op.entity, op.operation, {
        id: op.requestId,
        op: op.operation,
        signal: op.signal,
        ...(input !== undefined ? { input } : {}),
        parent: record.instanceId,
      }),
    );
    const target = entityIdOf(op.entity);
    const { instanceId, executionId } = record;
    const onResult = op.signal
      ? undefined
      : (outcome: EntityOperationOutcome) => {
          const caller = this.current(instanceId, executionId);
          if (!caller || isTerminal(caller)) return;
          const response = outcome.ok
            ? outcome.resultText === undefined
              ? {}
              : { result: outcome.resultText }
            : { result: outcome.errorText, exceptionType: 'System.Exception' };
          this.post(caller, history.eventRaised(this.clock.now(), op.requestId, response));
        };
    try {
      this.entities.enqueue(target, op.operation, op.inputToken, { signal: op.signal, ...(onResult ? { onResult } : {}) });
    } catch (err) {
      // No such entity function: the call fails like an operation that threw; a signal is lost, as in the extension.
      onResult?.({ ok: false, errorText: JSON.stringify({ message: err instanceof Error ? err.message : String(err) }) });
    }
  }

  private startChild(parent: InstanceRecord, op: Extract<ScheduledOp, { kind: 'subOrchestration' }>, registry: FunctionRegistry): void {
    const existing = this.instances.get(op.instanceId);
    if (existing && !isTerminal(existing)) {
      // What the Azure Storage provider does with an ExecutionStarted for a running instance is not documented;
      // the emulator refuses to guess (a deterministic child id reused while its first run is alive is a bug).
      throw new Error(
        `Sub-orchestration '${op.name}' of '${parent.instanceId}' asked for instance id '${op.instanceId}', which is ` +
          `already ${existing.runtimeStatus}. The emulator does not model a second start of a live instance.`,
      );
    }
    const fn = registry.get(op.name);
    const link: ParentLink = { name: parent.name, instanceId: parent.instanceId, executionId: parent.executionId, taskScheduledId: op.id };
    // The child's input is the action's input token as JSON (no extra string encoding, unlike activities).
    const input = op.inputToken === undefined ? undefined : JSON.parse(JSON.stringify(op.inputToken));
    this.startInstance(fn?.name ?? op.name, op.instanceId, input, link);
  }

  private async runActivityWork(work: Extract<ReadyWork, { kind: 'activity' }>, worker: number): Promise<void> {
    const record = this.current(work.instanceId, work.executionId);
    // The activity message is already in the work-item queue: it runs even if the instance finished meanwhile.
    if (!record) return;
    const fn = this.workerRegistry(worker).getOrThrow(work.name);
    const runs = this.options.executeActivitiesTwice ? 2 : 1;
    let last: Awaited<ReturnType<typeof runActivityHandler>> | undefined;
    for (let run = 1; run <= runs; run++) {
      const startedAt = this.clock.now();
      const input = activityInputFromToken(work.inputToken);
      const injected = this.faults.take(work.name);
      const context = createInvocationContext(fn, {
        logSink: (e) => this.log(e),
        tags: { instanceId: work.instanceId, taskScheduledId: String(work.taskScheduledId) },
      });
      this.progress.emit({
        type: 'activityStarted',
        at: startedAt,
        instanceId: work.instanceId,
        name: fn.name,
        taskScheduledId: work.taskScheduledId,
        run,
      });
      last = await runActivityHandler(fn.handler, input, context, injected);
      record.counters.activityExecutions++;
      this.activityExecutions.push({
        instanceId: work.instanceId,
        name: fn.name,
        taskScheduledId: work.taskScheduledId,
        run,
        delivery: work.delivery,
        resultLost: false,
        input: activityInputFromToken(work.inputToken),
        invocationId: context.invocationId,
        injectedFault: injected !== undefined,
        outcome: last.ok ? { ok: true, result: last.result } : { ok: false, error: last.error.message },
        startedAt,
      });
    }
    if (!last) return;
    const point: ActivityPoint = {
      instanceId: work.instanceId,
      name: fn.name,
      taskScheduledId: work.taskScheduledId,
      ordinal: this.activityExecutions.length,
      delivery: work.delivery,
      ok: last.ok,
    };
    if (this.options.loseActivityResult?.(point)) {
      this.loseResult(work, point, worker);
      return;
    }
    // The scheduled name is what the history knows the task by (names match case-insensitively).
    const completion = toCompletion(work.name, last);
    const latency = Math.max(0, this.options.activityVirtualLatencyMs?.(work.name) ?? 0);
    const deliverAt = new Date(this.clock.nowMs() + latency);
    this.progress.emit({
      type: 'activityCompleted',
      at: this.clock.now(),
      instanceId: work.instanceId,
      name: fn.name,
      taskScheduledId: work.taskScheduledId,
      ok: completion.ok,
      error: last.ok ? undefined : last.error.message,
      deliverAt,
    });
    this.queue.schedule({
      dueAt: deliverAt.getTime(),
      instanceId: work.instanceId,
      executionId: work.executionId,
      kind: 'activityResult',
      makeEvent: (at) =>
        completion.ok
          ? history.taskCompleted(at, work.taskScheduledId, completion.resultText)
          : history.taskFailed(at, work.taskScheduledId, completion.reason, completion.details),
    });
    if (this.options.crashAfterActivity?.(point)) this.crashWorker(point, 'crashAfterActivity', worker);
  }

  /** The result never reaches the host; the same work item (same sequence number, same input) comes back later. */
  private loseResult(work: Extract<ReadyWork, { kind: 'activity' }>, point: ActivityPoint, worker: number): void {
    const last = this.activityExecutions[this.activityExecutions.length - 1];
    if (last) last.resultLost = true;
    const redeliverAt = this.clock.nowMs() + (this.options.lostResultRedeliveryMs ?? LOST_RESULT_REDELIVERY_MS);
    this.progress.emit({
      type: 'activityResultLost',
      at: this.clock.now(),
      instanceId: work.instanceId,
      name: point.name,
      taskScheduledId: work.taskScheduledId,
      redeliverAt: new Date(redeliverAt),
    });
    this.queue.schedule({
      dueAt: redeliverAt,
      instanceId: work.instanceId,
      executionId: work.executionId,
      kind: 'redelivery',
      work: { ...work, delivery: work.delivery + 1 },
    });
    if (this.options.restartWorker) this.crashWorker(point, 'lostResult', worker);
  }

  /** The worker process dies: every module it loaded is gone; the task hub (history, queues) survives. */
  private crashWorker(point: ActivityPoint, cause: WorkerCrashRecord['cause'], worker: number): void {
    const restart = this.options.restartWorker;
    if (!restart) return;
    const at = this.clock.now();
    this.workerCrashes.push({
      at,
      afterActivity: { instanceId: point.instanceId, name: point.name, taskScheduledId: point.taskScheduledId, ordinal: point.ordinal },
      cause,
    });
    this.workers[worker] = restart();
    this.progress.emit({ type: 'workerRestarted', at, afterActivity: point.name, instanceId: point.instanceId, cause });
  }
}

function pause(ms: number | undefined): Promise<void> {
  return ms && ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
