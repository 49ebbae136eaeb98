/**
 * SIMULATED: constructors for history events in the JSON shape DurableTask.Core writes and the extension hands to
 * the JS library (PascalCase fields; EventId = sequence number for scheduling events, -1 otherwise; payloads as
 * JSON text). Never registered as a function.
 */
import { EventType, type WireHistoryEvent } from './wire';

/** The parent side of a sub-orchestration: where the child's end is reported. */
export interface ParentLink {
  name: string;
  instanceId: string;
  executionId: string;
  taskScheduledId: number;
}

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

  executionStarted: (
    at: Date,
    name: string,
    instanceId: string,
    executionId: string,
    input: unknown,
    parent: ParentLink | null = null,
  ): WireHistoryEvent => ({
    ...base(EventType.ExecutionStarted, at),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    // DurableTask.Core's ParentInstance: who started this child and under which sequence number it waits.
    ParentInstance: parent
      ? {
          Name: parent.name,
          Version: '',
          TaskScheduleId: parent.taskScheduledId,
          OrchestrationInstance: { InstanceId: parent.instanceId, ExecutionId: parent.executionId },
        }
      : null,
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

  /** The parent's record of starting a child; EventId is the sequence number the child's end answers to. */
  subOrchestrationCreated: (at: Date, id: number, name: string, instanceId: string, inputToken: unknown): WireHistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCreated, at, id),
    Name: name,
    Version: '',
    InstanceId: instanceId,
    Input: toJsonText(inputToken),
  }),

  /** DurableTask.Core copies the child's ExecutionCompleted Result (JSON text of its output). */
  subOrchestrationCompleted: (at: Date, taskScheduledId: number, resultText: string | null): WireHistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceCompleted, at),
    TaskScheduledId: taskScheduledId,
    Result: resultText,
  }),

  /** Reason and Details of the child's failure (null Details for a terminated child, as DurableTask.Core sends). */
  subOrchestrationFailed: (at: Date, taskScheduledId: number, reason: string, details: string | null): WireHistoryEvent => ({
    ...base(EventType.SubOrchestrationInstanceFailed, at),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
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

  /** A message to an entity; Input is the request message as JSON text (the library reads its `id`). */
  eventSent: (at: Date, id: number, target: string, name: string, requestMessage: unknown): WireHistoryEvent => ({
    ...base(EventType.EventSent, at, id),
    InstanceId: target,
    Name: name,
    Input: JSON.stringify(requestMessage),
  }),

  eventRaised: (at: Date, name: string, data: unknown): WireHistoryEvent => ({
    ...base(EventType.EventRaised, at),
    Name: name,
    Input: toJsonText(data),
  }),
};
