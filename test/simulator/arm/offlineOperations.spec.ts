/**
 * The simulated ARM operations the offline disk-swap repair will need, through the real SDK: VM create with image,
 * size/zone and quota failures; data disks attached and detached at LUNs; the OS disk swap's preconditions; disk
 * copies keeping what their source carries; tags on disks.
 */
import type { ComputeManagementClient, VirtualMachine } from '@azure/arm-compute';
import { classifyAzureError } from '../../../src/azure/errors';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';

let w: StandardWorld;
let compute: ComputeManagementClient;
const fast = { updateIntervalInMs: 1 };

beforeEach(() => {
  w = standardWorld();
  compute = w.clients.compute(SUB);
});

async function failure(promise: Promise<unknown>): Promise<ReturnType<typeof classifyAzureError>> {
  try {
    await promise;
  } catch (err) {
    return classifyAzureError(err, 'test');
  }
  throw new Error('expected the request to fail');
}

function rescueNic(name = 'rescue-nic'): string {
  return w.arm.world.addNic({ resourceGroup: w.rg, name, subnet: w.web01.subnet }).id;
}

function rescueVm(
  overrides: Partial<{ size: string; sku: string; version: string; zone: string; securityType: string; nicId: string }> = {},
): VirtualMachine {
  return {
    location: 'westeurope',
    zones: [overrides.zone ?? '1'],
    tags: { 'rdp-autorepair-repair-id': 'r1' },
    hardwareProfile: { vmSize: overrides.size ?? 'Standard_D2s_v5' },
    ...(overrides.securityType ? { securityProfile: { securityType: overrides.securityType as 'TrustedLaunch' } } : {}),
    storageProfile: {
      imageReference: {
        publisher: 'MicrosoftWindowsServer',
        offer: 'WindowsServer',
        sku: overrides.sku ?? '2022-datacenter-azure-edition',
        version: overrides.version ?? 'latest',
      },
      osDisk: { createOption: 'FromImage', name: 'rescue-os', managedDisk: { storageAccountType: 'Premium_LRS' } },
    },
    osProfile: { computerName: 'rescue', adminUsername: 'repair', adminPassword: 'not-a-real-password-1!' },
    networkProfile: { networkInterfaces: [{ id: overrides.nicId ?? rescueNic() }] },
  };
}

describe('VM create', () => {
  test(
    'from a catalogue image: 201 Creating, then running; latest resolves to a concrete version; Trusted Launch carried to ' + 'the OS disk',
    async () => {
      await compute.virtualMachines.createOrUpdate(RG, 'rescue', rescueVm({ securityType: 'TrustedLaunch' }), fast).submitted();
      expect(w.arm.requests({ operation: 'virtualMachines.createOrUpdate' }).map((r) => r.status)).toEqual([201]);
      w.arm.clock.advanceBy(LATENCY_MODEL.vmCreate.ms);
      const vm = await compute.virtualMachines.get(RG, 'rescue', { expand: 'instanceView' });
      expect(vm.provisioningState).toBe('Succeeded');
      expect(vm.securityProfile?.securityType).toBe('TrustedLaunch');
      expect(vm.storageProfile?.imageReference?.exactVersion).toMatch(/^20348\./);
      const osDisk = await compute.disks.get(RG, 'rescue-os');
      expect(osDisk.securityProfile?.securityType).toBe('TrustedLaunch');
      expect(osDisk.hyperVGeneration).toBe('V2');
    },
  );

  test('an image that does not exist: 404 PlatformImageNotFound, nothing created', async () => {
    const nicId = rescueNic();
    const err = await failure(
      compute.virtualMachines.createOrUpdate(RG, 'rescue', rescueVm({ sku: '2012-datacenter-nope', nicId }), fast).submitted(),
    );
    expect(err).toMatchObject({ statusCode: 404, code: 'PlatformImageNotFound', kind: 'permanent' });
    expect(w.arm.world.store.virtualMachines.values().some((v) => v.name === 'rescue')).toBe(false);
    expect(w.arm.world.nic(nicId).vmId).toBeUndefined();
  });

  test('a size not offered in the zone: 409 SkuNotAvailable naming the zone; another zone works', async () => {
    w.arm.world.capacity.restrictSize({ location: 'westeurope', size: 'Standard_D2s_v5', zones: ['1'] });
    const err = await failure(compute.virtualMachines.createOrUpdate(RG, 'rescue', rescueVm(), fast).submitted());
    expect(err).toMatchObject({ statusCode: 409, code: 'SkuNotAvailable', kind: 'permanent' });
    expect(err.details.message).toContain("is currently not available in location 'westeurope' zones '1'");
    await compute.virtualMachines.createOrUpdate(RG, 'rescue', rescueVm({ zone: '2', nicId: rescueNic('nic-2') }), fast).submitted();
    expect(w.arm.world.vm(`/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/rescue`).zones).toEqual([
      '2',
    ]);
  });

  test('over the family quota (counting deallocated VMs too): 409 OperationNotAllowed with the numbers, not transient', async () => {
    // web01, app02 and legacy03 are Standard_D2s_v5 (2 vCPUs each; app02 deallocated still counts).
    w.arm.world.capacity.setQuota({ subscriptionId: SUB, location: 'westeurope', families: { standardDSv5Family: 7 } });
    const err = await failure(compute.virtualMachines.createOrUpdate(RG, 'rescue', rescueVm(), fast).submitted());
    expect(err).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed', kind: 'permanent' });
    expect(err.details.message).toContain('exceeding approved standardDSv5Family Cores quota');
    expect(err.details.message).toContain('Current Limit: 7, Current Usage: 6, Additional Required: 2, (Minimum) New Limit Required: 8.');
    // Another family fits.
    await compute.virtualMachines
      .createOrUpdate(RG, 'rescue', rescueVm({ size: 'Standard_D2as_v5', nicId: rescueNic('nic-2') }), fast)
      .submitted();
  });
});

