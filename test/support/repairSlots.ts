/**
 * Watching the fleet-wide repair gate (the `repairSlots` entity) while the emulator runs: its state after every
 * entity batch (the only moments it can change), the most holders and waiters it ever had.
 */
import type { RepairSlotsState } from '../../src/domain/repairSlots';
import { REPAIR_SLOTS_ENTITY, REPAIR_SLOTS_KEY } from '../../src/domain/repairSlots';
import type { DurableHostEmulator } from '../../src/simulator/durable';

export function slotsOf(emulator: DurableHostEmulator): RepairSlotsState | undefined {
  const read = emulator.entities.read({ name: REPAIR_SLOTS_ENTITY, key: REPAIR_SLOTS_KEY });
  return read.entityExists ? (read.entityState as RepairSlotsState) : undefined;
}

/** The step a repair's published status says it is in (its custom status while it runs). */
export async function currentStepOf(emulator: DurableHostEmulator, id: string): Promise<string | null> {
  const status = await emulator.client.getStatus(id);
  return (status.customStatus as { currentStep?: string | null } | undefined)?.currentStep ?? null;
}

export interface SlotWatch {
  peakHolders: number;
  peakWaiters: number;
  steps: number;
  /** How many batches of the gate ran while watched. */
  batches: number;
}

/** Steps until idle (or `until` is true), reading the gate after each of its batches. */
export async function runWatchingSlots(
  emulator: DurableHostEmulator,
  options: { maxSteps?: number; advanceClock?: boolean; until?: () => boolean | Promise<boolean> } = {},
): Promise<SlotWatch> {
  const watch: SlotWatch = { peakHolders: 0, peakWaiters: 0, steps: 0, batches: 0 };
  let seen = emulator.entities.batches.length;
  const maxSteps = options.maxSteps ?? 100_000;
  while (watch.steps < maxSteps) {
    if (await options.until?.()) return watch;
    if (!(await emulator.step({ advanceClock: options.advanceClock }))) return watch;
    watch.steps += 1;
    if (emulator.entities.batches.length === seen) continue;
    watch.batches += emulator.entities.batches.length - seen;
    seen = emulator.entities.batches.length;
    const state = slotsOf(emulator);
    if (!state) continue;
    watch.peakHolders = Math.max(watch.peakHolders, Object.keys(state.holders).length);
    watch.peakWaiters = Math.max(watch.peakWaiters, state.waiters.length);
  }
  throw new Error(`the emulator was still busy after ${maxSteps} steps`);
}
