/**
 * Long-running operations, the two ways this app uses them.
 *
 * 1. START and return (`startLro`): for operations that take minutes (snapshot background copy, restart, start,
 *    deallocate, disk copy). Calling an SDK method such as `compute.snapshots.createOrUpdate(...)` sends the
 *    initial PUT/POST right away and returns a poller; `startLro` waits only for that initial response (ARM's
 *    201/202 with `Azure-AsyncOperation`/`Location`) and returns a resume token. The activity then ends; the
 *    orchestrator waits on a durable timer and a later activity checks progress, either by reading the resource
 *    (snapshot `provisioningState`/`completionPercent`, VM power state and agent status), or by restoring the
 *    poller from the token with the SDK's own `restorePoller(client, token, sourceOperation)` and calling
 *    `pollLroOnce`. No activity ever sleeps through a long operation.
 *
 * 2. AWAIT a short one (`awaitShortLro`): for operations that reliably finish in seconds (NSG rule write,
 *    effective NSG query, OS disk swap). Polls at `ArmClients.lroPollIntervalMs` (what the SDK calls
 *    `updateIntervalInMs`) and gives up after `maxPolls`, so a stuck operation fails the activity in bounded
 *    time instead of holding a Consumption-plan worker until it is killed.
 *
 * Every failure leaves here as an AzureOperationError (see errors.ts).
 */
import { AzureOperationError, classifyAzureError } from './errors';

/** The part of core-lro's `PollerLike` this module relies on (the SDK's pollers satisfy it). */
export interface LroPoller<TResult> {
  readonly isDone: boolean;
  readonly result: TResult | undefined;
  readonly operationState: { status: string; error?: Error } | undefined;
  submitted(): Promise<void>;
  poll(options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<TResult>;
  serialize(): Promise<string>;
}

export interface LroContext {
  /** What we are doing, for error messages ("restart VM"). */
  operation: string;
  resourceId?: string;
}

export type LroStatus = 'notStarted' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface StartedLro {
  status: LroStatus;
  /** Serialized poller state: store it in the orchestration and hand it to `restorePoller` later. */
  resumeToken: string;
}

/**
 * Waits for the initial response only. A request ARM rejects outright (400/403/404/409) throws here; an
 * operation that was accepted returns with status `running` (or `succeeded` if ARM finished it synchronously).
 */
export async function startLro<T>(poller: LroPoller<T>, context: LroContext): Promise<StartedLro> {
  try {
    await poller.submitted();
  } catch (err) {
    throw classifyAzureError(err, context.operation, context.resourceId);
  }
  const status = statusOf(poller);
  if (status === 'failed') {
    throw classifyAzureError(poller.operationState?.error, context.operation, context.resourceId);
  }
  return { status, resumeToken: await poller.serialize() };
}

export interface PolledLro<T> {
  status: LroStatus;
  /** Present once the operation succeeded (undefined for operations without a result body). */
  result?: T;
}

/**
 * One status check of a started operation, typically on a poller restored from `StartedLro.resumeToken`.
 * Throws AzureOperationError when the operation ended Failed.
 */
export async function pollLroOnce<T>(poller: LroPoller<T>, context: LroContext): Promise<PolledLro<T>> {
  try {
    await poller.submitted();
    if (!poller.isDone) await poller.poll();
  } catch (err) {
    throw classifyAzureError(err, context.operation, context.resourceId);
  }
  const status = statusOf(poller);
  if (status === 'failed') {
    throw classifyAzureError(poller.operationState?.error, context.operation, context.resourceId);
  }
  return status === 'succeeded' ? { status, result: poller.result as T } : { status };
}

export interface ShortLroOptions extends LroContext {
  /** Delay between polls; use `ArmClients.lroPollIntervalMs`. */
  pollIntervalMs: number;
  /** Give up after this many status polls (default 60: two minutes at the SDK's 2 s interval). */
  maxPolls?: number;
}

export const DEFAULT_MAX_SHORT_LRO_POLLS = 60;

/** Awaits an operation expected to finish in seconds, with a bounded number of polls. */
export async function awaitShortLro<T>(poller: LroPoller<T>, options: ShortLroOptions): Promise<T> {
  const maxPolls = options.maxPolls ?? DEFAULT_MAX_SHORT_LRO_POLLS;
  let polls = 0;
  try {
    await poller.submitted();
    while (!poller.isDone) {
      if (polls >= maxPolls) {
        throw new AzureOperationError(
          `${options.operation}${options.resourceId ? ` on ${options.resourceId}` : ''} was still running after ` +
            `${polls} polls; it is expected to take seconds. Check the resource in the portal or activity log.`,
          'LongRunningOperationStillRunning',
          undefined,
          'transient',
          options.operation,
          options.resourceId,
          { message: `still running after ${polls} polls at ${options.pollIntervalMs} ms` },
        );
      }
      if (polls > 0) await delay(options.pollIntervalMs);
      await poller.poll();
      polls += 1;
    }
    // Settles the result (or rethrows the operation's failure) exactly as the SDK would.
    return await poller.pollUntilDone();
  } catch (err) {
    throw classifyAzureError(err, options.operation, options.resourceId);
  }
}

function statusOf(poller: LroPoller<unknown>): LroStatus {
  const status = poller.operationState?.status;
  switch (status) {
    case 'notStarted':
    case 'running':
    case 'succeeded':
    case 'failed':
    case 'canceled':
      return status;
    default:
      return 'running';
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
