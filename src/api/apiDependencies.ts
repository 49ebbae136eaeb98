/**
 * What the HTTP and Event Grid handlers need from outside, passed in by the composition root (src/functions/app.ts
 * in the Functions host, the simulated app in tests and the demo) instead of module-level setters.
 */
import type { InvocationContext } from '@azure/functions';
import type { RepairClient } from './repairClient';

export interface ApiDependencies {
  /** The app settings, read when a request arrives (process.env in the Functions host). */
  env(): Record<string, string | undefined>;
  /** The clock alert cooldowns are judged by; it must be comparable with the durable instances' timestamps. */
  now(): Date;
  /** The durable client for this invocation. */
  client(context: InvocationContext): RepairClient;
}
