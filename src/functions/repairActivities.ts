/** Registers every repair activity from the contracts map; each runs against the dependencies it is given. */
import * as df from 'durable-functions';
import { ACTIVITY_NAMES, runActivity } from '../activities';
import type { ActivityDeps } from '../activities/deps';

export function registerRepairActivities(deps: ActivityDeps): void {
  for (const name of ACTIVITY_NAMES) {
    df.app.activity(name, { handler: (input: unknown) => runActivity(name, input as never, deps) });
  }
}
