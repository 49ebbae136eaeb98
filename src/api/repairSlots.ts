/**
 * The fleet-wide repair gate's I/O: the `repairSlots` entity's operations (state in, state out, through the pure
 * transitions of orchestration/decisions/repairSlots.ts), the notification of waiters a slot went to, and the
 * stale-slot sweep (timer releaseStaleRepairSlots) that makes the gate crash-safe: a repair that ended without
 * giving its slot back (terminated, failed by a bug, its worker gone for good) must not hold it for ever.
 */
import type * as df from 'durable-functions';
import { EntityId } from 'durable-functions';
import {
  type AcquireSlotInput,
  type NotifySlotGrantedInput,
  type NotifySlotGrantedResult,
  REPAIR_SLOT_GRANTED_EVENT,
  REPAIR_SLOT_OPERATIONS,
  REPAIR_SLOTS_ENTITY,
  REPAIR_SLOTS_KEY,
  type ReleaseSlotInput,
  type RepairSlotsState,
} from '../domain/repairSlots';
import { acquireSlot, normalizedSlots, releaseSlot, slotsToCheck, unclaimedHolders } from '../orchestration/decisions/repairSlots';
import { isUnknownInstanceError, type RepairClient } from './repairClient';

export function repairSlotsEntityId(): df.EntityId {
  return new EntityId(REPAIR_SLOTS_ENTITY, REPAIR_SLOTS_KEY);
}

/** The entity function: one operation at a time (the extension never runs two on one entity at once). */
export function repairSlotsEntity(context: df.EntityContext<RepairSlotsState>): void {
  const state = normalizedSlots(context.df.getState());
  switch (context.df.operationName) {
    case REPAIR_SLOT_OPERATIONS.acquire: {
      const input = context.df.getInput<AcquireSlotInput>() as AcquireSlotInput;
      const next = acquireSlot(state, input, input.at);
      context.df.setState(next.state);
      context.df.return(next.answer);
      return;
    }
    case REPAIR_SLOT_OPERATIONS.release: {
      const input = context.df.getInput<ReleaseSlotInput>() as ReleaseSlotInput;
      const next = releaseSlot(state, input, input.at);
      context.df.setState(next.state);
      context.df.return(next.answer);
      return;
    }
    default:
      throw new Error(`The repairSlots entity has no operation '${String(context.df.operationName)}'.`);
  }
}

/** DurableClient.raiseEvent rejects like this for an instance the task hub does not know (HTTP 404). */
function isNoSuchInstance(err: unknown): boolean {
  return err instanceof Error && /No instance with ID/i.test(err.message);
}

/** Raises RepairSlotGranted on each repair; one that is gone is reported, not retried (nothing waits there). */
export async function notifySlotGranted(
  client: Pick<RepairClient, 'raiseEvent'>,
  input: NotifySlotGrantedInput,
  at: Date,
): Promise<NotifySlotGrantedResult> {
  const result: NotifySlotGrantedResult = { notified: [], gone: [] };
  for (const repairId of input.repairIds) {
    try {
      await client.raiseEvent(repairId, REPAIR_SLOT_GRANTED_EVENT, { grantedAt: at.toISOString() });
      result.notified.push(repairId);
    } catch (err) {
      if (!isNoSuchInstance(err)) throw err;
      result.gone.push(repairId);
    }
  }
  return result;
}

const TERMINAL = new Set(['Completed', 'Failed', 'Terminated']);

export interface SlotSweepSummary {
  checked: number;
  /** Holders and waiters whose repair ended (or is unknown), released. */
  released: Array<{ repairId: string; runtimeStatus: string }>;
  /** Waiters told their slot is reserved: those the releases grant, and reserved slots not claimed yet. */
  reminded: string[];
}

async function runtimeStatusOf(client: RepairClient, repairId: string): Promise<string> {
  try {
    return String((await client.getStatus(repairId, { showInput: false }))?.runtimeStatus ?? 'Unknown');
  } catch (err) {
    if (isUnknownInstanceError(err)) return 'Unknown';
    throw err;
  }
}

/**
 * Reads the gate, asks the durable client about every holder and the waiters next in line (the ones a release
 * would grant; a dead waiter further back is found when it gets near the front), releases those that ended, and
 * tells the waiters the slots go to. Which waiters that is, is worked out from the state read here: the entity
 * applies the same transitions when the releases arrive, and if the state moved meanwhile a waiter that was told
 * in vain only asks and waits again, while one that was missed is reminded next time (its slot stays reserved).
 */
export async function releaseStaleRepairSlots(client: RepairClient, now: Date): Promise<SlotSweepSummary> {
  const read = await client.readEntityState<RepairSlotsState>(repairSlotsEntityId());
  if (!read.entityExists) return { checked: 0, released: [], reminded: [] };
  const state = normalizedSlots(read.entityState);
  const at = now.toISOString();
  const candidates = slotsToCheck(state);
  const stale: Array<{ repairId: string; since: string; runtimeStatus: string; holder: boolean }> = [];
  for (const { repairId, since } of candidates) {
    const runtimeStatus = await runtimeStatusOf(client, repairId);
    if (TERMINAL.has(runtimeStatus) || runtimeStatus === 'Unknown')
      stale.push({ repairId, since, runtimeStatus, holder: repairId in state.holders });
  }
  // Dead waiters leave the queue first, so a slot freed next goes to a live one (not to a dead waiter for 5 minutes).
  stale.sort((a, b) => Number(a.holder) - Number(b.holder));
  const released: SlotSweepSummary['released'] = [];
  let predicted = state;
  const granted: string[] = [];
  for (const { repairId, since, runtimeStatus } of stale) {
    const release: ReleaseSlotInput = { repairId, at, onlyIfSince: since };
    await client.signalEntity(repairSlotsEntityId(), REPAIR_SLOT_OPERATIONS.release, release);
    released.push({ repairId, runtimeStatus });
    const next = releaseSlot(predicted, release, at);
    predicted = next.state;
    granted.push(...next.answer.granted);
  }
  const releasedIds = new Set(released.map((r) => r.repairId));
  const reminded = [...new Set([...granted, ...unclaimedHolders(state).filter((id) => !releasedIds.has(id))])];
  if (reminded.length > 0) await notifySlotGranted(client, { repairIds: reminded }, now);
  return { checked: candidates.length, released, reminded };
}