describe('data disks at LUNs: attachDetachDataDisks', () => {
  async function copyOfWeb01(name: string, zone = '1'): Promise<string> {
    await compute.disks
      .createOrUpdate(
        RG,
        name,
        { location: 'westeurope', zones: [zone], creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId! } },
        fast,
      )
      .submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
    return (await compute.disks.get(RG, name)).id!;
  }

  test('attaches at the lowest free LUN, reports the storage profile, detaches again', async () => {
    const copy = await copyOfWeb01('web01-copy');
    const profile = await compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToAttach: [{ diskId: copy }] }, fast);
    expect(profile.dataDisks?.map((d) => [d.lun, d.managedDisk?.id])).toEqual([[0, copy]]);
    expect((await compute.disks.get(RG, 'web01-copy')).managedBy).toBe(w.web01.vm.id);
    await compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToDetach: [{ diskId: copy }] }, fast);
    expect((await compute.disks.get(RG, 'web01-copy')).managedBy).toBeUndefined();
    expect(w.arm.requests({ operation: 'virtualMachines.attachDetachDataDisks' }).map((r) => r.status)).toEqual([202, 202]);
  });

  test('refuses a LUN in use, a disk in another zone, and more disks than the size allows', async () => {
    const a = await copyOfWeb01('copy-a');
    await compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToAttach: [{ diskId: a, lun: 3 }] }, fast);
    const b = await copyOfWeb01('copy-b');
    expect(
      await failure(compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToAttach: [{ diskId: b, lun: 3 }] }, fast)),
    ).toMatchObject({
      statusCode: 400,
      code: 'InvalidParameter',
    });
    const elsewhere = await copyOfWeb01('copy-zone2', '2');
    expect(
      await failure(compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToAttach: [{ diskId: elsewhere }] }, fast)),
    ).toMatchObject({
      statusCode: 400,
    });
    const more = [await copyOfWeb01('copy-c'), await copyOfWeb01('copy-d'), await copyOfWeb01('copy-e'), b];
    const tooMany = await failure(
      compute.virtualMachines.attachDetachDataDisks(RG, 'web01', { dataDisksToAttach: more.map((diskId) => ({ diskId })) }, fast),
    );
    expect(tooMany).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed' });
    expect(tooMany.details.message).toBe('The maximum number of data disks allowed to be attached to a VM of this size is 4.');
    expect(w.arm.world.vm(w.web01.vm.id).dataDisks.map((d) => d.lun)).toEqual([3]);
  });
});

