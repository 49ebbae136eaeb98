/**
 * SIMULATED: Durable Entities as the extension hosts them for the JS library, for the emulator.
 *
 * Each entity (`@<name lowercased>@<key>`, the library's EntityId scheduler id) has a durable record: whether it
 * exists, its state as JSON text, and a FIFO inbox of operation requests. The extension runs one batch per entity
 * at a time (an entity is a single-threaded actor: operations on one entity never overlap and run in the order
 * they were enqueued) and keeps the state only through the batch's returned EntityState. Here the store lives in
 * the emulator, the task hub: a worker restart (a new registry) sees the same entities.
 *
 * The wire is the library's own (durable-functions lib/src/entities/Entity.js and the library's
 * test/testobjects/testentitybatches.ts): the entity trigger receives
 * `{self: {name, key}, exists, state: <JSON text | undefined>, batch: [{id, name, signal, input: <JSON text>}]}`
 * and returns `{entityExists, entityState: <JSON text>, results: [{isError, result, duration, startTime}],
 * signals: [{target: {name, key}, name, input, requestId, requestTime}]}`. The library has no per-operation
 * rollback (it keeps one running state across the batch), so neither does this: the returned state is kept.
 * A batch whose handler throws as a whole keeps the state it had before the batch (the extension aborts it).
 *
 * Client surface, as DurableClient answers against the extension's HTTP API:
 *  - signalEntity(id, op, input): 202 -> resolves; queued, nothing runs until the emulator is stepped. An entity
 *    name with no registered entity function: the extension answers 404 for an unknown entity function and the
 *    client rejects with its generic error (createGenericError).
 *  - readEntityState(id): 200 -> {entityExists: true, entityState: <parsed state>}, 404 -> {entityExists: false}.
 *    Requests not yet processed are not reflected (the extension reads the stored state, not the inbox).
 * Never registered as a function.
 */
import { randomUUID } from 'node:crypto';
import type { InvocationContext } from '@azure/functions';
import type { FunctionRegistry, RegisteredFunction } from '../functionsHost/FunctionRegistry';

export interface EntityIdLike {
  name: string;
  key: string;
}

interface EntityRequest {
  id: string;
  name: string;
  signal: boolean;
  /** JSON text of the operation's input; undefined when there is none. */
  input: string | undefined;
  /** When the request reached the entity's queue (virtual clock). */
  enqueuedAt: Date;
  /** Called with the operation's outcome once its batch has run (orchestration calls wait on it). */
  onResult?: (outcome: EntityOperationOutcome) => void;
}

export type EntityOperationOutcome = { ok: true; resultText: string | undefined } | { ok: false; errorText: string };

interface EntityRecord {
  /** The id as first addressed: the library keeps the key's case, lowercases only the name. */
  id: EntityIdLike;
  exists: boolean;
  state: string | undefined;
  inbox: EntityRequest[];
  batchQueued: boolean;
  /** Operations run so far, for tests and the demo. */
  operations: number;
  lastOperationAt?: Date;
}

export interface EntityBatchRecord {
  entity: string;
  operations: string[];
  at: Date;
  failed?: string;
}

export interface EntityHost {
  readonly registry: FunctionRegistry;
  now(): Date;
  /** Asks the work queue to run this entity's next batch (ready work). */
  enqueueBatch(schedulerId: string): void;
  createContext(fn: RegisteredFunction): InvocationContext;
}

/** The library's EntityId.getSchedulerIdFromEntityId: names are case-insensitive, keys are not. */
export function schedulerIdOf(id: EntityIdLike): string {
  return `@${id.name.toLowerCase()}@${id.key}`;
}

/** The library's EntityId.getEntityIdFromSchedulerId: "@name@key" back to name and key. */
export function entityIdOf(schedulerId: string): EntityIdLike {
  const at = schedulerId.indexOf('@', 1);
  return { name: schedulerId.substring(1, at), key: schedulerId.substring(at + 1) };
}

function genericError(status: number, details: unknown): Error {
  return new Error(`The operation failed with an unexpected status code: ${status}. Details: ${JSON.stringify(details)}`);
}

function requireId(id: EntityIdLike): void {
  // The library's EntityId constructor throws the same for an empty name or key (Utils.throwIfEmpty).
  if (!id || typeof id.name !== 'string' || id.name === '') throw new Error('name: Expected non-empty string but got empty string');
  if (typeof id.key !== 'string' || id.key === '') throw new Error('key: Expected non-empty string but got empty string');
}

interface WireEntityResult {
  entityExists?: boolean;
  entityState?: string;
  results?: Array<{ isError: boolean; result?: string }>;
  signals?: Array<{ target: EntityIdLike; name: string; input?: string }>;
}

export class EntityStore {
  /** Every batch run, in order (entity, operations, failure). */
  readonly batches: EntityBatchRecord[] = [];
  private readonly entities = new Map<string, EntityRecord>();

