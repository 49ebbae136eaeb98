/** Activity: the VM's power state and guest agent status (instance view). Read-only. */
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ReadVmPowerInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { VmPowerReading } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { powerReadingFromInstanceView } from './vmFactsFromArm';

export async function readVmPower(input: ReadVmPowerInput, deps: ActivityDeps): Promise<ActivityResult<VmPowerReading>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const view = await deps.arm.compute(vm.subscriptionId).virtualMachines.instanceView(vm.resourceGroup, vm.name);
    return ok(powerReadingFromInstanceView(view));
  } catch (err) {
    return settleAzureError(err, 'read VM power state', input.vmId);
  }
}
