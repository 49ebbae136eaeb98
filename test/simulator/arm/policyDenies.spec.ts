/**
 * The simulated deny-effect policy (the swap-fails scenario): every PUT/PATCH of the covered VM is refused with
 * ARM's 403 RequestDisallowedByPolicy naming the assignment, while POST actions (deallocate, start) still run and a
 * refused update leaves the VM untouched.
 */
import { classifyAzureError } from '../../../src/azure/errors';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld } from '../../fixtures/arm/standardWorld';

const fast = { updateIntervalInMs: 1 };

describe('deny-effect policy on a VM', () => {
  it('refuses the OS disk swap (a PATCH) with 403 RequestDisallowedByPolicy; deallocate still runs; the VM is unchanged', async () => {
    const w = standardWorld();
    const compute = w.clients.compute(SUB);
    const vmId = w.web01.vm.id;
    const originalId = w.web01.vm.osDiskId!;
    w.arm.world.policy.denyUpdates(vmId, {
      assignmentName: 'require-tag',
      assignmentId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/require-tag`,
      definitionName: 'Require a tag on resources',
      definitionId: '/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99',
    });
    await compute.virtualMachines.deallocate(RG, 'web01', fast).submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    expect(w.arm.world.vm(vmId).powerState).toBe('deallocated');
    const copy = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'web01-copy', osType: 'Windows', generation: 'V2', zone: '1' });
    let failure: ReturnType<typeof classifyAzureError> | null = null;
    try {
      await compute.virtualMachines
        .update(RG, 'web01', { storageProfile: { osDisk: { createOption: 'FromImage', managedDisk: { id: copy.id } } } }, fast)
        .submitted();
    } catch (err) {
      failure = classifyAzureError(err, 'swap OS disk');
    }
    expect(failure).toMatchObject({ statusCode: 403, code: 'RequestDisallowedByPolicy' });
    expect(failure?.message).toMatch(/Resource 'web01' was disallowed by policy\. Policy identifiers: .*require-tag/);
    expect(w.arm.world.vm(vmId).osDiskId).toBe(originalId);
    await compute.virtualMachines.start(RG, 'web01', fast).submitted();
  });
});
