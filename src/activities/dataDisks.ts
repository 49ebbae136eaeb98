/**
 * Activities: attach the OS disk copy to the rescue VM at a LUN, and detach it again (attachDetachDataDisks,
 * which changes only the data disks named and leaves the rescue VM running), returning once ARM accepted the
 * request; the orchestrator waits for the VM's provisioning state (readRescueVm). Idempotent: a disk already
 * attached (or already gone) is reported as such, never attached twice.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes, sameResourceId } from '../azure/resourceId';
import type { DataDiskInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function attachDataDisk(
  input: DataDiskInput,
  deps: ActivityDeps,
): Promise<ActivityResult<{ lun: number; alreadyAttached: boolean }>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const current = await compute.virtualMachines.get(vm.resourceGroup, vm.name);
    const existing = current.storageProfile?.dataDisks?.find((d) => sameResourceId(d.managedDisk?.id, input.diskId));
    if (existing) return ok({ lun: existing.lun, alreadyAttached: true });
    if (input.lun === undefined) throw new Error('attachDataDisk needs the LUN the flow chose');
    const poller = compute.virtualMachines.attachDetachDataDisks(
      vm.resourceGroup,
      vm.name,
      { dataDisksToAttach: [{ diskId: input.diskId, lun: input.lun }] },
      { updateIntervalInMs: deps.arm.lroPollIntervalMs },
    );
    await startLro(poller, { operation: 'attach disk copy to rescue VM', resourceId: input.vmId });
    return ok({ lun: input.lun, alreadyAttached: false });
  } catch (err) {
    return settleAzureError(err, 'attach disk copy to rescue VM', input.vmId);
  }
}

export async function detachDataDisk(input: DataDiskInput, deps: ActivityDeps): Promise<ActivityResult<{ alreadyDetached: boolean }>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const current = await compute.virtualMachines.get(vm.resourceGroup, vm.name);
    if (!current.storageProfile?.dataDisks?.some((d) => sameResourceId(d.managedDisk?.id, input.diskId)))
      return ok({ alreadyDetached: true });
    const poller = compute.virtualMachines.attachDetachDataDisks(
      vm.resourceGroup,
      vm.name,
      { dataDisksToDetach: [{ diskId: input.diskId }] },
      { updateIntervalInMs: deps.arm.lroPollIntervalMs },
    );
    await startLro(poller, { operation: 'detach disk copy from rescue VM', resourceId: input.vmId });
    return ok({ alreadyDetached: false });
  } catch (err) {
    return settleAzureError(err, 'detach disk copy from rescue VM', input.vmId);
  }
}
