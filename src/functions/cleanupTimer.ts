/** The hourly cleanup sweeper (timer trigger). Thin: the sweep lives in src/api/cleanupSweep.ts. */
import { app } from '@azure/functions';
import * as df from 'durable-functions';
import type { ApiDependencies } from '../api/apiDependencies';
import { sweepLeftovers } from '../api/cleanupSweep';

export const CLEANUP_SWEEP_FUNCTION = 'sweepRepairLeftovers';

export function registerCleanupTimer(deps: ApiDependencies): void {
  app.timer(CLEANUP_SWEEP_FUNCTION, {
    // Every hour at minute 17 (NCRONTAB with seconds, as the Functions host reads it).
    schedule: '0 17 * * * *',
    extraInputs: [df.input.durableClient()],
    handler: (_timer, context) => sweepLeftovers(context, deps),
  });
}
