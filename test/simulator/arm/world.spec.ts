/**
 * The scenario builder, the change feed and the offline-repair resources (rescue VM, data disk attach/detach,
 * cleanup deletes) of the simulated ARM, through the REAL SDK clients.
 */

import { RestError } from '@azure/core-rest-pipeline';
import { SimulatedArm, createSimulatedArmClients, type ArmChange } from '../../../src/simulator/arm';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { VirtualClock } from '../../../src/simulator/virtualClock';
import { RG, SUB, standardWorld } from '../../fixtures/arm/standardWorld';

const fast = { updateIntervalInMs: 1 };

describe('builder', () => {
  test('a broken VM in a few lines: defaults fill the rest (Windows, Gen2, running, managed 127 GiB disk)', () => {
    const arm = new SimulatedArm();
    const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: 'rg' });
    const { vm, nic, nicNsg, publicIp } = arm.world.addVmWithNetwork({
      resourceGroup: rg,
      name: 'vm1',
      agentStatus: 'NotReady',
      nicNsgRules: [{ name: 'rdp', priority: 100, destinationPortRange: '3389' }],
      publicIp: true,
    });
    const view = arm.world.vm(vm.id);
    expect(view).toMatchObject({
      osType: 'Windows',
      hyperVGeneration: 'V2',
      powerState: 'running',
      agentStatus: 'NotReady',
      location: 'westeurope',
    });
    expect(arm.world.disk(vm.osDiskId!)).toMatchObject({ sizeGb: 127, managedBy: vm.id, osType: 'Windows' });
    expect(arm.world.nic(nic.id)).toMatchObject({ vmId: vm.id, nsgId: nicNsg!.id, publicIpId: publicIp!.id, privateIpAddress: '10.0.0.4' });
    expect(arm.world.nsg(nicNsg!.id).rules[0]).toMatchObject({
      protocol: 'Tcp',
      sourceAddressPrefix: '*',
      destinationPortRange: '3389',
      access: 'Allow',
      direction: 'Inbound',
    });
    expect(arm.world.nsg(nicNsg!.id).defaultRules.map((r) => r.name)).toContain('DenyAllInBound');
  });

  test('scenario mistakes fail at build time with a clear message', () => {
    const arm = new SimulatedArm();
    const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: 'rg' });
    expect(() =>
      arm.world.addNetworkSecurityGroup({
        resourceGroup: rg,
        name: 'nsg',
        rules: [
          { name: 'a', priority: 100 },
          { name: 'b', priority: 100 },
        ],
      }),
    ).toThrow(/conflicts with rule a/);
    expect(() => arm.world.addVm({ resourceGroup: rg, name: 'vm', nics: [] })).toThrow(/at least one NIC/);
    expect(() => arm.world.addVirtualNetwork({ resourceGroup: { ...rg, name: 'other' }, name: 'v' })).toThrow(/add resource group other/);
    const net = arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'vm1' });
    expect(() => arm.world.addVm({ resourceGroup: rg, name: 'vm2', nics: [net.nic] })).toThrow(/already attached/);
  });

  test('the same seed gives the same ids and JSON; views are copies', async () => {
    const a = standardWorld({ seed: 7 });
    const b = standardWorld({ seed: 7 });
    const [vmA, vmB] = await Promise.all([
      a.clients.compute(SUB).virtualMachines.get(RG, 'web01', { expand: 'instanceView' }),
      b.clients.compute(SUB).virtualMachines.get(RG, 'web01', { expand: 'instanceView' }),
    ]);
    expect(vmA.vmId).toBe(vmB.vmId);
    expect(vmA).toEqual(vmB);
    const view = a.arm.world.vm(a.web01.vm.id);
    view.powerState = 'deallocated';
    expect(a.arm.world.vm(a.web01.vm.id).powerState).toBe('running');
  });
});

describe('change feed', () => {
  test('time-driven changes surface on sync() after the clock moves, stamped with their virtual instant', async () => {
    const clock = new VirtualClock(new Date('2026-02-01T00:00:00Z'));
    const arm = new SimulatedArm({ clock });
    const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG });
    arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'vm1', powerState: 'deallocated' });
    const changes: ArmChange[] = [];
    const unsubscribe = arm.onChange((c) => changes.push(c));
    await createSimulatedArmClients(arm).compute(SUB).virtualMachines.start(RG, 'vm1', fast).submitted();

    clock.advanceBy(LATENCY_MODEL.vmStart.ms + 1000);
    arm.sync();
    const running = changes.find((c) => c.kind === 'powerState' && c.to === 'running');
    expect(running?.at.toISOString()).toBe(new Date(Date.parse('2026-02-01T00:00:00Z') + LATENCY_MODEL.vmStart.ms).toISOString());

    clock.advanceBy(LATENCY_MODEL.agentReadyAfterBoot.ms);
    arm.sync();
    // undefined (deallocated) -> NotReady (starting, then booting) -> Ready
    expect(changes.filter((c) => c.kind === 'agentStatus').map((c) => c.kind === 'agentStatus' && c.to)).toEqual(['NotReady', 'Ready']);
    unsubscribe();
    arm.world.setAgentHealth(arm.world.vms()[0]!.id, 'Unknown');
    expect(changes.some((c) => c.kind === 'agentStatus' && c.to === 'Unknown')).toBe(false);
  });
});

