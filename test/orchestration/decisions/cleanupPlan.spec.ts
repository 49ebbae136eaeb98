import type { TaggedResource } from '../../../src/domain/activityContracts';
import { cleanupPlan } from '../../../src/orchestration/decisions/cleanupPlan';

const base = '/subscriptions/s/resourceGroups/rg/providers';
const rescueVm: TaggedResource = {
  id: `${base}/Microsoft.Compute/virtualMachines/rdprescue-1`,
  type: 'Microsoft.Compute/virtualMachines',
  role: 'rescue-vm',
  attachedTo: null,
};
const rescueNic: TaggedResource = {
  id: `${base}/Microsoft.Network/networkInterfaces/rdprescue-1-nic`,
  type: 'Microsoft.Network/networkInterfaces',
  role: 'rescue-nic',
  attachedTo: rescueVm.id,
};
const copy: TaggedResource = {
  id: `${base}/Microsoft.Compute/disks/rdprepair-copy-vm`,
  type: 'Microsoft.Compute/disks',
  role: 'os-disk-copy',
  attachedTo: null,
};
const vmOsDisk = `${base}/Microsoft.Compute/disks/vm-os`;
const context = { vmOsDiskId: vmOsDisk, keepDiskIds: [], configuredRescueVmId: null };

describe('cleanupPlan', () => {
  it('deletes the rescue VM first, then its NIC, then an unused copy', () => {
    const plan = cleanupPlan([copy, rescueNic, rescueVm], context);
    expect(plan.delete.map((r) => r.id)).toEqual([rescueVm.id, rescueNic.id, copy.id]);
    expect(plan.keep).toEqual([]);
  });

  it.each([
    ["the copy that is the VM's OS disk now", { ...copy, id: vmOsDisk, attachedTo: 'vm' }, context, /OS disk now/],
    ['a copy that was swapped in (kept after a rollback)', copy, { ...context, keepDiskIds: [copy.id.toUpperCase()] }, /after the swap/],
    ['any disk when the VM could not be read', copy, { ...context, vmOsDiskId: null }, /could not be read/],
    ['a resource of a role it does not know (an original disk)', { ...copy, role: 'original' }, context, /never deleted/],
    ['a resource without a role', { ...copy, role: null }, context, /never deleted/],
    ['the configured rescue VM', { ...rescueVm, id: 'CFG' }, { ...context, configuredRescueVmId: 'cfg' }, /configured rescue VM/],
    [
      'a copy attached to a VM it does not delete',
      { ...copy, attachedTo: `${base}/Microsoft.Compute/virtualMachines/other` },
      context,
      /attached/,
    ],
  ] as const)('keeps %s', (_, resource, ctx, why) => {
    const plan = cleanupPlan([resource], ctx);
    expect(plan.delete).toEqual([]);
    expect(plan.keep[0]?.why).toMatch(why);
  });
});
