/**
 * SIMULATED: what the Durable Functions extension does with the actions the JS library returns, re-done from
 * scratch every episode exactly like the real host does:
 *
 *  - OutOfProcOrchestrationShim (schema V2/V3) walks the action list in order, invoking each action on the .NET
 *    orchestration context and awaiting it before invoking the next; WhenAll/WhenAny invoke all their children.
 *  - Every scheduling call (activity attempt, timer) takes the next sequence number from DurableTask.Core.
 *  - DurableTask.Core replays the history event by event: OrchestratorStarted moves CurrentUtcDateTime;
 *    TaskScheduled/TimerCreated must match what the replay scheduled under that sequence number (otherwise
 *    NonDeterministicOrchestrationException); TaskCompleted/TaskFailed/TimerFired/EventRaised resume awaiters.
 *  - CallActivityWithRetry and CallSubOrchestratorWithRetry are DurableTask.Core's RetryInterceptor (attempt,
 *    timer, attempt, ... and one immediately-due "back-compat" timer after the last failed attempt), CreateTimer
 *    beyond the provider's maximum is the extension's long-timer loop.
 *  - CallSubOrchestrator is TaskOrchestrationContext.CreateSubOrchestrationInstanceCore: it takes a sequence
 *    number like an activity; the history records SubOrchestrationInstanceCreated under it (EventId = sequence
 *    number, with Name and InstanceId) and the child's end arrives as SubOrchestrationInstanceCompleted/Failed
 *    with TaskScheduledId = that number. Without an instance id DurableTask.Core names the child
 *    "<parent ExecutionId>:<sequence number>".
 *  - CallEntity / SignalEntity (out-of-proc entities, the library's TaskOrchestrationExecutor): the host sends the
 *    entity a request message under the next sequence number; the history records EventSent (EventId = that
 *    number, InstanceId = the entity's "@name@key", Input = the request message JSON whose `id` the library re-keys
 *    the call by). A call's answer arrives as EventRaised named after that request id, Input = the response message
 *    `{result, exceptionType?}`; a signal awaits nothing. The request id comes from the extension's deterministic
 *    NewGuid; here a name-based id from the execution and sequence number, equally stable across replays.
 *
 * What the replay scheduled that the history does not hold yet is this episode's new work.
 * Never registered as a function.
 */
import { createHash } from 'node:crypto';
import { nextRetryDelayMs, retryPolicyFrom } from './retryPolicy';
import { ACTION_TYPE_NAMES, ActionType, EventType, type WireAction, type WireHistoryEvent } from './wire';

export type ScheduledOp =
  | { kind: 'activity'; id: number; name: string; inputToken: unknown }
  | { kind: 'subOrchestration'; id: number; name: string; instanceId: string; inputToken: unknown }
  | { kind: 'timer'; id: number; fireAt: Date }
  | { kind: 'entity'; id: number; entity: string; operation: string; inputToken: unknown; requestId: string; signal: boolean };

export interface HostReplaySettings {
  maximumShortTimerMs: number;
  longRunningTimerIntervalMs: number;
}

export type HostReplayResult =
  | {
      kind: 'replayed';
      /** Scheduled by this replay but absent from the history, in sequence order. */
      newOps: ScheduledOp[];
      /** True when the shim got through every action (only then does the JS result take effect). */
      allActionsDone: boolean;
      /** What the orchestration is blocked on, for diagnostics. */
      waitingOn: string[];
      /** EventRaised events nobody consumed (carried over by ContinueAsNew). */
      unconsumedEvents: WireHistoryEvent[];
    }
  | { kind: 'nonDeterministic'; message: string }
  | { kind: 'unsupported'; message: string };

class NonDeterminismError extends Error {}
class UnsupportedActionError extends Error {}

type Settle = () => void;
type CompletionHandler = (event: WireHistoryEvent) => void;

