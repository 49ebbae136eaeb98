/**
 * The ephemeral rescue VM's activities against the simulated ARM: the options read (image, subnet, sizes with
 * their restrictions; a refused SKU list is not fatal), the create (a name taken by someone else's VM is never
 * touched; a re-run reuses this repair's VM without a PUT), and the delete (only what carries the repair's tag).
 */
import { runActivity } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import type { ActivityInput, CreateRescueVmInput } from '../../src/domain/activityContracts';
import { standardWorld, type StandardWorld } from '../fixtures/arm/standardWorld';
import { armActivityDeps } from '../support/armActivityDeps';

let w: StandardWorld;
let deps: ActivityDeps;
const owner = { name: 'rdp-autorepair-repair-id', value: 'r1', roleTagName: 'rdp-autorepair-role' };

beforeEach(() => {
  w = standardWorld();
  deps = armActivityDeps(w.clients, () => new Date(w.arm.clock.nowMs()));
});

const writes = () => w.arm.requests().filter((r) => r.kind === 'write').length;

function createInput(): CreateRescueVmInput {
  return {
    owner,
    vmId: w.web01.vm.id,
    vmName: 'rdprescue-1',
    nicName: 'rdprescue-1-nic',
    osDiskName: 'rdprescue-1-os',
    computerName: 'rdprescue1',
    location: w.rg.location,
    zone: null,
    subnetId: w.web01.subnet.id,
    image: { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2025-datacenter-azure-edition', version: 'latest' },
    sizes: ['Standard_D2s_v5'],
    securityType: null,
    tags: { [owner.name]: owner.value, [owner.roleTagName]: 'rescue-vm' },
  };
}

describe('readRescueVmOptions', () => {
  const input = (): ActivityInput<'readRescueVmOptions'> => ({ vmId: w.web01.vm.id, sizes: ['Standard_D2s_v5', 'Standard_Nope'] });

  it("reads the VM's subnet and the candidate sizes with their zone restrictions", async () => {
    w.arm.world.capacity.restrictSize({ location: w.rg.location, size: 'Standard_D2s_v5', zones: ['2'] });
    const result = await runActivity('readRescueVmOptions', input(), deps);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.subnetId?.toLowerCase()).toBe(w.web01.subnet.id.toLowerCase());
    expect(result.value.offers?.map((o) => [o.name, o.listed, o.unavailableZones])).toEqual([
      ['Standard_D2s_v5', true, ['2']],
      ['Standard_Nope', false, []],
    ]);
    expect(writes()).toBe(0);
  });

  it('a refused SKU list (role on resource groups only) gives no offers and says why, rather than failing', async () => {
    w.arm.faults.inject({ operation: 'resourceSkus.list', status: 403, code: 'AuthorizationFailed', times: 1 });
    const result = await runActivity('readRescueVmOptions', input(), deps);
    expect(result.ok && result.value.offers).toBe(null);
    expect(result.ok && result.value.offersProblem).toMatch(/skus\/read|authoriz/i);
  });
});

describe('createRescueVm', () => {
  it('creates the NIC and the VM once; a re-run reuses them without another write', async () => {
    const first = await runActivity('createRescueVm', createInput(), deps);
    expect(first.ok && first.value.created && first.value.already).toBe(false);
    const afterFirst = writes();
    expect(afterFirst).toBe(2);
    const second = await runActivity('createRescueVm', createInput(), deps);
    expect(second.ok && second.value.created && second.value.already).toBe(true);
    expect(writes()).toBe(afterFirst);
    const vm = w.arm.world.vms().find((v) => v.name === 'rdprescue-1')!;
    expect(vm.tags).toEqual(createInput().tags);
    expect(w.arm.world.nic(vm.nicIds[0]!).publicIpId).toBeUndefined();
  });

  it("never touches a VM of that name without this repair's tag", async () => {
    w.arm.world.addVmWithNetwork({ resourceGroup: w.rg, name: 'rdprescue-1', osType: 'Windows' });
    const before = writes();
    const result = await runActivity('createRescueVm', createInput(), deps);
    expect(!result.ok && result.failure.code).toBe('RescueVmNameTaken');
    expect(writes()).toBe(before);
  });
});

describe('deleteRepairResource', () => {
  it("leaves a resource without the repair's tag alone, and says gone for one that is gone", async () => {
    const nic = w.arm.world.addNic({ resourceGroup: w.rg, name: 'someone-elses', subnet: w.web01.subnet });
    const type = 'Microsoft.Network/networkInterfaces' as const;
    const mine = await runActivity('deleteRepairResource', { resourceId: nic.id, type, owner }, deps);
    expect(mine.ok && mine.value.deleted).toBe('notThisRepairs');
    const gone = await runActivity('deleteRepairResource', { resourceId: `${nic.id}-missing`, type, owner }, deps);
    expect(gone.ok && gone.value.deleted).toBe('alreadyGone');
    expect(writes()).toBe(0);
  });
});
