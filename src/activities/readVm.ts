/** Activity: read the VM with its instance view. Read-only; a missing VM is an answer, not an error. */
import type { ReadVmInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ReadVmResult } from '../domain/vmFacts';
import { parseVmResourceId } from '../domain/vmResourceId';
import { classifyAzureError } from '../azure/errors';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { vmFactsFromArm } from './vmFactsFromArm';

export async function readVm(input: ReadVmInput, deps: ActivityDeps): Promise<ActivityResult<ReadVmResult>> {
  const parsed = parseVmResourceId(input.vmResourceId);
  if (!parsed.ok) return ok({ found: false, message: `vmResourceId ${parsed.message}` });
  const { subscriptionId, resourceGroup, name } = parsed.value;
  try {
    const vm = await deps.arm.compute(subscriptionId).virtualMachines.get(resourceGroup, name, { expand: 'instanceView' });
    return ok({ found: true, facts: vmFactsFromArm(vm) });
  } catch (err) {
    const classified = classifyAzureError(err, 'read virtual machine', parsed.value.id);
    if (classified.statusCode === 404) {
      return ok({ found: false, message: `The VM ${parsed.value.id} does not exist (${classified.code}).` });
    }
    return settleAzureError(err, 'read virtual machine', parsed.value.id);
  }
}