describe('OS disk swap preconditions', () => {
  const swap = (vmName: string, diskId: string) =>
    compute.virtualMachines
      .update(RG, vmName, { storageProfile: { osDisk: { createOption: 'FromImage', managedDisk: { id: diskId } } } }, fast)
      .submitted();

  async function deallocateWeb01(): Promise<void> {
    await compute.virtualMachines.deallocate(RG, 'web01', fast).submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
  }

  test("a disk of another Hyper-V generation: 409 PropertyChangeNotAllowed with Azure's message", async () => {
    const gen1 = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'gen1-disk', osType: 'Windows', generation: 'V1', zone: '1' });
    await deallocateWeb01();
    const err = await failure(swap('web01', gen1.id));
    expect(err).toMatchObject({ statusCode: 409, code: 'PropertyChangeNotAllowed' });
    expect(err.details.message).toContain("Please make sure the HyperVisor property on the OSDisk is HyperVisor Generation 'V2'");
  });

  test('a Standard disk for a Trusted Launch VM is refused; ADE-encrypted VMs cannot swap', async () => {
    const tl = w.arm.world.addVmWithNetwork({
      resourceGroup: w.rg,
      name: 'tl01',
      zone: '1',
      powerState: 'deallocated',
      securityType: 'TrustedLaunch',
      vnetAddressPrefix: '10.5.0.0/16',
      subnetAddressPrefix: '10.5.0.0/24',
    });
    const plain = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'plain', osType: 'Windows', generation: 'V2', zone: '1' });
    expect(await failure(swap('tl01', plain.id))).toMatchObject({ statusCode: 409, code: 'PropertyChangeNotAllowed' });
    const matching = w.arm.world.addDisk({
      resourceGroup: w.rg,
      name: 'tl-copy',
      osType: 'Windows',
      generation: 'V2',
      zone: '1',
      traits: { securityType: 'TrustedLaunch' },
    });
    await swap('tl01', matching.id);
    expect(w.arm.world.vm(tl.vm.id).osDiskId).toBe(matching.id);

    const ade = w.arm.world.addVmWithNetwork({
      resourceGroup: w.rg,
      name: 'ade01',
      zone: '1',
      powerState: 'deallocated',
      osDiskTraits: { adeEncrypted: true },
      vnetAddressPrefix: '10.6.0.0/16',
      subnetAddressPrefix: '10.6.0.0/24',
    });
    const other = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'ade-other', osType: 'Windows', generation: 'V2', zone: '1' });
    expect(await failure(swap('ade01', other.id))).toMatchObject({
      statusCode: 409,
      code: 'OSDiskSwapNotSupportedForVMsUsingDiskEncryption',
    });
    expect(w.arm.world.vm(ade.vm.id).osDiskId).not.toBe(other.id);
  });
});

describe('disk copies keep what their source carries', () => {
  test(
    'copied directly or through a snapshot: security type, controller types, architecture, access policy; tags set and ' + 'patched',
    async () => {
      const source = w.arm.world.addDisk({
        resourceGroup: w.rg,
        name: 'source',
        osType: 'Windows',
        generation: 'V2',
        zone: '1',
        traits: { securityType: 'TrustedLaunch', diskControllerTypes: 'SCSI, NVMe', architecture: 'x64', networkAccessPolicy: 'DenyAll' },
      });
      await compute.snapshots
        .createOrUpdate(
          RG,
          'source-snap',
          { location: 'westeurope', incremental: true, creationData: { createOption: 'Copy', sourceResourceId: source.id } },
          fast,
        )
        .submitted();
      w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
      for (const [name, from] of [
        ['copy-direct', source.id],
        ['copy-via-snapshot', (await compute.snapshots.get(RG, 'source-snap')).id!],
      ] as const) {
        await compute.disks
          .createOrUpdate(
            RG,
            name,
            {
              location: 'westeurope',
              zones: ['1'],
              tags: { 'rdp-autorepair-repair-id': 'r1' },
              creationData: { createOption: 'Copy', sourceResourceId: from },
            },
            fast,
          )
          .submitted();
        w.arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
        const copy = await compute.disks.get(RG, name);
        expect(copy).toMatchObject({
          provisioningState: 'Succeeded',
          osType: 'Windows',
          hyperVGeneration: 'V2',
          zones: ['1'],
          securityProfile: { securityType: 'TrustedLaunch' },
          supportedCapabilities: { diskControllerTypes: 'SCSI, NVMe', architecture: 'x64' },
          networkAccessPolicy: 'DenyAll',
          tags: { 'rdp-autorepair-repair-id': 'r1' },
        });
      }
      await compute.disks.update(RG, 'source', { tags: { 'rdp-autorepair-original-of': 'web01' } }, fast).submitted();
      expect((await compute.disks.get(RG, 'source')).tags).toEqual({ 'rdp-autorepair-original-of': 'web01' });
    },
  );
});

