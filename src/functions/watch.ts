/**
 * The watch (issue 16): the timer that probes the opted-in VMs, the entities that remember them, and
 * GET /api/watch. Thin: the round lives in src/watch/watchRound.ts, the listing in src/api/watchApi.ts.
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { ActivityDeps } from '../activities/deps';
import { receiveEventGridEvent } from '../api/alertApi';
import type { ApiDependencies } from '../api/apiDependencies';
import { withErrorBoundary } from '../api/httpResponses';
import { getWatch } from '../api/watchApi';
import { DEFAULT_WATCH_SCHEDULE, readWatchConfig, readWatchSchedule } from '../domain/watchConfig';
import type { Telemetry } from '../domain/telemetry';
import type { WatchDependencies } from '../watch/watchDependencies';
import type { WatchEvent } from '../watch/watchEvents';
import { runWatchRound } from '../watch/watchRound';
import { entityWatchStore, recordingEntity } from '../watch/watchStore';
import { watchRoundTelemetry } from '../watch/watchTelemetry';
import { WATCH_ROUND_ENTITY, WATCH_VM_ENTITY } from '../watch/watchState';

export const WATCH_TIMER = 'watchRdp';

export interface WatchRegistrationDeps {
  api: ApiDependencies;
  activities: ActivityDeps;
  watch: WatchDependencies;
  telemetry: Telemetry;
}

/** The schedule the host reads when it loads the app; a bad WATCH_SCHEDULE keeps the default and each round says so. */
function scheduleOrDefault(env: Record<string, string | undefined>): { schedule: string; error?: string } {
  try {
    return { schedule: readWatchSchedule(env) };
  } catch (err) {
    return { schedule: DEFAULT_WATCH_SCHEDULE, error: err instanceof Error ? err.message : String(err) };
  }
}

export function registerWatch(deps: WatchRegistrationDeps): void {
  const { schedule, error: scheduleError } = scheduleOrDefault(deps.api.env());
  app.timer(WATCH_TIMER, {
    schedule,
    extraInputs: [df.input.durableClient()],
    handler: async (_timer, context) => {
      if (scheduleError) {
        context.warn(`WatchRound misconfigured setting=WATCH_SCHEDULE | ${scheduleError}. Nothing was checked.`);
        return;
      }
      await watchRound(context, deps);
    },
  });
  df.app.entity(WATCH_VM_ENTITY, recordingEntity);
  df.app.entity(WATCH_ROUND_ENTITY, recordingEntity);
  app.http('getWatch', {
    route: 'watch',
    methods: ['GET'],
    authLevel: 'function',
    extraInputs: [df.input.durableClient()],
    handler: withErrorBoundary((request, context) => getWatch(request, context, deps)),
  });
}

async function watchRound(context: InvocationContext, deps: WatchRegistrationDeps): Promise<void> {
  const env = deps.api.env();
  const endpoint = (() => {
    try {
      return readWatchConfig(env).topicEndpoint;
    } catch {
      return null; // runWatchRound reports the bad setting itself
    }
  })();
  const result = await runWatchRound({
    env,
    activities: deps.activities,
    store: entityWatchStore(deps.watch.client(context)),
    sink: endpoint ? deps.watch.sinkFor(endpoint) : null,
    startDirect: async (event: WatchEvent) => {
      const decisions = await receiveEventGridEvent(JSON.parse(JSON.stringify(event)), context, deps.api);
      return decisions.map((d) => (d.decision === 'started' ? `started ${d.repairId}` : `${d.decision} (${d.reason})`)).join(', ');
    },
    now: deps.api.now,
    monotonicMs: deps.watch.monotonicMs,
    log: (line) => context.log(line),
    warn: (line) => context.warn(line),
  });
  if (result.kind === 'disabled') context.log('WatchRound disabled | WATCH_ENABLED is not true: nothing was checked.');
  if (result.kind === 'ran') {
    const { event, metrics } = watchRoundTelemetry(result.summary);
    deps.telemetry.event(event);
    for (const m of metrics) deps.telemetry.metric(m);
  }
}