function describeOp(op: ScheduledOp): string {
  switch (op.kind) {
    case 'activity':
      return `activity '${op.name}'`;
    case 'subOrchestration':
      return `sub-orchestration '${op.name}' (instance '${op.instanceId}')`;
    case 'timer':
      return `a timer (fireAt ${op.fireAt.toISOString()})`;
    case 'entity':
      return `${op.signal ? 'a signal to' : 'a call of'} entity '${op.entity}' operation '${op.operation}'`;
  }
}

function describeRecorded(event: WireHistoryEvent): string {
  if (event.EventType === EventType.TaskScheduled) return `scheduled activity '${String(event.Name)}'`;
  if (event.EventType === EventType.SubOrchestrationInstanceCreated) return `started sub-orchestration '${String(event.Name)}'`;
  if (event.EventType === EventType.EventSent) return `sent '${String(event.Name)}' to '${String(event.InstanceId)}'`;
  return 'created a timer';
}

function recordedKind(event: WireHistoryEvent): ScheduledOp['kind'] {
  if (event.EventType === EventType.TaskScheduled) return 'activity';
  if (event.EventType === EventType.SubOrchestrationInstanceCreated) return 'subOrchestration';
  if (event.EventType === EventType.EventSent) return 'entity';
  return 'timer';
}

/** The .NET side's per-episode state: sequence numbers, awaiters, buffered external events, the clock. */
class ReplayContext {
  currentUtc = new Date(0);
  private nextId = 0;
  /** Scheduled during this replay and not (yet) matched by a TaskScheduled/TimerCreated history event. */
  readonly unmatched = new Map<number, ScheduledOp>();
  private readonly awaiting = new Map<number, { op: ScheduledOp; onEvent: CompletionHandler }>();
  private readonly eventWaiters: { name: string; onEvent: CompletionHandler }[] = [];
  readonly bufferedEvents: WireHistoryEvent[] = [];

  constructor(
    readonly settings: HostReplaySettings,
    private readonly executionId: string,
  ) {}

  scheduleActivity(name: string, inputToken: unknown, onEvent: CompletionHandler): void {
    const op: ScheduledOp = { kind: 'activity', id: this.nextId++, name, inputToken };
    this.unmatched.set(op.id, op);
    this.awaiting.set(op.id, { op, onEvent });
  }

  createSubOrchestration(name: string, instanceId: string | undefined, inputToken: unknown, onEvent: CompletionHandler): void {
    const id = this.nextId++;
    const op: ScheduledOp = { kind: 'subOrchestration', id, name, instanceId: instanceId || `${this.executionId}:${id}`, inputToken };
    this.unmatched.set(op.id, op);
    this.awaiting.set(op.id, { op, onEvent });
  }

  createTimer(fireAt: Date, onEvent: CompletionHandler | undefined): void {
    const op: ScheduledOp = { kind: 'timer', id: this.nextId++, fireAt };
    this.unmatched.set(op.id, op);
    // A cancelled timer keeps its action (it is still recorded and still fires) but nobody awaits it.
    if (onEvent) this.awaiting.set(op.id, { op, onEvent });
  }

  /** A call (awaits the response event named after its request id) or a signal (awaits nothing) to an entity. */
  sendToEntity(entity: string, operation: string, inputToken: unknown, signal: boolean, onEvent: CompletionHandler | undefined): void {
    const id = this.nextId++;
    const h = createHash('sha256').update(`${this.executionId}|${id}`).digest('hex');
    const requestId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    const op: ScheduledOp = { kind: 'entity', id, entity, operation, inputToken, requestId, signal };
    this.unmatched.set(id, op);
    if (onEvent) this.waitForEvent(requestId, onEvent);
  }

  /** The extension keys external events case-insensitively; unclaimed events wait in a FIFO buffer. */
  waitForEvent(name: string, onEvent: CompletionHandler): void {
    const index = this.bufferedEvents.findIndex((e) => sameName(e.Name, name));
    if (index >= 0) {
      const [event] = this.bufferedEvents.splice(index, 1);
      onEvent(event);
      return;
    }
    this.eventWaiters.push({ name, onEvent });
  }

