/** GET /api/retained and the retention timer. Thin: the work lives in src/api/retainedApi.ts and src/retention/. */
import { app, type InvocationContext, type Timer } from '@azure/functions';
import * as df from 'durable-functions';
import { withErrorBoundary } from '../api/httpResponses';
import { getRetained, retentionConfig } from '../api/retainedApi';
import { sweepRetained } from '../retention/retentionSweep';
import type { AppDependencies } from './registerApp';

/** Daily at 03:17 UTC: retention counts in days, and off the hour is off the busy minute of shared schedulers. */
export const RETENTION_SCHEDULE = '0 17 3 * * *';

export function registerRetention(deps: AppDependencies): void {
  const retainedDeps = { api: deps.api, arm: deps.activities.arm, telemetry: deps.telemetry };
  app.http('getRetained', {
    route: 'retained',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => getRetained(request, context, retainedDeps)),
  });

  app.timer('retentionSweep', {
    schedule: RETENTION_SCHEDULE,
    extraInputs: [df.input.durableClient()],
    handler: async (_timer: Timer, context: InvocationContext) => {
      const loaded = retentionConfig(deps.api.env());
      // A bad setting deletes nothing and says which one; the next run tries again.
      if (!loaded.ok) {
        context.error(`retention: not run, the app is misconfigured: ${loaded.error.message}`);
        return;
      }
      try {
        await sweepRetained(loaded.config, {
          arm: deps.activities.arm,
          client: deps.api.client(context),
          telemetry: deps.telemetry,
          now: () => deps.api.now(),
          log: (line) => context.log(line),
        });
      } catch (err) {
        // Listing failed (permissions, throttling): nothing was deleted; the next run tries again.
        context.error(`retention: not run, ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  });
}
