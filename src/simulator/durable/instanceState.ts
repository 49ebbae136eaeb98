/**
 * SIMULATED: the emulator's task hub — one record per orchestration instance (its current execution's history,
 * the messages waiting for its next episode, status fields the durable client reports) and the counters tests
 * assert on. Never registered as a function.
 */
import type * as df from 'durable-functions';
import type { ParentLink } from './historyEvents';
import type { WireHistoryEvent } from './wire';

export interface InstanceStats {
  /** Orchestrator invocations (replays included), over all ContinueAsNew generations. */
  episodes: number;
  /** Events in the current execution's history. */
  historyEvents: number;
  /** Activity handler executions (twice per activity with executeActivitiesTwice, failed attempts included). */
  activityExecutions: number;
  timersFired: number;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  input: unknown;
  createdTime: Date;
  lastUpdatedTime: Date;
  runtimeStatus: df.OrchestrationRuntimeStatus;
  output: unknown;
  customStatus: unknown;
  history: WireHistoryEvent[];
  /** Set for a sub-orchestration: the parent execution waiting for this one's end. */
  parent?: ParentLink;
  /** Messages (ExecutionStarted, results, timers, raised events, terminate) for the next episode. */
  inbox: WireHistoryEvent[];
  episodeQueued: boolean;
  /** What the last replay said the orchestration waits for (diagnostics for stuck tests). */
  waitingOn: string[];
  counters: Omit<InstanceStats, 'historyEvents'>;
}

/** Statuses the extension's default overridableExistingInstanceStates (NonRunningStates) refuses to replace. */
const ACTIVE = new Set<string>(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);
const TERMINAL = new Set<string>(['Completed', 'Failed', 'Terminated', 'Canceled']);

export function isActive(record: InstanceRecord): boolean {
  return ACTIVE.has(record.runtimeStatus);
}

export function isTerminal(record: InstanceRecord): boolean {
  return TERMINAL.has(record.runtimeStatus);
}

export function statsOf(record: InstanceRecord): InstanceStats {
  return { ...record.counters, historyEvents: record.history.length };
}