  matchScheduled(event: WireHistoryEvent): void {
    const id = event.EventId;
    const op = this.unmatched.get(id);
    const recorded = describeRecorded(event);
    if (!op) {
      throw new NonDeterminismError(
        `Non-Deterministic workflow detected: a previous execution of this orchestration ${recorded} with sequence number ${id}, ` +
          `but the current replay has not scheduled anything with that sequence number. Was the orchestrator changed, ` +
          `or does it branch on something that is not replay-safe (Math.random(), Date.now(), I/O)?`,
      );
    }
    const sameKind = op.kind === recordedKind(event);
    const sameFunction =
      op.kind === 'timer' ||
      (op.kind === 'entity' ? sameName(op.entity, event.InstanceId) && op.operation === event.Name : sameName(op.name, event.Name));
    if (!sameKind || !sameFunction) {
      throw new NonDeterminismError(
        `Non-Deterministic workflow detected: a previous execution of this orchestration ${recorded} with sequence number ${id}, ` +
          `but the current replay scheduled ${describeOp(op)} with that sequence number. Was the orchestrator changed, ` +
          `or does it branch on something that is not replay-safe (Math.random(), Date.now(), I/O)?`,
      );
    }
    this.unmatched.delete(id);
  }

  complete(id: unknown, event: WireHistoryEvent): void {
    if (typeof id !== 'number') return;
    const waiter = this.awaiting.get(id);
    // A completion nobody awaits (cancelled timer, late result) is dropped, as DurableTask.Core does.
    if (!waiter) return;
    this.awaiting.delete(id);
    waiter.onEvent(event);
  }

  raise(event: WireHistoryEvent): void {
    const index = this.eventWaiters.findIndex((w) => sameName(w.name, event.Name));
    if (index < 0) {
      this.bufferedEvents.push(event);
      return;
    }
    const [waiter] = this.eventWaiters.splice(index, 1);
    waiter.onEvent(event);
  }

  waitingOn(): string[] {
    const ops = [...this.awaiting.values()].map(({ op }) => `${describeOp(op)} (sequence number ${op.id})`);
    return [...ops, ...this.eventWaiters.map((w) => `external event '${w.name}'`)];
  }
}

function sameName(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new UnsupportedActionError(`Action without ${what}.`);
  return value;
}

function optionalInstanceId(action: WireAction): string | undefined {
  if (action.instanceId === undefined || action.instanceId === null || action.instanceId === '') return undefined;
  if (typeof action.instanceId !== 'string') throw new UnsupportedActionError('CallSubOrchestrator action with a non-string instanceId.');
  return action.instanceId;
}

function parseFireAt(action: WireAction): Date {
  const fireAt = new Date(requireString(action.fireAt, 'fireAt'));
  if (Number.isNaN(fireAt.getTime())) throw new UnsupportedActionError(`CreateTimer action with invalid fireAt '${action.fireAt}'.`);
  return fireAt;
}

type ScheduleAttempt = (onEvent: CompletionHandler) => void;

/** DurableTask.Core's RetryInterceptor for one CallActivityWithRetry or CallSubOrchestratorWithRetry action. */
function invokeRetried(action: WireAction, ctx: ReplayContext, settle: Settle, attempt: ScheduleAttempt): void {
  const succeeded = new Set<number>([EventType.TaskCompleted, EventType.SubOrchestrationInstanceCompleted]);
  let policy: ReturnType<typeof retryPolicyFrom>;
  try {
    policy = retryPolicyFrom(action.retryOptions);
  } catch (err) {
    throw new UnsupportedActionError((err as Error).message);
  }
  const firstAttemptAt = ctx.currentUtc;
  let attemptIndex = 0;
  if (policy.maxNumberOfAttempts <= 0) {
    settle(); // The interceptor's loop never runs.
    return;
  }
  const scheduleAttempt = (): void =>
    attempt((event) => {
      if (succeeded.has(event.EventType)) return settle();
      if (attemptIndex + 1 === policy.maxNumberOfAttempts) {
        // The interceptor's back-compat timer: due immediately, after which the failure surfaces.
        ctx.createTimer(ctx.currentUtc, () => settle());
        return;
      }
      const delayMs = nextRetryDelayMs(policy, attemptIndex, firstAttemptAt, ctx.currentUtc);
      if (delayMs === 0) return settle();
      ctx.createTimer(new Date(ctx.currentUtc.getTime() + delayMs), () => {
        attemptIndex++;
        scheduleAttempt();
      });
    });
  scheduleAttempt();
}

