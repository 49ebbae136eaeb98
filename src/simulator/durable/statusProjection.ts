/**
 * SIMULATED: an instance record as the durable client reports it. The fields are what the extension's status
 * endpoint returns (null, never undefined, for missing input/output/customStatus), and the object is built by
 * durable-functions' own DurableOrchestrationStatus constructor, so the app gets the very class and validation
 * the real client gives it. With showHistory, the history is projected the way the extension's DurableClient
 * does: EventType names instead of numbers, OrchestratorStarted/Completed and TaskScheduled folded away,
 * completions carrying FunctionName and ScheduledTime, Result/Input only on request. Never registered as a
 * function.
 */
import * as df from 'durable-functions';
import type { InstanceRecord } from './instanceState';
import { EVENT_TYPE_NAMES, EventType, type WireHistoryEvent } from './wire';

type StatusConstructor = new (init: unknown) => df.DurableOrchestrationStatus;
// Not exported from the package index, but it is the class DurableClient.getStatus constructs.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DurableOrchestrationStatus } = require('durable-functions/lib/src/orchestrations/DurableOrchestrationStatus') as {
  DurableOrchestrationStatus: StatusConstructor;
};

const STATUS_NAMES: Record<number, string> = {
  0: 'Running',
  1: 'Completed',
  2: 'ContinuedAsNew',
  3: 'Failed',
  5: 'Terminated',
  6: 'Pending',
};

function parseJsonText(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const SCHEDULING = new Set<number>([EventType.TaskScheduled, EventType.SubOrchestrationInstanceCreated]);
const ANSWERS = new Set<number>([
  EventType.TaskCompleted,
  EventType.TaskFailed,
  EventType.SubOrchestrationInstanceCompleted,
  EventType.SubOrchestrationInstanceFailed,
]);

export function projectHistory(history: WireHistoryEvent[], showHistoryOutput: boolean, showInput: boolean): unknown[] {
  const scheduled = new Map<number, WireHistoryEvent>();
  for (const event of history) if (SCHEDULING.has(event.EventType)) scheduled.set(event.EventId, event);
  const answered = new Set<number>();
  for (const event of history) {
    const id = event.TaskScheduledId;
    if (ANSWERS.has(event.EventType) && typeof id === 'number') answered.add(id);
  }
  const projected: Record<string, unknown>[] = [];
  for (const event of history) {
    if (event.EventType === EventType.OrchestratorStarted || event.EventType === EventType.OrchestratorCompleted) continue;
    // An answered TaskScheduled / SubOrchestrationInstanceCreated row is folded into its completion; one still in flight stays.
    if (SCHEDULING.has(event.EventType) && answered.has(event.EventId)) continue;
    const item: Record<string, unknown> = { ...event, EventType: EVENT_TYPE_NAMES[event.EventType] ?? String(event.EventType) };
    delete item.EventId;
    delete item.IsPlayed;
    if (SCHEDULING.has(event.EventType)) delete item.Version;
    // The extension's DurableClient drops a SubOrchestrationInstanceCreated row's Input whatever is asked.
    if (event.EventType === EventType.SubOrchestrationInstanceCreated) delete item.Input;
    if (event.EventType === EventType.ExecutionStarted) {
      item.FunctionName = event.Name;
      for (const key of ['Name', 'OrchestrationInstance', 'ParentInstance', 'Version', 'Tags']) delete item[key];
    }
    if (ANSWERS.has(event.EventType)) {
      const origin = scheduled.get(event.TaskScheduledId as number);
      if (origin) {
        item.FunctionName = origin.Name;
        item.ScheduledTime = origin.Timestamp;
        if (showInput && origin.EventType === EventType.TaskScheduled) item.Input = origin.Input;
      }
      delete item.TaskScheduledId;
    }
    if (event.EventType === EventType.TimerFired) delete item.TimerId;
    if (event.EventType === EventType.ExecutionCompleted) {
      item.OrchestrationStatus = STATUS_NAMES[event.OrchestrationStatus as number] ?? event.OrchestrationStatus;
    }
    if ('Result' in item) {
      if (showHistoryOutput) item.Result = parseJsonText(item.Result);
      else delete item.Result;
    }
    if (!showInput) delete item.Input;
    projected.push(item);
  }
  return projected;
}

export function toStatus(record: InstanceRecord, options: df.GetStatusOptions = {}): df.DurableOrchestrationStatus {
  const showInput = options.showInput !== false;
  const init: Record<string, unknown> = {
    name: record.name,
    instanceId: record.instanceId,
    createdTime: record.createdTime.toISOString(),
    lastUpdatedTime: record.lastUpdatedTime.toISOString(),
    input: showInput && record.input !== undefined ? record.input : null,
    output: record.output === undefined ? null : record.output,
    runtimeStatus: record.runtimeStatus,
    customStatus: record.customStatus === undefined ? null : record.customStatus,
  };
  // The extension sends no history for an instance that has not started yet.
  if (options.showHistory && record.runtimeStatus !== df.OrchestrationRuntimeStatus.Pending) {
    init.history = projectHistory(record.history, options.showHistoryOutput === true, showInput);
  }
  // Deep copy, as the client would receive it over HTTP: the app cannot mutate the emulator's state.
  return new DurableOrchestrationStatus(JSON.parse(JSON.stringify(init)));
}
