/**
 * The watch's state in Durable Entities, in the task hub the app already has: one `watchVm` entity per VM and
 * one `watchRound` entity with the last round's summary. Writes are signals (one-way, queued in the task hub and
 * applied in order by the entity); reads take the stored state. Timer triggers run as a singleton across
 * instances (the host holds a lease per timer function), so no two rounds read and write the same VM at once.
 */
import * as df from 'durable-functions';
import {
  WATCH_ROUND_ENTITY,
  WATCH_ROUND_KEY,
  WATCH_VM_ENTITY,
  type WatchRoundSummary,
  type WatchVmState,
  watchEntityKey,
} from './watchState';
import type { WatchStore } from './watchRound';

/** The part of the durable client the watch uses. */
export type WatchClient = Pick<df.DurableClient, 'signalEntity' | 'readEntityState'>;

export const RECORD_OPERATION = 'record';

export function entityWatchStore(client: WatchClient): WatchStore {
  return {
    async read(vmResourceId) {
      const r = await client.readEntityState<WatchVmState>(new df.EntityId(WATCH_VM_ENTITY, watchEntityKey(vmResourceId)));
      return r.entityExists && r.entityState ? r.entityState : null;
    },
    write: (state) => client.signalEntity(new df.EntityId(WATCH_VM_ENTITY, watchEntityKey(state.vmResourceId)), RECORD_OPERATION, state),
    writeRound: (summary) => client.signalEntity(new df.EntityId(WATCH_ROUND_ENTITY, WATCH_ROUND_KEY), RECORD_OPERATION, summary),
  };
}

export async function readRoundSummary(client: WatchClient): Promise<WatchRoundSummary | null> {
  const r = await client.readEntityState<WatchRoundSummary>(new df.EntityId(WATCH_ROUND_ENTITY, WATCH_ROUND_KEY));
  return r.entityExists && r.entityState ? r.entityState : null;
}

/**
 * The entity functions' one body: `record` keeps the input as the state, `forget` deletes the entity. Anything
 * else is refused (thrown), so a mistyped operation is an error in the entity's result, not a silent no-op.
 */
export function recordingEntity(context: df.EntityContext<unknown>): void {
  switch (context.df.operationName) {
    case RECORD_OPERATION:
      context.df.setState(context.df.getInput());
      return;
    case 'forget':
      context.df.destructOnExit();
      return;
    default:
      throw new Error(`Entity ${context.df.entityName} has no operation '${context.df.operationName}'.`);
  }
}
