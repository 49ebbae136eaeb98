/**
 * The fleet-wide repair gate's vocabulary: one Durable Entity (`repairSlots@fleet`) holds who has a repair slot
 * and who waits for one, so MAX_CONCURRENT_REPAIRS holds across every instance of a scaled-out app (an entity
 * runs one operation at a time, whichever worker runs it). The transitions are the pure functions of
 * orchestration/decisions/repairSlots.ts; the entity function (src/functions/repairSlots.ts) only applies them.
 */

export const REPAIR_SLOTS_ENTITY = 'repairSlots';
/** One gate for the whole task hub: the limit is fleet-wide, not per subscription or resource group. */
export const REPAIR_SLOTS_KEY = 'fleet';

/** The external event that tells a waiting repair its slot is reserved (a hint: the repair asks the entity again). */
export const REPAIR_SLOT_GRANTED_EVENT = 'RepairSlotGranted';

/** The activity that raises REPAIR_SLOT_GRANTED_EVENT on the repairs a release granted a slot to. */
export const NOTIFY_REPAIR_SLOT_GRANTED = 'notifyRepairSlotGranted';

/** Operator-started repairs wait ahead of alert-started ones: someone is watching them. */
export type SlotPriority = 'operator' | 'alert';

export interface SlotHolder {
  /** When the slot was given (granted at once, or reserved for a waiter at a release). */
  acquiredAt: string;
  /** False while a slot reserved for a waiter has not been claimed by it yet (the sweeper reminds it). */
  claimed: boolean;
}

export interface SlotWaiter {
  repairId: string;
  queuedAt: string;
  priority: SlotPriority;
}

export interface RepairSlotsState {
  holders: Record<string, SlotHolder>;
  /** FIFO within a priority; operator waiters come first. */
  waiters: SlotWaiter[];
  /** MAX_CONCURRENT_REPAIRS as the last acquire carried it (a release promotes waiters up to it). */
  max: number;
}

/** `at`: the caller's clock (an orchestration's replay-safe time); an entity has no clock of its own. */
export interface AcquireSlotInput {
  repairId: string;
  max: number;
  priority: SlotPriority;
  at: string;
}

export type AcquireSlotAnswer =
  | { kind: 'granted'; holders: number; max: number }
  /** position is 1-based among the waiters. */
  | { kind: 'queued'; position: number; waiting: number; holders: number; max: number };

export interface ReleaseSlotInput {
  repairId: string;
  at: string;
  /**
   * The sweeper's releases: only the slot given (or the place queued) at this instant. A repair of the same VM
   * started again meanwhile reuses the instance id, and must not lose the slot or the place it got since.
   */
  onlyIfSince?: string;
}

export interface ReleaseSlotAnswer {
  /** Waiters a slot is now reserved for, in order: each is to be told with REPAIR_SLOT_GRANTED_EVENT. */
  granted: string[];
}

export interface NotifySlotGrantedInput {
  repairIds: string[];
}

export interface NotifySlotGrantedResult {
  notified: string[];
  /** Repairs that no longer run (nothing to tell; the sweeper frees their slots). */
  gone: string[];
}

export const REPAIR_SLOT_OPERATIONS = { acquire: 'acquire', release: 'release' } as const;
