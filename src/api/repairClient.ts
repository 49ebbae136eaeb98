/**
 * The part of the durable client the API uses. In the Functions host it is df.getClient(context); the simulator
 * (tests, demo) passes its durable host emulator's client through ApiDependencies.
 */
import type * as df from 'durable-functions';

// signalEntity / readEntityState: the repair-slot sweeper (the `repairSlots` entity behind MAX_CONCURRENT_REPAIRS).
export type RepairClient = Pick<
  df.DurableClient,
  'startNew' | 'getStatus' | 'getStatusBy' | 'raiseEvent' | 'terminate' | 'signalEntity' | 'readEntityState'
>;

/** durable-functions' getStatus rejects with a plain Error for an unknown instance (HTTP 404 from the extension). */
export function isUnknownInstanceError(err: unknown): boolean {
  return err instanceof Error && /HTTP 404|could not find any data/i.test(err.message);
}
