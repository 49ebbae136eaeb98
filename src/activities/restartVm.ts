/**
 * Activity: ask Azure to restart the VM and return once the request is accepted; the orchestrator waits for
 * the VM and its agent with durable timers. Idempotent: if the instance view shows an operation in progress,
 * or one that finished after the orchestrator decided to restart, that restart already happened (a re-run of
 * this activity) and the VM is not rebooted twice.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { RestartVmInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function restartVm(input: RestartVmInput, deps: ActivityDeps): Promise<ActivityResult<{ alreadyRestarted: boolean }>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const view = await compute.virtualMachines.instanceView(vm.resourceGroup, vm.name);
    const provisioning = view.statuses?.find((s) => s.code?.toLowerCase().startsWith('provisioningstate/'));
    const inProgress = provisioning?.code?.toLowerCase() === 'provisioningstate/updating';
    const changedAt = provisioning?.time ? new Date(provisioning.time).getTime() : 0;
    if (inProgress || changedAt >= Date.parse(input.decidedAt)) return ok({ alreadyRestarted: true });
    const poller = compute.virtualMachines.restart(vm.resourceGroup, vm.name, { updateIntervalInMs: deps.arm.lroPollIntervalMs });
    await startLro(poller, { operation: 'restart VM', resourceId: input.vmId });
    return ok({ alreadyRestarted: false });
  } catch (err) {
    return settleAzureError(err, 'restart VM', input.vmId);
  }
}