describe('offline repair resources', () => {
  test('rescue VM create, disk attach and detach, and cleanup deletes with their refusals', async () => {
    const w = standardWorld();
    const compute = w.clients.compute(SUB);
    const vnet = w.arm.world.addVirtualNetwork({ resourceGroup: w.rg, name: 'rescue-vnet', addressPrefixes: ['10.9.0.0/16'] });
    const subnet = w.arm.world.addSubnet({ vnet, name: 'rescue', addressPrefix: '10.9.0.0/24' });
    const rescueNic = w.arm.world.addNic({ resourceGroup: w.rg, name: 'rescue-nic', subnet });
    const rescueId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/rescue01`;

    // The copy of the broken OS disk to repair offline.
    await compute.snapshots
      .createOrUpdate(
        RG,
        'snap',
        { location: 'westeurope', creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId! } },
        fast,
      )
      .submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.incrementalSnapshot127GiB.ms);
    const copy = compute.disks.createOrUpdate(
      RG,
      'web01-copy',
      {
        location: 'westeurope',
        zones: ['1'],
        creationData: { createOption: 'Copy', sourceResourceId: w.arm.world.snapshots()[0]!.id },
      },
      fast,
    );
    await copy.submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
    const copyDisk = await copy.pollUntilDone();

    const create = compute.virtualMachines.createOrUpdate(
      RG,
      'rescue01',
      {
        location: 'westeurope',
        zones: ['1'],
        hardwareProfile: { vmSize: 'Standard_D2s_v5' },
        storageProfile: {
          imageReference: {
            publisher: 'MicrosoftWindowsServer',
            offer: 'WindowsServer',
            sku: '2022-datacenter-azure-edition',
            version: 'latest',
          },
          osDisk: { createOption: 'FromImage', managedDisk: { storageAccountType: 'StandardSSD_LRS' } },
          dataDisks: [{ lun: 0, createOption: 'Attach', managedDisk: { id: copyDisk.id! } }],
        },
        osProfile: { computerName: 'rescue01', adminUsername: 'rescueadmin', adminPassword: 'not-stored-anywhere-1!' },
        networkProfile: { networkInterfaces: [{ id: rescueNic.id }] },
      },
      fast,
    );
    await create.submitted();
    expect(w.arm.world.vm(rescueId)).toMatchObject({
      provisioningState: 'Creating',
      powerState: 'starting',
    });
    w.arm.clock.advanceBy(LATENCY_MODEL.vmCreate.ms);
    const rescue = await create.pollUntilDone();
    expect(rescue).toMatchObject({ id: rescueId, provisioningState: 'Succeeded', zones: ['1'] });
    expect(rescue.storageProfile?.dataDisks?.[0]?.managedDisk?.id).toBe(copyDisk.id);
    expect(JSON.stringify(w.arm.world.vm(rescue.id!))).not.toContain('not-stored-anywhere');

    // The copy cannot be deleted while attached; detach (empty data disk list) on the running VM, then delete.
    const refused = await compute.disks.delete(RG, 'web01-copy', fast).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RestError);
    expect((refused as RestError).code).toBe('OperationNotAllowed');
    await compute.virtualMachines.update(RG, 'rescue01', { storageProfile: { dataDisks: [] } }, fast);
    expect(w.arm.world.disk(copyDisk.id!).managedBy).toBeUndefined();
    await compute.disks.delete(RG, 'web01-copy', fast);
    await compute.snapshots.delete(RG, 'snap', fast);
    expect(w.arm.world.snapshots()).toEqual([]);
    expect(() => w.arm.world.disk(copyDisk.id!)).toThrow(/no disk/);

    // The original OS disk (attached, reserved by its VM) cannot be attached elsewhere.
    const stolen = await compute.virtualMachines
      .update(
        RG,
        'rescue01',
        { storageProfile: { dataDisks: [{ lun: 1, createOption: 'Attach', managedDisk: { id: w.web01.vm.osDiskId! } }] } },
        fast,
      )
      .catch((e: unknown) => e);
    expect((stolen as RestError).code).toBe('OperationNotAllowed');
  });
});
