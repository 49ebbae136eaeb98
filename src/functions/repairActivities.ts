/** Registers the repair activities; each binds its implementation to the injected dependencies. */
import * as df from 'durable-functions';
import { ActivityHandler } from 'durable-functions';
import { getActivityDeps } from '../activities/deps';
import { getSnapshotState } from '../activities/getSnapshotState';
import { probeRdpActivity } from '../activities/probeRdp';
import { readVm } from '../activities/readVm';
import { readVmNetwork } from '../activities/readVmNetwork';
import { restrictNsgRule } from '../activities/restrictNsgRule';
import { startOsDiskSnapshot } from '../activities/startOsDiskSnapshot';
import { Activities } from '../orchestration/names';

function bind<I, O>(run: (input: I, deps: ReturnType<typeof getActivityDeps>) => Promise<O>): ActivityHandler {
  return (input: unknown) => run(input as I, getActivityDeps());
}

df.app.activity(Activities.readVm, { handler: bind(readVm) });
df.app.activity(Activities.readVmNetwork, { handler: bind(readVmNetwork) });
df.app.activity(Activities.probeRdp, { handler: bind(probeRdpActivity) });
df.app.activity(Activities.startOsDiskSnapshot, { handler: bind(startOsDiskSnapshot) });
df.app.activity(Activities.getSnapshotState, { handler: bind(getSnapshotState) });
df.app.activity(Activities.restrictNsgRule, { handler: bind(restrictNsgRule) });
