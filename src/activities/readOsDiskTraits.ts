/**
 * Activity: what decides whether the VM's OS disk may be copied and swapped (offline repair): the VM's storage and
 * security profile and the OS disk as DiskRP describes it. Read-only.
 */
import type { Disk } from '@azure/arm-compute';
import { classifyAzureError } from '../azure/errors';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { VmIdInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { OsDiskTraits } from '../domain/offlineRepair';
import type { ActivityDeps } from './deps';
import { osDiskTraitsFromArm } from './osDiskTraitsFromArm';
import { ok, settleAzureError } from './settle';

export async function readOsDiskTraits(input: VmIdInput, deps: ActivityDeps): Promise<ActivityResult<OsDiskTraits>> {
  try {
    const id = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const vm = await deps.arm.compute(id.subscriptionId).virtualMachines.get(id.resourceGroup, id.name);
    const diskId = vm.storageProfile?.osDisk?.managedDisk?.id;
    let disk: Disk | null = null;
    if (diskId) {
      const d = parseResourceId(diskId, ResourceTypes.disk);
      try {
        disk = await deps.arm.compute(d.subscriptionId).disks.get(d.resourceGroup, d.name);
      } catch (err) {
        // Unreadable (e.g. 403 on another resource group): the decision refuses with "cannot tell", not a crash.
        if (classifyAzureError(err, 'read OS disk', diskId).kind === 'transient') throw err;
      }
    }
    return ok(osDiskTraitsFromArm(vm, disk));
  } catch (err) {
    return settleAzureError(err, 'read OS disk traits', input.vmId);
  }
}
