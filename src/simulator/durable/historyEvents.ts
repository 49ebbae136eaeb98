/**
 * SIMULATED: constructors for history events in the JSON shape DurableTask.Core writes and the extension hands to
 * the JS library (PascalCase fields; EventId = sequence number for scheduling events, -1 otherwise; payloads as
 * JSON text). Never registered as a function.
 */
import { EventType, WireHistoryEvent } from './wire';

function base(type: number, at: Date, eventId = -1): WireHistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: at.toISOString() };
}

/** JSON text of a value, or null for "no value" (how DTFx stores a missing input/result). */
export function toJsonText(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export const history = {
  orchestratorStarted: (at: Date): WireHistoryEvent => base(EventType.OrchestratorStarted, at),

  orchestratorCompleted: (at: Date): WireHistoryEvent => base(EventType.OrchestratorCompleted, at),

  executionStarted: (at: Date, name: string, instanceId: string, executionId: string, input: unknown): WireHistoryEvent => ({
    ...base(EventType.ExecutionStarted, at),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: name,
    Version: '',
    Input: toJsonText(input),
    Tags: null,
  }),

  executionCompleted: (at: Date, status: number, result: unknown): WireHistoryEvent => ({
    ...base(EventType.ExecutionCompleted, at),
    OrchestrationStatus: status,
    Result: toJsonText(result),
    FailureDetails: null,
  }),

  executionTerminated: (at: Date, reason: string): WireHistoryEvent => ({
    ...base(EventType.ExecutionTerminated, at),
    Input: toJsonText(reason),
  }),

  /** DTFx serializes activity parameters as a one-element array. */
  taskScheduled: (at: Date, id: number, name: string, inputToken: unknown): WireHistoryEvent => ({
    ...base(EventType.TaskScheduled, at, id),
    Name: name,
    Version: '',
    Input: JSON.stringify([inputToken ?? null]),
  }),

  taskCompleted: (at: Date, taskScheduledId: number, resultText: string | null): WireHistoryEvent => ({
    ...base(EventType.TaskCompleted, at),
    TaskScheduledId: taskScheduledId,
    Result: resultText,
  }),

  taskFailed: (at: Date, taskScheduledId: number, reason: string, details: string): WireHistoryEvent => ({
    ...base(EventType.TaskFailed, at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
    // The extension (non-isolated, default error propagation) sends no structured FailureDetails.
    FailureDetails: null,
  }),

  timerCreated: (at: Date, id: number, fireAt: Date): WireHistoryEvent => ({
    ...base(EventType.TimerCreated, at, id),
    FireAt: fireAt.toISOString(),
  }),

  timerFired: (at: Date, timerId: number, fireAt: Date): WireHistoryEvent => ({
    ...base(EventType.TimerFired, at),
    TimerId: timerId,
    FireAt: fireAt.toISOString(),
  }),

  eventRaised: (at: Date, name: string, data: unknown): WireHistoryEvent => ({
    ...base(EventType.EventRaised, at),
    Name: name,
    Input: toJsonText(data),
  }),
};
