/**
 * SIMULATED (bench only): the disk operations of an offline repair done by hand, shared by the baselines: copy the
 * OS disk, create a rescue VM from a marketplace image, attach and detach the copy, run the offline script on it,
 * swap it in. Each call waits for its operation before returning (a CLI is sequential).
 */
import { formatTypedResourceId, parseResourceId, ResourceTypes } from '../../azure/resourceId';
import type { OfflineRepairResult } from '../../domain/guestScriptContracts';
import { attachSimulatedGuest, SimulatedWindowsGuest } from '../guest';
import { type ArmDriver, BaselineStepFailed } from './armDriver';

/** The LUN a hand-run repair attaches the copy at (`az vm repair` attaches the copy as the rescue VM's first data disk). */
const COPY_LUN = 0;

export interface VmDisk {
  osDiskId: string;
  location: string;
  generation: 1 | 2;
  sizeGiB: number;
  subnetId: string;
  zones: string[] | undefined;
}

export async function readVmDisk(driver: ArmDriver, vmId: string): Promise<VmDisk> {
  const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
  const read = await driver.compute(vmId).virtualMachines.get(vm.resourceGroup, vm.name);
  const osDiskId = read.storageProfile?.osDisk?.managedDisk?.id;
  const nicId = read.networkProfile?.networkInterfaces?.[0]?.id;
  if (!osDiskId || !nicId) throw new BaselineStepFailed('the VM has no managed OS disk or no NIC');
  const disk = parseResourceId(osDiskId, ResourceTypes.disk);
  const diskRead = await driver.compute(osDiskId).disks.get(disk.resourceGroup, disk.name);
  const nic = parseResourceId(nicId);
  const nicRead = await driver.network(nicId).networkInterfaces.get(nic.resourceGroup, nic.name);
  const subnetId = nicRead.ipConfigurations?.[0]?.subnet?.id;
  if (!subnetId) throw new BaselineStepFailed('the NIC has no subnet');
  return {
    osDiskId,
    location: read.location,
    generation: diskRead.hyperVGeneration === 'V1' ? 1 : 2,
    sizeGiB: diskRead.diskSizeGB ?? 127,
    subnetId,
    zones: read.zones,
  };
}

/** A full copy of the OS disk (`az disk create --source <os disk>`): no snapshot first. */
export async function copyDisk(driver: ArmDriver, vmId: string, disk: VmDisk, name: string): Promise<string> {
  const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
  const poller = driver.compute(vmId).disks.createOrUpdate(
    vm.resourceGroup,
    name,
    {
      location: disk.location,
      ...(disk.zones ? { zones: disk.zones } : {}),
      creationData: { createOption: 'Copy', sourceResourceId: disk.osDiskId },
    },
    { updateIntervalInMs: 1 },
  );
  await driver.untilDone('copy the OS disk', poller);
  return formatTypedResourceId(ResourceTypes.disk, vm.subscriptionId, vm.resourceGroup, name);
}

/**
 * A rescue VM from a marketplace image on the broken VM's subnet, without a public address, as `az vm repair
 * create` makes one: a NIC, then the VM. The image differs from the scenario VMs' (2022 Azure Edition) so the copy's
 * disk signature does not collide (erratum 13). Its simulated Windows guest is attached so Run Command reaches it.
 */
export async function createRescueVm(driver: ArmDriver, vmId: string, disk: VmDisk, name: string): Promise<string> {
  const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
  const nicPoller = driver
    .network(vmId)
    .networkInterfaces.createOrUpdate(
      vm.resourceGroup,
      `${name}-nic`,
      { location: disk.location, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: disk.subnetId } }] },
      { updateIntervalInMs: 1 },
    );
  await driver.untilDone('create the rescue NIC', nicPoller);
  const nicId = formatTypedResourceId(ResourceTypes.networkInterface, vm.subscriptionId, vm.resourceGroup, `${name}-nic`);
  const vmPoller = driver.compute(vmId).virtualMachines.createOrUpdate(
    vm.resourceGroup,
    name,
    {
      location: disk.location,
      ...(disk.zones ? { zones: disk.zones } : {}),
      hardwareProfile: { vmSize: 'Standard_D2s_v5' },
      storageProfile: {
        imageReference: {
          publisher: 'MicrosoftWindowsServer',
          offer: 'WindowsServer',
          sku: disk.generation === 1 ? '2019-datacenter' : '2019-datacenter-gensecond',
          version: 'latest',
        },
        osDisk: { createOption: 'FromImage', deleteOption: 'Delete' },
      },
      osProfile: { computerName: name.slice(0, 15), adminUsername: 'repairadmin', adminPassword: 'not-a-secret-SIMULATED-1' },
      networkProfile: { networkInterfaces: [{ id: nicId, deleteOption: 'Delete' }] },
    },
    { updateIntervalInMs: 1 },
  );
  await driver.untilDone('create the rescue VM', vmPoller);
  const rescueId = formatTypedResourceId(ResourceTypes.virtualMachine, vm.subscriptionId, vm.resourceGroup, name);
  const guest = new SimulatedWindowsGuest({}, { nowMs: driver.nowMs() });
  attachSimulatedGuest(driver.app.arm, rescueId, guest);
  driver.app.diskContents.addGuest(rescueId, guest);
  if (!(await driver.untilAgentReady(rescueId, 10 * 60_000))) throw new BaselineStepFailed('the rescue VM agent never became Ready');
  return rescueId;
}

export async function attach(driver: ArmDriver, rescueVmId: string, diskId: string): Promise<number> {
  const vm = parseResourceId(rescueVmId, ResourceTypes.virtualMachine);
  const poller = driver
    .compute(rescueVmId)
    .virtualMachines.attachDetachDataDisks(
      vm.resourceGroup,
      vm.name,
      { dataDisksToAttach: [{ diskId, lun: COPY_LUN }] },
      { updateIntervalInMs: 1 },
    );
  await driver.untilDone('attach the copy', poller);
  return COPY_LUN;
}

export async function detach(driver: ArmDriver, rescueVmId: string, diskId: string): Promise<void> {
  const vm = parseResourceId(rescueVmId, ResourceTypes.virtualMachine);
  const poller = driver
    .compute(rescueVmId)
    .virtualMachines.attachDetachDataDisks(vm.resourceGroup, vm.name, { dataDisksToDetach: [{ diskId }] }, { updateIntervalInMs: 1 });
  await driver.untilDone('detach the copy', poller);
}

export async function runOfflineScript(driver: ArmDriver, rescueVmId: string, disk: VmDisk, lun: number): Promise<OfflineRepairResult> {
  return driver.runScript(rescueVmId, 'offline-repair', {
    Lun: lun,
    DiskSizeGiB: disk.sizeGiB,
    Generation: disk.generation,
    RunId: `bench${driver.nowMs()}`,
    DetectOnly: false,
    AllowLegacyTls: false,
  });
}

/** `az vm update --os-disk <copy>` on the deallocated VM. */
export async function swapOsDisk(driver: ArmDriver, vmId: string, diskId: string): Promise<void> {
  const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
  const poller = driver
    .compute(vmId)
    .virtualMachines.update(
      vm.resourceGroup,
      vm.name,
      { storageProfile: { osDisk: { createOption: 'FromImage', managedDisk: { id: diskId } } } },
      { updateIntervalInMs: 1 },
    );
  await driver.untilDone('swap the OS disk', poller);
}
