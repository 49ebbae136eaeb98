/**
 * The part of the durable client the API uses. In the Functions host it is df.getClient(context); the
 * simulator (tests, demo) substitutes its durable host emulator's client.
 */
import * as df from 'durable-functions';
import { InvocationContext } from '@azure/functions';

// getStatusBy: the alert intake counts active repairs (MAX_CONCURRENT_REPAIRS) with a runtimeStatus filter.
export type RepairClient = Pick<df.DurableClient, 'startNew' | 'getStatus' | 'getStatusBy' | 'raiseEvent' | 'terminate'>;

export type RepairClientProvider = (context: InvocationContext) => RepairClient;

let provider: RepairClientProvider = (context) => df.getClient(context);

export function getRepairClient(context: InvocationContext): RepairClient {
  return provider(context);
}

/** For the simulator only. */
export function setRepairClientProvider(next: RepairClientProvider | undefined): void {
  provider = next ?? ((context) => df.getClient(context));
}

/** durable-functions' getStatus rejects with a plain Error for an unknown instance (HTTP 404 from the extension). */
export function isUnknownInstanceError(err: unknown): boolean {
  return err instanceof Error && /HTTP 404|could not find any data/i.test(err.message);
}
