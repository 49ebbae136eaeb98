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
import { openNsgPort } from '../activities/openNsgPort';
import { readVmPower } from '../activities/readVmPower';
import { restartVm } from '../activities/restartVm';
import { deleteGuestScriptActivity, readGuestScriptActivity, startGuestScriptActivity } from '../activities/guestScript';
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
df.app.activity(Activities.openNsgPort, { handler: bind(openNsgPort) });
df.app.activity(Activities.restartVm, { handler: bind(restartVm) });
df.app.activity(Activities.readVmPower, { handler: bind(readVmPower) });
df.app.activity(Activities.startGuestScript, { handler: bind(startGuestScriptActivity) });
df.app.activity(Activities.readGuestScript, { handler: bind(readGuestScriptActivity) });
df.app.activity(Activities.deleteGuestScript, { handler: bind(deleteGuestScriptActivity) });
