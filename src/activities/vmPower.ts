/**
 * Activities: deallocate and start a VM, returning once ARM accepted the request; the orchestrator waits for the
 * power state with readVmPower and durable timers. Idempotent: a VM already in (or moving to) the asked state is
 * not asked again, so a re-run never deallocates a VM that the flow has started since, or starts it twice.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { PowerOperationResult, VmIdInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { powerReadingFromInstanceView } from './vmFactsFromArm';

export async function deallocateVm(input: VmIdInput, deps: ActivityDeps): Promise<ActivityResult<PowerOperationResult>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const power = powerReadingFromInstanceView(await compute.virtualMachines.instanceView(vm.resourceGroup, vm.name)).powerState;
    if (power === 'deallocated' || power === 'deallocating') return ok({ already: true });
    const poller = compute.virtualMachines.deallocate(vm.resourceGroup, vm.name, { updateIntervalInMs: deps.arm.lroPollIntervalMs });
    await startLro(poller, { operation: 'deallocate VM', resourceId: input.vmId });
    return ok({ already: false });
  } catch (err) {
    return settleAzureError(err, 'deallocate VM', input.vmId);
  }
}

export async function startVm(input: VmIdInput, deps: ActivityDeps): Promise<ActivityResult<PowerOperationResult>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const power = powerReadingFromInstanceView(await compute.virtualMachines.instanceView(vm.resourceGroup, vm.name)).powerState;
    if (power === 'running' || power === 'starting') return ok({ already: true });
    const poller = compute.virtualMachines.start(vm.resourceGroup, vm.name, { updateIntervalInMs: deps.arm.lroPollIntervalMs });
    await startLro(poller, { operation: 'start VM', resourceId: input.vmId });
    return ok({ already: false });
  } catch (err) {
    return settleAzureError(err, 'start VM', input.vmId);
  }
}
