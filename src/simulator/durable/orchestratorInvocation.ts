/**
 * SIMULATED: one call of a registered orchestrator handler the way the Functions host makes it. The extension
 * serializes the trigger payload to JSON text, the Node.js worker JSON.parses it and calls the handler with it and
 * an InvocationContext; the handler's return value travels back as JSON. A thrown OrchestrationFailureError
 * carries the orchestrator state after "$OutOfProcData$:" (OutOfProcExceptionHelpers in the extension).
 * Never registered as a function.
 */
import type { InvocationContext } from '@azure/functions';
import {
  AZURE_STORAGE_LONG_RUNNING_TIMER_INTERVAL,
  AZURE_STORAGE_MAXIMUM_SHORT_TIMER,
  DEFAULT_HTTP_ASYNC_SLEEP_MS,
  UPPER_SCHEMA_VERSION,
  UPPER_SCHEMA_VERSION_NEW,
  type WireHistoryEvent,
  type WireOrchestrationTrigger,
  type WireOrchestratorState,
} from './wire';

const OUT_OF_PROC_DATA_LABEL = '\n\n$OutOfProcData$:';

export interface OrchestratorCall {
  instanceId: string;
  /** The parent's instance id for a sub-orchestration (context.df.parentInstanceId), null otherwise. */
  parentInstanceId: string | null;
  input: unknown;
  pastEvents: WireHistoryEvent[];
  newEvents: WireHistoryEvent[];
  handler: (...args: unknown[]) => unknown;
  context: InvocationContext;
}

export type OrchestratorOutcome =
  /** The handler returned a state, or threw one embedded in its error (then `thrownMessage` is set). */
  | { kind: 'state'; state: WireOrchestratorState; thrownMessage?: string }
  /** The handler threw something without a state: the extension fails the instance with the message. */
  | { kind: 'crashed'; message: string };

/**
 * A copy of JSON data, as JSON.parse(JSON.stringify(value)) would give for the plain JSON values history events are
 * made of (they come from JSON, and hold nothing else), without the text in between: a 1,000-VM fleet replays long
 * histories thousands of times, and the round trip through text was a fifth of the emulator's time.
 */
function jsonCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  // Anything with its own JSON form (a Date) goes the long way, so the copy stays what the text would give.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(value)) as T;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : jsonCopy(v))) as T;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) copy[k] = jsonCopy(v);
  return copy as T;
}

/** The trigger payload as the worker receives it after JSON.parse: fresh objects (the library mutates them in place). */
export function buildTriggerPayload(call: Omit<OrchestratorCall, 'handler' | 'context'>): WireOrchestrationTrigger {
  return {
    history: [
      ...call.pastEvents.map((e) => ({ ...jsonCopy(e), IsPlayed: true })),
      ...call.newEvents.map((e) => ({ ...jsonCopy(e), IsPlayed: false })),
    ],
    // The input is the caller's object: through JSON, exactly as the extension hands it over.
    input: call.input === undefined ? null : JSON.parse(JSON.stringify(call.input)),
    instanceId: call.instanceId,
    // The context is "replaying" when the episode starts with history to replay.
    isReplaying: call.pastEvents.length > 0,
    parentInstanceId: call.parentInstanceId,
    upperSchemaVersion: UPPER_SCHEMA_VERSION,
    upperSchemaVersionNew: UPPER_SCHEMA_VERSION_NEW,
    longRunningTimerIntervalDuration: AZURE_STORAGE_LONG_RUNNING_TIMER_INTERVAL,
    maximumShortTimerDuration: AZURE_STORAGE_MAXIMUM_SHORT_TIMER,
    defaultHttpAsyncRequestSleepTimeMillseconds: DEFAULT_HTTP_ASYNC_SLEEP_MS,
  };
}

function isState(value: unknown): value is WireOrchestratorState {
  return typeof value === 'object' && value !== null && 'isDone' in value && 'actions' in value;
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : JSON.stringify(err);
}

export async function invokeOrchestrator(call: OrchestratorCall): Promise<OrchestratorOutcome> {
  // A fresh copy per call: the library mutates the payload (Timestamp strings become Dates in place).
  const trigger: unknown = buildTriggerPayload(call);
  let returned: unknown;
  try {
    returned = await call.handler(trigger, call.context);
  } catch (err) {
    const message = messageOf(err);
    const at = message.indexOf(OUT_OF_PROC_DATA_LABEL);
    if (at >= 0) {
      const state: unknown = JSON.parse(message.slice(at + OUT_OF_PROC_DATA_LABEL.length));
      if (isState(state)) return { kind: 'state', state, thrownMessage: message.slice(0, at) };
    }
    return { kind: 'crashed', message };
  }
  // The worker sends the return value as JSON; the extension reads it back.
  const state: unknown = returned === undefined ? undefined : JSON.parse(JSON.stringify(returned));
  if (!isState(state)) {
    return {
      kind: 'crashed',
      message: `The orchestrator returned something that is not an orchestrator state: ${JSON.stringify(returned)}`,
    };
  }
  return { kind: 'state', state };
}
