/**
 * What the watch needs from outside, passed in by the composition root (src/functions/app.ts in the Functions
 * host, the simulated app in tests and the demo).
 */
import type { InvocationContext } from '@azure/functions';
import type { WatchEventSink } from './watchRound';
import type { WatchClient } from './watchStore';

export interface WatchDependencies {
  /** The durable client's entity operations for this invocation (df.getClient in the Functions host). */
  client(context: InvocationContext): WatchClient;
  /** A sender to the topic at this endpoint (EventGridPublisherClient with the managed identity in production). */
  sinkFor(endpoint: string): WatchEventSink;
  /** Real elapsed milliseconds (performance.now): the round's budget is real time, as probes take real time. */
  monotonicMs(): number;
}
