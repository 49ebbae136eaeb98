/**
 * Activity: make `toDiskId` the (deallocated) VM's OS disk (virtualMachines.update of
 * storageProfile.osDisk.managedDisk.id), returning once ARM accepted it; the orchestrator waits with readVmPower
 * and readVm. Idempotent and guarded: a VM that already has `toDiskId` is not updated again, and a VM whose OS
 * disk is neither the expected one nor the target (someone else changed it) is refused, never overwritten. ARM's
 * refusals (PropertyChangeNotAllowed, a security-type mismatch, ADE) come back as permanent failures with ARM's words.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes, sameResourceId } from '../azure/resourceId';
import type { SwapOsDiskInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function swapOsDisk(input: SwapOsDiskInput, deps: ActivityDeps): Promise<ActivityResult<{ alreadySwapped: boolean }>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const current = await compute.virtualMachines.get(vm.resourceGroup, vm.name);
    const osDisk = current.storageProfile?.osDisk;
    const currentId = osDisk?.managedDisk?.id;
    if (sameResourceId(currentId, input.toDiskId)) return ok({ alreadySwapped: true });
    if (!sameResourceId(currentId, input.expectedFromDiskId)) {
      return {
        ok: false,
        failure: {
          code: 'OsDiskChangedMeanwhile',
          message:
            `the VM's OS disk is now ${currentId ?? '(none)'}, not ${input.expectedFromDiskId}: ` +
            'someone else changed it, so it is left alone',
          statusCode: null,
          operation: 'swap OS disk',
        },
      };
    }
    const poller = compute.virtualMachines.update(
      vm.resourceGroup,
      vm.name,
      { storageProfile: { osDisk: { createOption: osDisk?.createOption ?? 'FromImage', managedDisk: { id: input.toDiskId } } } },
      { updateIntervalInMs: deps.arm.lroPollIntervalMs },
    );
    await startLro(poller, { operation: 'swap OS disk', resourceId: input.vmId });
    return ok({ alreadySwapped: false });
  } catch (err) {
    return settleAzureError(err, 'swap OS disk', input.vmId);
  }
}
