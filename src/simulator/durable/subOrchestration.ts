/**
 * SIMULATED: how a finished child tells its parent. DurableTask.Core sends the parent, under the sequence number
 * its SubOrchestrationInstanceCreated was recorded with, a SubOrchestrationInstanceCompleted carrying the child's
 * Result (JSON text of its output) or a SubOrchestrationInstanceFailed carrying the failure's Reason and Details
 * (TaskOrchestrationDispatcher: Failed and Terminated both become "failed"; a terminated child has no Details).
 * Never registered as a function.
 */
import * as df from 'durable-functions';
import { history, toJsonText } from './historyEvents';
import type { InstanceRecord } from './instanceState';
import type { WireHistoryEvent } from './wire';

/**
 * The Details of a failed child: a serialized .NET exception whose message is the failure (the shape the
 * extension uses for a worker-side failure; its exact text is not documented, so tests must not depend on it).
 */
function failureDetails(reason: string): string {
  return JSON.stringify({
    $type: 'System.Exception, System.Private.CoreLib',
    ClassName: 'System.Exception',
    Message: reason,
    InnerException: null,
  });
}

/** The message for the parent once `child` reached a terminal status. */
export function childEndEvent(child: InstanceRecord, at: Date): WireHistoryEvent {
  const taskScheduledId = child.parent?.taskScheduledId;
  if (taskScheduledId === undefined) throw new Error(`Instance '${child.instanceId}' is not a sub-orchestration.`);
  if (child.runtimeStatus === df.OrchestrationRuntimeStatus.Completed) {
    return history.subOrchestrationCompleted(at, taskScheduledId, toJsonText(child.output ?? null));
  }
  const reason = typeof child.output === 'string' ? child.output : JSON.stringify(child.output ?? null);
  // A terminated child's Details are null; durable-functions then cannot build an error from the event and
  // fails the parent's replay ("could not parse its exception data"). Reproduced, not papered over.
  const details = child.runtimeStatus === df.OrchestrationRuntimeStatus.Terminated ? null : failureDetails(reason);
  return history.subOrchestrationFailed(at, taskScheduledId, reason, details);
}
