/**
 * SIMULATED: one orchestration episode, decided the way the extension decides it. The registered orchestrator
 * replays the whole history plus the new messages; the host-side replay (hostReplay) checks the actions against
 * the history and finds the new work; then, exactly as OutOfProcOrchestrationShim does, the JS result (output,
 * error, done) only takes effect once every action it returned has completed on the host side.
 * Never registered as a function.
 */
import type { InvocationContext } from '@azure/functions';
import type { RegisteredFunction } from '../functionsHost/FunctionRegistry';
import { history } from './historyEvents';
import { flattenActions, type HostReplaySettings, replayOnHost, type ScheduledOp } from './hostReplay';
import type { InstanceRecord } from './instanceState';
import { invokeOrchestrator } from './orchestratorInvocation';
import { ActionType, EventType, type WireHistoryEvent } from './wire';

/** Durable Functions' limit on a custom status: 16 KB of UTF-16 text. */
export const MAX_CUSTOM_STATUS_CHARS = 16 * 1024;

export interface EpisodeInput {
  record: InstanceRecord;
  newMessages: WireHistoryEvent[];
  now: Date;
  orchestrator: RegisteredFunction | undefined;
  activityNames: string[];
  /** Registered orchestrator names: a sub-orchestration must name one. */
  orchestratorNames: string[];
  /** Makes the InvocationContext for the orchestrator's invocation (functionName, invocationId, log sink). */
  createContext: (orchestrator: RegisteredFunction) => InvocationContext;
  settings: HostReplaySettings;
}

export type EpisodeVerdict =
  | { kind: 'running'; newOps: ScheduledOp[]; waitingOn: string[] }
  | { kind: 'completed'; output: unknown }
  | { kind: 'failed'; message: string }
  | { kind: 'continuedAsNew'; input: unknown; carryOver: WireHistoryEvent[] }
  | { kind: 'terminated'; reason: string };

export interface EpisodeResult {
  /** OrchestratorStarted followed by the messages this episode consumed. */
  newEvents: WireHistoryEvent[];
  verdict: EpisodeVerdict;
  /** Present when the orchestrator ran: the custom status it reported (null when it set none). */
  customStatus?: { value: unknown };
  orchestratorInvoked: boolean;
}

