/**
 * The composition root: the one module the Functions host loads (package.json `main`). It builds the production
 * dependencies once and registers every function with them; nothing else in the app reads the environment, a
 * clock or a client from a module-level setter.
 */
import * as df from 'durable-functions';
import { performance } from 'node:perf_hooks';
import { productionActivityDeps } from '../activities/deps';
import { productionWatchSinks } from '../watch/watchPublisher';
import { productionTelemetry } from '../telemetry/azureMonitorTelemetry';
import { registerApp } from './registerApp';

registerApp({
  api: {
    env: () => process.env,
    now: () => new Date(),
    client: (context) => df.getClient(context),
  },
  activities: productionActivityDeps(),
  watch: {
    client: (context) => df.getClient(context),
    sinkFor: productionWatchSinks(),
    monotonicMs: () => performance.now(),
  },
  telemetry: productionTelemetry(process.env),
});
