/**
 * The composition root: the one module the Functions host loads (package.json `main`). It builds the production
 * dependencies once and registers every function with them; nothing else in the app reads the environment, a
 * clock or a client from a module-level setter.
 */
import * as df from 'durable-functions';
import { productionActivityDeps } from '../activities/deps';
import { productionTelemetry } from '../telemetry/azureMonitorTelemetry';
import { registerApp } from './registerApp';

registerApp({
  api: {
    env: () => process.env,
    now: () => new Date(),
    client: (context) => df.getClient(context),
  },
  activities: productionActivityDeps(),
  telemetry: productionTelemetry(process.env),
});