/** The extension's CreateTimer: one timer, or the long-timer loop beyond the provider's maximum delay. */
function invokeTimer(action: WireAction, ctx: ReplayContext, settle: Settle): void {
  const fireAt = parseFireAt(action);
  const cancelled = action.isCanceled === true;
  const { maximumShortTimerMs, longRunningTimerIntervalMs } = ctx.settings;
  if (fireAt.getTime() - ctx.currentUtc.getTime() <= maximumShortTimerMs) {
    ctx.createTimer(fireAt, cancelled ? undefined : () => settle());
    if (cancelled) settle();
    return;
  }
  let intervalFireAt = new Date(ctx.currentUtc.getTime() + longRunningTimerIntervalMs);
  const loop = (): void => {
    if (!(ctx.currentUtc < fireAt) || cancelled) {
      settle();
      return;
    }
    ctx.createTimer(intervalFireAt, () => {
      const remaining = fireAt.getTime() - ctx.currentUtc.getTime();
      if (remaining <= 0) return settle();
      intervalFireAt = new Date(ctx.currentUtc.getTime() + Math.min(remaining, longRunningTimerIntervalMs));
      loop();
    });
  };
  loop();
}

function invokeCompound(action: WireAction, ctx: ReplayContext, settle: Settle, all: boolean): void {
  const children = action.compoundActions ?? [];
  let remaining = children.length;
  let settled = false;
  const onChild = (): void => {
    remaining--;
    if (settled) return;
    if (!all || remaining === 0) {
      settled = true;
      settle();
    }
  };
  if (children.length === 0) {
    settled = true;
    settle();
    return;
  }
  for (const child of children) invokeAction(child, ctx, onChild);
}

function invokeAction(action: WireAction, ctx: ReplayContext, settle: Settle): void {
  switch (action.actionType) {
    case ActionType.CallActivity:
      ctx.scheduleActivity(requireString(action.functionName, 'functionName'), action.input, () => settle());
      return;
    case ActionType.CallActivityWithRetry: {
      const name = requireString(action.functionName, 'functionName');
      invokeRetried(action, ctx, settle, (onEvent) => ctx.scheduleActivity(name, action.input, onEvent));
      return;
    }
    case ActionType.CallSubOrchestrator:
      ctx.createSubOrchestration(requireString(action.functionName, 'functionName'), optionalInstanceId(action), action.input, () =>
        settle(),
      );
      return;
    case ActionType.CallSubOrchestratorWithRetry: {
      const name = requireString(action.functionName, 'functionName');
      // Every attempt is a new child under the same instance id (a finished instance id can be started again).
      invokeRetried(action, ctx, settle, (onEvent) => ctx.createSubOrchestration(name, optionalInstanceId(action), action.input, onEvent));
      return;
    }
    case ActionType.CreateTimer:
      invokeTimer(action, ctx, settle);
      return;
    case ActionType.WaitForExternalEvent:
      ctx.waitForEvent(requireString(action.externalEventName, 'externalEventName'), () => settle());
      return;
    case ActionType.ContinueAsNew:
      settle(); // Fire-and-forget: the verdict acts on it once the orchestrator reports done.
      return;
    case ActionType.CallEntity:
      ctx.sendToEntity(
        requireString(action.instanceId, 'instanceId'),
        requireString(action.operation, 'operation'),
        action.input,
        false,
        () => settle(),
      );
      return;
    case ActionType.SignalEntity:
      ctx.sendToEntity(
        requireString(action.instanceId, 'instanceId'),
        requireString(action.operation, 'operation'),
        action.input,
        true,
        undefined,
      );
      settle();
      return;
    case ActionType.WhenAll:
      invokeCompound(action, ctx, settle, true);
      return;
    case ActionType.WhenAny:
      invokeCompound(action, ctx, settle, false);
      return;
    default: {
      const name = ACTION_TYPE_NAMES[action.actionType] ?? 'unknown';
      throw new UnsupportedActionError(
        `The durable host emulator does not support the ${name} action (actionType ${action.actionType}); ` +
          'it supports activities and sub-orchestrations (with and without retry), timers, external events, entity calls and ' +
          'signals, WhenAll/WhenAny and ContinueAsNew (not entity locks).',
      );
    }
  }
}

