/**
 * Every activity implementation, keyed by the names in the activity contracts, and the one wrapper that
 * decides what an activity's failure means to the orchestrator.
 */
import { classifyAzureError } from '../azure/errors';
import { ACTIVITY_NAMES, type ActivityInput, type ActivityName, type ActivityOutput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { copyOsDisk, readDisk } from './copyOsDisk';
import { createRescueVm } from './createRescueVm';
import { attachDataDisk, detachDataDisk } from './dataDisks';
import { getSnapshotState } from './getSnapshotState';
import { deleteGuestScriptActivity, readGuestScriptActivity, startGuestScriptActivity, sweepGuestScriptsActivity } from './guestScript';
import { openNsgPort } from './openNsgPort';
import { probeRdpActivity } from './probeRdp';
import { readBootDiagnostics } from './readBootDiagnostics';
import { readOsDiskTraits } from './readOsDiskTraits';
import { readRescueVm } from './readRescueVm';
import { deleteRepairResource, listRepairResources } from './repairResources';
import { readRescueVmOptions } from './rescueVmOptions';
import { readVm } from './readVm';
import { readVmNetwork } from './readVmNetwork';
import { readVmPower } from './readVmPower';
import { restartVm } from './restartVm';
import { restrictNsgRule } from './restrictNsgRule';
import { serialConsoleRestoreAgent } from './serialConsoleRestoreAgent';
import { startOsDiskSnapshot } from './startOsDiskSnapshot';
import { swapOsDisk } from './swapOsDisk';
import { tagDisk } from './tagDisk';
import { deallocateVm, startVm } from './vmPower';

export type ActivityImplementation<N extends ActivityName> = (
  input: ActivityInput<N>,
  deps: ActivityDeps,
) => Promise<ActivityResult<ActivityOutput<N>>>;

export type ActivityImplementations = { [N in ActivityName]: ActivityImplementation<N> };

export const activityImplementations: ActivityImplementations = {
  readVm,
  readVmNetwork,
  probeRdp: probeRdpActivity,
  startOsDiskSnapshot,
  getSnapshotState,
  restrictNsgRule,
  openNsgPort,
  restartVm,
  readVmPower,
  startGuestScript: startGuestScriptActivity,
  readGuestScript: readGuestScriptActivity,
  deleteGuestScript: deleteGuestScriptActivity,
  sweepGuestScripts: sweepGuestScriptsActivity,
  readOsDiskTraits,
  readRescueVm,
  deallocateVm,
  startVm,
  copyOsDisk,
  readDisk,
  attachDataDisk,
  detachDataDisk,
  swapOsDisk,
  readBootDiagnostics,
  tagDisk,
  readRescueVmOptions,
  createRescueVm,
  listRepairResources,
  deleteRepairResource,
  serialConsoleRestoreAgent,
};

export { ACTIVITY_NAMES };

/**
 * Runs one activity. A transient Azure failure is thrown, so the durable retry policy runs the activity again;
 * anything else that escapes it (a TypeError, a rejected promise nobody classified) is a bug in this app, returned
 * as a permanent failure that says so: retrying a bug only repeats it, and calling it "throttling" would send the
 * operator the wrong way.
 */
export async function runActivity<N extends ActivityName>(
  name: N,
  input: ActivityInput<N>,
  deps: ActivityDeps,
  implementations: ActivityImplementations = activityImplementations,
): Promise<ActivityResult<ActivityOutput<N>>> {
  try {
    return await implementations[name](input, deps);
  } catch (err) {
    const classified = classifyAzureError(err, name);
    if (classified.kind === 'transient') throw classified;
    const isBug = classified.code === 'UnexpectedError';
    return {
      ok: false,
      failure: {
        code: isBug ? 'ActivityBug' : classified.code,
        message: isBug ? `a bug in this app's ${name} activity: ${classified.details.message}` : classified.message,
        statusCode: classified.statusCode ?? null,
        operation: name,
      },
    };
  }
}
