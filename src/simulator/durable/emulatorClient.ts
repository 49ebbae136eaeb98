/**
 * SIMULATED: the durable client surface (startNew, getStatus, raiseEvent, terminate) the app's HTTP and Event
 * Grid handlers use, answering as durable-functions' DurableClient does against the real extension:
 *  - startNew: validates the name and instance id like the extension (400 -> the client's generic error), refuses
 *    an instance id that is Pending/Running/ContinuedAsNew/Suspended (default overridableExistingInstanceStates
 *    = NonRunningStates; the extension answers 500 and the client rejects with its generic error), replaces a
 *    Completed/Failed/Terminated one, and only enqueues work: nothing runs until the emulator is stepped.
 *  - getStatus: an unknown id REJECTS (the extension answers 404 and DurableClient.getStatus throws, it does not
 *    return undefined), with the library's exact message.
 *  - raiseEvent / terminate: unknown id rejects "No instance with ID '<id>' found." (404); an instance that is no
 *    longer running is accepted and ignored (410). Both are messages handled at the instance's next episode.
 *  - signalEntity / readEntityState: the task hub's entities (entities.ts says how they answer).
 *  - getStatusBy: the extension's instance query over the whole task hub, sub-orchestrations included
 *    (runtimeStatus any-of, createdTimeFrom/To inclusive). The real
 *    client follows x-ms-continuation-token pages and resolves with the concatenated response bodies: plain JSON
 *    objects (ISO date strings, not Date; not DurableOrchestrationStatus instances), input included. This answers
 *    with the same, in one page.
 * Never registered as a function.
 */
import type * as df from 'durable-functions';
import type { FunctionRegistry } from '../functionsHost/FunctionRegistry';
import type { EntityStore } from './entities';
import { history } from './historyEvents';
import { type InstanceRecord, isActive, isTerminal } from './instanceState';
import { toStatus } from './statusProjection';

export type DurableClientSurface = Pick<
  df.DurableClient,
  'startNew' | 'getStatus' | 'getStatusBy' | 'raiseEvent' | 'terminate' | 'signalEntity' | 'readEntityState'
>;

export interface ClientHost {
  readonly registry: FunctionRegistry;
  now(): Date;
  newInstanceId(): string;
  getRecord(instanceId: string): InstanceRecord | undefined;
  /** Every instance of the task hub, sub-orchestrations included. */
  allRecords(): InstanceRecord[];
  startInstance(name: string, instanceId: string, input: unknown): void;
  /** Queues a message for the instance's next episode. */
  post(instanceId: string, message: ReturnType<typeof history.eventRaised>): void;
  onEventRaised(instanceId: string, name: string): void;
  /** The task hub's entities (signalEntity, readEntityState). */
  readonly entities: EntityStore;
}

const MAX_INSTANCE_ID_LENGTH = 256;

/** DurableClient's rejection for any status it does not expect (createGenericError). */
function genericError(status: number, details: unknown): Error {
  return new Error(`The operation failed with an unexpected status code: ${status}. Details: ${JSON.stringify(details)}`);
}

function invalidInstanceId(instanceId: string): string | undefined {
  if (instanceId.startsWith('@')) return 'Orchestration instance ids must not start with @.';
  // eslint-disable-next-line no-control-regex
  if (/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(instanceId))
    return 'Orchestration instance ids must not contain /, \\, #, ?, or control characters.';
  if (instanceId.length > MAX_INSTANCE_ID_LENGTH) return `Instance ID lengths must not exceed ${MAX_INSTANCE_ID_LENGTH} characters.`;
  return undefined;
}

/** What crosses the wire as JSON comes back as a copy, exactly as the extension would store it. */
function viaJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function matchesFilter(record: InstanceRecord, filter: df.OrchestrationFilter): boolean {
  if (filter.runtimeStatus && filter.runtimeStatus.length > 0 && !filter.runtimeStatus.includes(record.runtimeStatus)) return false;
  if (filter.createdTimeFrom && record.createdTime.getTime() < filter.createdTimeFrom.getTime()) return false;
  if (filter.createdTimeTo && record.createdTime.getTime() > filter.createdTimeTo.getTime()) return false;
  return true;
}

export function createEmulatorClient(host: ClientHost): DurableClientSurface {
  return {
    async startNew(orchestratorFunctionName: string, options?: df.StartNewOptions): Promise<string> {
      if (!orchestratorFunctionName) throw new Error('orchestratorFunctionName must be a valid string.');
      const fn = host.registry.get(orchestratorFunctionName);
      if (fn?.trigger.type !== 'orchestrationTrigger') {
        throw genericError(400, {
          Message: `The function '${orchestratorFunctionName}' doesn't exist, is disabled, or is not an orchestrator function.`,
        });
      }
      const instanceId = options?.instanceId || host.newInstanceId();
      const invalid = invalidInstanceId(instanceId);
      if (invalid) throw genericError(400, { Message: invalid });
      const existing = host.getRecord(instanceId);
      if (existing && isActive(existing)) {
        throw genericError(500, {
          Message: 'An error has occurred.',
          ExceptionMessage: `An Orchestration instance with the status ${existing.runtimeStatus} already exists.`,
        });
      }
      host.startInstance(fn.name, instanceId, viaJson(options?.input));
      return instanceId;
    },

    async getStatusBy(filter: df.OrchestrationFilter): Promise<df.DurableOrchestrationStatus[]> {
      const matches: unknown[] = [];
      // The instance query lists the whole task hub: sub-orchestrations are instances like any other.
      for (const record of host.allRecords()) {
        if (matchesFilter(record, filter ?? {})) matches.push(viaJson(toStatus(record)));
      }
      // The real client's value is the parsed response body, typed as statuses but holding plain objects.
      return matches as df.DurableOrchestrationStatus[];
    },

    async getStatus(instanceId: string, options?: df.GetStatusOptions): Promise<df.DurableOrchestrationStatus> {
      const record = host.getRecord(instanceId);
      if (!record) {
        throw new Error(
          `DurableClient error: Durable Functions extension replied with HTTP 404 response. ` +
            `This usually means we could not find any data associated with the instanceId provided: ${instanceId}.`,
        );
      }
      return toStatus(record, options);
    },

    async raiseEvent(instanceId: string, eventName: string, eventData: unknown): Promise<void> {
      if (!eventName) throw new Error('eventName must be a valid string.');
      const record = host.getRecord(instanceId);
      if (!record) throw new Error(`No instance with ID '${instanceId}' found.`);
      if (isTerminal(record)) return;
      host.post(instanceId, history.eventRaised(host.now(), eventName, viaJson(eventData)));
      host.onEventRaised(instanceId, eventName);
    },

    async signalEntity(entityId: df.EntityId, operationName?: string, operationContent?: unknown): Promise<void> {
      // The extension's HTTP API takes the operation name from ?op=; without it the operation name is empty.
      host.entities.enqueue(entityId, operationName ?? '', operationContent, { signal: true });
    },

    async readEntityState<T>(entityId: df.EntityId): Promise<df.EntityStateResponse<T>> {
      return host.entities.read(entityId) as df.EntityStateResponse<T>;
    },

    async terminate(instanceId: string, reason: string): Promise<void> {
      const record = host.getRecord(instanceId);
      if (!record) throw new Error(`No instance with ID '${instanceId}' found.`);
      if (isTerminal(record)) return;
      host.post(instanceId, history.executionTerminated(host.now(), reason));
    },
  };
}