/** ProcessAsyncActionsV2: invoke action i, await it, then invoke action i+1. */
class ShimRunner {
  private index = 0;
  finished = false;

  constructor(
    private readonly actions: WireAction[],
    private readonly ctx: ReplayContext,
  ) {}

  run(): void {
    while (this.index < this.actions.length) {
      const mine = this.index;
      let invoking = true;
      let settledWhileInvoking = false;
      invokeAction(this.actions[mine], this.ctx, () => {
        if (invoking) {
          settledWhileInvoking = true;
          return;
        }
        // Settled later, while a history event was being replayed: continue right there, like an await.
        this.index = mine + 1;
        this.run();
      });
      invoking = false;
      if (!settledWhileInvoking) return;
      this.index = mine + 1;
    }
    this.finished = true;
  }
}

/**
 * Replays `events` (past events followed by this episode's new ones) against the JS library's `actions`.
 */
export function replayOnHost(
  events: WireHistoryEvent[],
  actions: WireAction[],
  settings: HostReplaySettings,
  executionId = '',
): HostReplayResult {
  const ctx = new ReplayContext(settings, executionId);
  const shim = new ShimRunner(actions, ctx);
  try {
    for (const event of events) {
      switch (event.EventType) {
        case EventType.OrchestratorStarted: {
          const at = new Date(event.Timestamp);
          if (at > ctx.currentUtc) ctx.currentUtc = at;
          break;
        }
        case EventType.ExecutionStarted:
          // The extension invokes the JS function here and starts walking its actions.
          shim.run();
          break;
        case EventType.TaskScheduled:
        case EventType.SubOrchestrationInstanceCreated:
        case EventType.TimerCreated:
        case EventType.EventSent:
          ctx.matchScheduled(event);
          break;
        case EventType.TaskCompleted:
        case EventType.TaskFailed:
        case EventType.SubOrchestrationInstanceCompleted:
        case EventType.SubOrchestrationInstanceFailed:
          ctx.complete(event.TaskScheduledId, event);
          break;
        case EventType.TimerFired:
          ctx.complete(event.TimerId, event);
          break;
        case EventType.EventRaised:
          ctx.raise(event);
          break;
        default:
          break;
      }
    }
  } catch (err) {
    if (err instanceof NonDeterminismError) return { kind: 'nonDeterministic', message: err.message };
    if (err instanceof UnsupportedActionError) return { kind: 'unsupported', message: err.message };
    throw err;
  }
  const newOps = [...ctx.unmatched.values()].sort((a, b) => a.id - b.id);
  return {
    kind: 'replayed',
    newOps,
    allActionsDone: shim.finished,
    waitingOn: ctx.waitingOn(),
    unconsumedEvents: [...ctx.bufferedEvents],
  };
}

export function flattenActions(actions: WireAction[][] | undefined): WireAction[] {
  // Schema V2/V3: one list in an outer list of length 1 (the extension insists on exactly that shape).
  if (!Array.isArray(actions) || actions.length !== 1 || !Array.isArray(actions[0])) {
    throw new Error(`Expected the V3 action shape [[...actions]] but got ${JSON.stringify(actions)}.`);
  }
  return actions[0];
}