describe('an ephemeral rescue VM comes and goes without leaving anything behind', () => {
  test(
    'NIC create, VM create with deleteOption Delete, VM delete: VM, OS disk and NIC gone; an attached copy detached and ' + 'kept',
    async () => {
      const network = w.clients.network(SUB);
      const before = w.arm.world.store.disks.values().length + w.arm.world.store.networkInterfaces.values().length;
      await network.networkInterfaces
        .createOrUpdate(
          RG,
          'rescue-nic',
          {
            location: 'westeurope',
            tags: { 'rdp-autorepair-repair-id': 'r1' },
            ipConfigurations: [{ name: 'ipconfig1', subnet: { id: w.web01.subnet.id } }],
          },
          fast,
        )
        .submitted();
      const nicId = (await network.networkInterfaces.get(RG, 'rescue-nic')).id!;
      const body = rescueVm({ nicId });
      body.storageProfile!.osDisk!.deleteOption = 'Delete';
      body.networkProfile!.networkInterfaces![0]!.deleteOption = 'Delete';
      await compute.virtualMachines.createOrUpdate(RG, 'rescue', body, fast).submitted();
      w.arm.clock.advanceBy(LATENCY_MODEL.vmCreate.ms);
      const copy = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'web01-copy', osType: 'Windows', generation: 'V2', zone: '1' });
      await compute.virtualMachines.attachDetachDataDisks(RG, 'rescue', { dataDisksToAttach: [{ diskId: copy.id }] }, fast);

      expect(await failure(network.networkInterfaces.delete(RG, 'rescue-nic', fast).submitted())).toMatchObject({
        statusCode: 400,
        code: 'NicInUse',
      });
      await compute.virtualMachines.delete(RG, 'rescue', fast).submitted();
      w.arm.clock.advanceBy(LATENCY_MODEL.vmDelete.ms);
      w.arm.sync();
      expect(w.arm.world.store.virtualMachines.values().map((v) => v.name)).not.toContain('rescue');
      expect(w.arm.world.store.disks.values().map((d) => d.name)).not.toContain('rescue-os');
      expect(w.arm.world.store.networkInterfaces.get(nicId)).toBeUndefined();
      expect(w.arm.world.disk(copy.id).managedBy).toBeUndefined();
      // Only the copy is left of what was made.
      expect(w.arm.world.store.disks.values().length + w.arm.world.store.networkInterfaces.values().length).toBe(before + 1);
    },
  );
});

test(
  'starting a deallocated VM whose size is no longer offered in its zone ends Failed with ZonalAllocationFailed; the VM ' +
    'stays deallocated',
  async () => {
    await compute.virtualMachines.deallocate(RG, 'web01', fast).submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    w.arm.world.capacity.restrictSize({ location: 'westeurope', size: 'Standard_D2s_v5', zones: ['1'] });
    const poller = compute.virtualMachines.start(RG, 'web01', fast);
    await poller.submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
    const err = await failure(poller.pollUntilDone());
    expect(err).toMatchObject({ code: 'ZonalAllocationFailed', kind: 'transient', details: { longRunningOperationFailed: true } });
    expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('deallocated');
  },
);
