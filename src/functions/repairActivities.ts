/** Registers every repair activity from the contracts map; each runs against the dependencies the composition root built. */
import * as df from 'durable-functions';
import { ACTIVITY_NAMES, runActivity } from '../activities';
import { getActivityDeps } from '../activities/deps';

for (const name of ACTIVITY_NAMES) {
  df.app.activity(name, { handler: (input: unknown) => runActivity(name, input as never, getActivityDeps()) });
}