function parseJsonText(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function missingActivity(ops: ScheduledOp[], known: string[]): string | undefined {
  const lower = new Set(known.map((n) => n.toLowerCase()));
  const missing = ops.find((op) => op.kind === 'activity' && !lower.has(op.name.toLowerCase()));
  if (missing?.kind !== 'activity') return undefined;
  // The extension validates every activity name when the action is invoked (ThrowIfFunctionDoesNotExist).
  return (
    `The function '${missing.name}' doesn't exist, is disabled, or is not an activity function. ` +
    `Additional info: the known activity functions are: ${known.map((n) => `'${n}'`).join(', ') || '(none)'}.`
  );
}

function invalidSubOrchestration(ops: ScheduledOp[], record: InstanceRecord, known: string[]): string | undefined {
  const lower = new Set(known.map((n) => n.toLowerCase()));
  for (const op of ops) {
    if (op.kind !== 'subOrchestration') continue;
    // Both checks are the extension's (ThrowIfFunctionDoesNotExist, and the parent-id check in CallDurableTaskFunctionAsync).
    if (!lower.has(op.name.toLowerCase())) {
      return (
        `The function '${op.name}' doesn't exist, is disabled, or is not an orchestrator function. ` +
        `Additional info: the known orchestrator functions are: ${known.map((n) => `'${n}'`).join(', ') || '(none)'}.`
      );
    }
    const parentId = record.parent?.instanceId;
    if (sameId(op.instanceId, record.instanceId) || (parentId !== undefined && sameId(op.instanceId, parentId))) {
      return 'The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.';
    }
    if (op.instanceId.startsWith('@')) return 'Orchestration instance ids must not start with @';
  }
  return undefined;
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export async function runEpisode(input: EpisodeInput): Promise<EpisodeResult> {
  const { record, now, orchestrator } = input;
  const newEvents = [history.orchestratorStarted(now), ...input.newMessages];
  const terminate = input.newMessages.find((e) => e.EventType === EventType.ExecutionTerminated);
  if (terminate) {
    // A terminate message ends the instance without running orchestrator code.
    const reason = parseJsonText(terminate.Input);
    return {
      newEvents,
      verdict: { kind: 'terminated', reason: typeof reason === 'string' ? reason : String(reason ?? '') },
      orchestratorInvoked: false,
    };
  }
  if (orchestrator?.trigger.type !== 'orchestrationTrigger') {
    const message = `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    return { newEvents, verdict: { kind: 'failed', message }, orchestratorInvoked: false };
  }

  const outcome = await invokeOrchestrator({
    instanceId: record.instanceId,
    parentInstanceId: record.parent?.instanceId ?? null,
    input: record.input,
    pastEvents: record.history,
    newEvents,
    handler: orchestrator.handler,
    context: input.createContext(orchestrator),
  });
  if (outcome.kind === 'crashed') {
    return {
      newEvents,
      verdict: { kind: 'failed', message: `Orchestrator function '${record.name}' failed: ${outcome.message}` },
      orchestratorInvoked: true,
    };
  }

  const { state } = outcome;
  const customStatus = { value: state.customStatus === undefined ? null : state.customStatus };
  const done = (verdict: EpisodeVerdict): EpisodeResult => ({ newEvents, verdict, customStatus, orchestratorInvoked: true });
  // The host refuses a custom status over 16 KB of UTF-16 text (16,384 UTF-16 code units), failing the instance.
  const customStatusLength = state.customStatus === undefined ? 0 : JSON.stringify(state.customStatus).length;
  if (customStatusLength > MAX_CUSTOM_STATUS_CHARS) {
    return done({
      kind: 'failed',
      message:
        `Orchestrator function '${record.name}' failed: the custom status is ${customStatusLength} characters of JSON; ` +
        `Durable Functions accepts at most 16 KB of UTF-16 text (${MAX_CUSTOM_STATUS_CHARS} characters)`,
    });
  }

  let actions: ReturnType<typeof flattenActions>;
  try {
    actions = flattenActions(state.actions);
  } catch (err) {
    return done({ kind: 'failed', message: `Orchestrator function '${record.name}' failed: ${(err as Error).message}` });
  }
  const replay = replayOnHost([...record.history, ...newEvents], actions, input.settings, record.executionId);
  if (replay.kind !== 'replayed') return done({ kind: 'failed', message: replay.message });

  const missing =
    missingActivity(replay.newOps, input.activityNames) ?? invalidSubOrchestration(replay.newOps, record, input.orchestratorNames);
  if (missing) return done({ kind: 'failed', message: missing });

  if (!replay.allActionsDone) {
    // The shim is still awaiting an action: nothing the orchestrator returned (even an error) takes effect yet.
    return done({ kind: 'running', newOps: replay.newOps, waitingOn: replay.waitingOn });
  }
  if (state.error) {
    return done({ kind: 'failed', message: `Orchestrator function '${record.name}' failed: ${state.error}` });
  }
  if (state.isDone) {
    const continueAsNew = actions.find((a) => a.actionType === ActionType.ContinueAsNew);
    if (continueAsNew) return done({ kind: 'continuedAsNew', input: continueAsNew.input, carryOver: replay.unconsumedEvents });
    return done({ kind: 'completed', output: state.output === undefined ? null : state.output });
  }
  // Not done, no error, nothing pending: the real shim would wait forever. Say so instead of hiding it.
  return done({
    kind: 'running',
    newOps: replay.newOps,
    waitingOn: ['nothing the host can deliver: the orchestrator reported "not done" but every action it returned has completed'],
  });
}
