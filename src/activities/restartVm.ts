/**
 * Activity: ask Azure to restart the VM and return once the request is accepted; the orchestrator waits for
 * the VM and its agent with durable timers. A second run asks for another restart, which is safe (the VM
 * reboots again) but costs minutes: the orchestrator calls it once per planned restart.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import { ActivityResult } from '../domain/activityResult';
import { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export interface RestartVmInput {
  vmId: string;
}

export async function restartVm(input: RestartVmInput, deps: ActivityDeps): Promise<ActivityResult<{ requestedAt: string }>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const poller = deps.arm.compute(vm.subscriptionId).virtualMachines.restart(vm.resourceGroup, vm.name, { updateIntervalInMs: deps.arm.lroPollIntervalMs });
    await startLro(poller, { operation: 'restart VM', resourceId: input.vmId });
    return ok({ requestedAt: deps.now().toISOString() });
  } catch (err) {
    return settleAzureError(err, 'restart VM', input.vmId);
  }
}
