/** Activity: the configured rescue VM as the offline repair needs to see it (power, agent, zone, LUNs in use). Read-only. */
import { classifyAzureError } from '../azure/errors';
import type { RescueVmReading, VmIdInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import { parseVmResourceId } from '../domain/vmResourceId';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { vmFactsFromArm } from './vmFactsFromArm';

export async function readRescueVm(input: VmIdInput, deps: ActivityDeps): Promise<ActivityResult<RescueVmReading>> {
  const parsed = parseVmResourceId(input.vmId);
  const none = (message: string): RescueVmReading => ({
    found: false,
    message,
    facts: null,
    provisioningState: 'NotFound',
    usedLuns: [],
    dataDisks: [],
  });
  if (!parsed.ok) return ok(none(`rescueVmResourceId ${parsed.message}`));
  const { subscriptionId, resourceGroup, name } = parsed.value;
  try {
    const vm = await deps.arm.compute(subscriptionId).virtualMachines.get(resourceGroup, name, { expand: 'instanceView' });
    const dataDisks = (vm.storageProfile?.dataDisks ?? []).map((d) => ({ lun: d.lun, diskId: d.managedDisk?.id ?? '' }));
    return ok({
      found: true,
      message: null,
      facts: vmFactsFromArm(vm),
      provisioningState: vm.provisioningState ?? 'Unknown',
      usedLuns: dataDisks.map((d) => d.lun),
      dataDisks,
    });
  } catch (err) {
    const classified = classifyAzureError(err, 'read rescue VM', parsed.value.id);
    if (classified.statusCode === 404) return ok(none(`The rescue VM ${parsed.value.id} does not exist (${classified.code}).`));
    return settleAzureError(err, 'read rescue VM', parsed.value.id);
  }
}
