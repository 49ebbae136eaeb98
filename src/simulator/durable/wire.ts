/**
 * SIMULATED: the out-of-process orchestration protocol between the Durable Functions extension and
 * durable-functions (the JS library), as JSON. Numbers and field names are the protocol's: they come from the
 * library's history/*.js, actions/ActionType.js and orchestrations/ReplaySchema.js, and from the extension's
 * OrchestrationTriggerAttributeBindingProvider / OutOfProcOrchestrationShim. Never registered as a function.
 */

/** DurableTask.Core EventType, as the library's HistoryEventType enum numbers it. */
export const EventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
} as const;

export const EVENT_TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(EventType).map(([name, value]) => [value, name]));

/** DurableTask.Core OrchestrationStatus numbers, used in ExecutionCompleted.OrchestrationStatus. */
export const WireOrchestrationStatus = { Running: 0, Completed: 1, ContinuedAsNew: 2, Failed: 3, Terminated: 5, Pending: 6 } as const;

/** The library's ActionType enum (what `actionType` holds in each action it returns). */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

export const ACTION_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ActionType).map(([name, value]) => [value, name]),
);

/**
 * Replay schema numbers (the library's ReplaySchema: V1=0 ... V4=3). The extension (v2.x/v3.x, bundle [4.*, 5))
 * sends upperSchemaVersion = its SchemaVersion.V2 (1) for old SDKs and upperSchemaVersionNew = SchemaVersion.V3
 * (2); durable-functions prefers the "New" field, so it runs with V3: one flat action list per episode,
 * WhenAll/WhenAny as compound actions, long timers split by the host.
 */
export const UPPER_SCHEMA_VERSION = 1;
export const UPPER_SCHEMA_VERSION_NEW = 2;
export const REPLAY_SCHEMA_V3 = 2;

/** Azure Storage provider defaults the extension puts in the payload (TimeSpan text, as Newtonsoft writes it). */
export const AZURE_STORAGE_MAXIMUM_SHORT_TIMER = '6.00:00:00';
export const AZURE_STORAGE_LONG_RUNNING_TIMER_INTERVAL = '3.00:00:00';
export const DEFAULT_HTTP_ASYNC_SLEEP_MS = 30000;

export interface WireHistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 text on the wire; the library turns it into a Date itself. */
  Timestamp: string;
  [field: string]: unknown;
}

export interface WireRetryOptions {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface WireAction {
  actionType: number;
  functionName?: string;
  input?: unknown;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  retryOptions?: WireRetryOptions;
  compoundActions?: WireAction[];
  instanceId?: string;
  /** CallEntity / SignalEntity: the operation name (the entity is `instanceId`, "@name@key"). */
  operation?: string;
}

/** What the orchestrator handler returns (or embeds after "$OutOfProcData$:" when it throws). */
export interface WireOrchestratorState {
  isDone: boolean;
  actions: WireAction[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

/** The orchestration trigger payload the extension binds (OrchestrationContextToString). */
export interface WireOrchestrationTrigger {
  history: WireHistoryEvent[];
  input: unknown;
  instanceId: string;
  isReplaying: boolean;
  parentInstanceId: string | null;
  upperSchemaVersion: number;
  upperSchemaVersionNew: number;
  longRunningTimerIntervalDuration: string;
  maximumShortTimerDuration: string;
  defaultHttpAsyncRequestSleepTimeMillseconds: number;
}