  constructor(private readonly host: EntityHost) {}

  /** An entity function must be registered under the name (entity trigger), as the extension requires. */
  private entityFunction(name: string, registry: FunctionRegistry = this.host.registry): RegisteredFunction | undefined {
    const fn = registry.get(name);
    return fn && fn.trigger.type.toLowerCase() === 'entitytrigger' ? fn : undefined;
  }

  /** Queues one operation; `onResult` (orchestration calls) hears its outcome after its batch. */
  enqueue(id: EntityIdLike, operation: string, input: unknown, options: { signal: boolean; onResult?: EntityRequest['onResult'] }): void {
    requireId(id);
    if (!this.entityFunction(id.name)) {
      throw genericError(404, { Message: `No entity function named '${id.name}' was found.` });
    }
    const key = schedulerIdOf(id);
    let record = this.entities.get(key);
    if (!record) {
      record = {
        id: { name: id.name.toLowerCase(), key: id.key },
        exists: false,
        state: undefined,
        inbox: [],
        batchQueued: false,
        operations: 0,
      };
      this.entities.set(key, record);
    }
    record.inbox.push({
      id: randomUUID(),
      name: operation,
      signal: options.signal,
      // The client posts JSON.stringify(operationContent); undefined content posts nothing.
      input: input === undefined ? undefined : JSON.stringify(input),
      enqueuedAt: this.host.now(),
      ...(options.onResult ? { onResult: options.onResult } : {}),
    });
    if (!record.batchQueued) {
      record.batchQueued = true;
      this.host.enqueueBatch(key);
    }
  }

  /** What readEntityState answers: the stored state, parsed; requests still queued are not in it. */
  read(id: EntityIdLike): { entityExists: boolean; entityState?: unknown } {
    requireId(id);
    const record = this.entities.get(schedulerIdOf(id));
    if (!record?.exists) return { entityExists: false };
    return { entityExists: true, entityState: record.state === undefined ? undefined : JSON.parse(record.state) };
  }

  /** Every existing entity of one name (tests and the demo; the extension's entity query). */
  list(name: string): Array<{ key: string; state: unknown }> {
    const wanted = name.toLowerCase();
    return [...this.entities.values()]
      .filter((e) => e.id.name === wanted && e.exists)
      .map((e) => ({ key: e.id.key, state: e.state === undefined ? undefined : JSON.parse(e.state) }));
  }

  pendingOperations(): number {
    let n = 0;
    for (const e of this.entities.values()) n += e.inbox.length;
    return n;
  }

  /** Runs one batch: every request queued for this entity now, in order, through the real entity function (of `registry`'s worker). */
  async runBatch(schedulerId: string, registry: FunctionRegistry = this.host.registry): Promise<void> {
    const record = this.entities.get(schedulerId);
    if (!record) return;
    record.batchQueued = false;
    const batch = record.inbox.splice(0);
    if (batch.length === 0) return;
    const fn = this.entityFunction(record.id.name, registry);
    const at = this.host.now();
    const operations = batch.map((r) => r.name);
    if (!fn) {
      // The function went away between enqueue and run (a worker with other registrations): the requests fail.
      this.batches.push({ entity: schedulerId, operations, at, failed: 'no entity function registered' });
      for (const r of batch) r.onResult?.({ ok: false, errorText: `No entity function named '${record.id.name}'.` });
      return;
    }
    const binding = {
      self: { name: record.id.name, key: record.id.key },
      exists: record.exists,
      state: record.state,
      batch: batch.map((r) => ({ id: r.id, name: r.name, signal: r.signal, ...(r.input !== undefined ? { input: r.input } : {}) })),
    };
    let result: WireEntityResult;
    try {
      result = ((await fn.handler(binding, this.host.createContext(fn))) ?? {}) as WireEntityResult;
    } catch (err) {
      // The batch never completed: no state change is kept and every request of it fails.
      const message = err instanceof Error ? err.message : String(err);
      this.batches.push({ entity: schedulerId, operations, at, failed: message });
      for (const r of batch) r.onResult?.({ ok: false, errorText: JSON.stringify({ message }) });
      return;
    }
    record.exists = Boolean(result.entityExists);
    record.state = record.exists ? result.entityState : undefined;
    record.operations += batch.length;
    record.lastOperationAt = at;
    this.batches.push({ entity: schedulerId, operations, at });
    batch.forEach((r, i) => {
      const outcome = result.results?.[i];
      if (outcome?.isError) r.onResult?.({ ok: false, errorText: outcome.result ?? '{}' });
      else r.onResult?.({ ok: true, resultText: outcome?.result });
    });
    for (const s of result.signals ?? []) {
      this.enqueue(s.target, s.name, s.input === undefined || s.input === '' ? undefined : JSON.parse(s.input), { signal: true });
    }
  }
}
