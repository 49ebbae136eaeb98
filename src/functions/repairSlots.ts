/**
 * The fleet-wide repair gate (MAX_CONCURRENT_REPAIRS): the `repairSlots` entity, the activity that tells waiting
 * repairs a slot is theirs (it needs a durable client, so it is registered here with one rather than with the
 * Azure-facing activities), and the stale-slot sweeper. Thin: the logic lives in src/api/repairSlots.ts.
 */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { ApiDependencies } from '../api/apiDependencies';
import { notifySlotGranted, releaseStaleRepairSlots, repairSlotsEntity } from '../api/repairSlots';
import { NOTIFY_REPAIR_SLOT_GRANTED, type NotifySlotGrantedInput, REPAIR_SLOTS_ENTITY } from '../domain/repairSlots';

export const REPAIR_SLOT_SWEEP_FUNCTION = 'releaseStaleRepairSlots';

export function registerRepairSlots(deps: ApiDependencies): void {
  df.app.entity(REPAIR_SLOTS_ENTITY, repairSlotsEntity);
  df.app.activity(NOTIFY_REPAIR_SLOT_GRANTED, {
    extraInputs: [df.input.durableClient()],
    handler: (input: unknown, context) => notifySlotGranted(deps.client(context), input as NotifySlotGrantedInput, deps.now()),
  });
  app.timer(REPAIR_SLOT_SWEEP_FUNCTION, {
    // Every 5 minutes (NCRONTAB with seconds): a slot left by a repair that ended is free again within that.
    schedule: '0 */5 * * * *',
    extraInputs: [df.input.durableClient()],
    handler: async (_timer, context) => {
      const summary = await releaseStaleRepairSlots(deps.client(context), deps.now());
      if (summary.released.length > 0 || summary.reminded.length > 0) {
        context.log(
          `RepairSlotSweep checked=${summary.checked} released=${summary.released.length} reminded=${summary.reminded.length} | ` +
            `${summary.released.map((r) => `${r.repairId} (${r.runtimeStatus})`).join(', ') || 'none released'}`,
        );
      }
    },
  });
}
