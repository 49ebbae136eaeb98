/**
 * SIMULATED: Microsoft.Compute resources in ARM's wire shape (as in the azure-rest-api-specs examples
 * VirtualMachine_Get_WithInstanceView, Disk_Get, Snapshot_Get): `id`, `name`, `type`, `location`, `tags`,
 * `zones`, `properties`.
 */
import type { World } from '../world/world';
import type { DiskState, DiskTraits, PowerState, SnapshotState, VirtualMachineState } from '../world/types';
import { isAllocated } from '../world/vmStatus';

const POWER_DISPLAY: Record<PowerState, string> = {
  starting: 'VM starting',
  running: 'VM running',
  stopping: 'VM stopping',
  stopped: 'VM stopped',
  deallocating: 'VM deallocating',
  deallocated: 'VM deallocated',
};

export function renderVirtualMachine(world: World, vm: VirtualMachineState, withInstanceView: boolean): Record<string, unknown> {
  const osDisk = vm.osDiskId ? world.store.disks.get(vm.osDiskId) : undefined;
  return {
    id: vm.id,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: { ...vm.tags },
    ...(vm.zones ? { zones: [...vm.zones] } : {}),
    etag: vm.etag,
    properties: {
      vmId: vm.vmId,
      hardwareProfile: { vmSize: vm.vmSize },
      ...(vm.securityType && vm.securityType !== 'Standard'
        ? {
            securityProfile: {
              securityType: vm.securityType,
              uefiSettings: { secureBootEnabled: true, vTpmEnabled: true },
            },
          }
        : {}),
      storageProfile: {
        imageReference: { ...vm.imageReference, exactVersion: vm.imageExactVersion ?? vm.osVersion },
        osDisk: {
          osType: vm.osType,
          name: osDisk?.name ?? vm.osDiskName,
          createOption: vm.osDiskCreateOption,
          caching: 'ReadWrite',
          ...(vm.osDiskId
            ? { managedDisk: { id: vm.osDiskId, storageAccountType: osDisk?.skuName ?? 'Premium_LRS' } }
            : { vhd: { uri: vm.unmanagedOsDiskUri } }),
          deleteOption: vm.osDiskDeleteOption ?? 'Detach',
          diskSizeGB: osDisk?.sizeGb ?? 127,
        },
        dataDisks: vm.dataDisks.map((d) => {
          const disk = world.store.disks.get(d.diskId);
          return {
            lun: d.lun,
            name: d.name,
            createOption: 'Attach',
            caching: 'None',
            managedDisk: { id: d.diskId, storageAccountType: disk?.skuName ?? 'Premium_LRS' },
            deleteOption: 'Detach',
            diskSizeGB: disk?.sizeGb ?? 0,
            toBeDetached: false,
          };
        }),
        diskControllerType: 'SCSI',
      },
      osProfile: {
        computerName: vm.computerName,
        adminUsername: vm.adminUsername,
        ...(vm.osType === 'Windows'
          ? {
              windowsConfiguration: { provisionVMAgent: true, enableAutomaticUpdates: true, patchSettings: { patchMode: 'AutomaticByOS' } },
            }
          : { linuxConfiguration: { disablePasswordAuthentication: true, provisionVMAgent: true } }),
        secrets: [],
        allowExtensionOperations: true,
      },
      networkProfile: {
        networkInterfaces: vm.nicIds.map((id, i) => ({ id, properties: { primary: i === 0 } })),
      },
      // VirtualMachine_Get.json: enabled with a storageUri for an owner's account; managed storage has none.
      diagnosticsProfile: {
        bootDiagnostics:
          vm.bootDiagnostics === 'custom'
            ? {
                enabled: true,
                storageUri: `https://${vm.name
                  .replace(/[^a-z0-9]/gi, '')
                  .toLowerCase()
                  .slice(0, 16)}diag.blob.core.windows.net/`,
              }
            : { enabled: vm.bootDiagnostics === 'managed' },
      },
      securityProfile:
        vm.hyperVGeneration === 'V2'
          ? { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } }
          : undefined,
      provisioningState: vm.provisioningState,
      timeCreated: vm.timeCreated,
      ...(withInstanceView ? { instanceView: renderInstanceView(world, vm) } : {}),
    },
  };
}

/** GET .../virtualMachines/{vm}/instanceView and the `instanceView` of `$expand=instanceView`. */
export function renderInstanceView(world: World, vm: VirtualMachineState): Record<string, unknown> {
  const agent = world.agentStatusOf(vm);
  const osDisk = vm.osDiskId ? world.store.disks.get(vm.osDiskId) : undefined;
  const provisioning = vm.provisioningState.toLowerCase();
  return {
    computerName: vm.computerName,
    ...(agent === 'Ready' ? { osName: vm.osName, osVersion: vm.osVersion } : {}),
    hyperVGeneration: vm.hyperVGeneration,
    ...(agent !== undefined ? { vmAgent: renderAgent(vm, agent, world.clock.now().toISOString()) } : {}),
    disks: [
      {
        name: osDisk?.name ?? vm.osDiskName,
        statuses: [{ code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: vm.timeCreated }],
      },
      ...vm.dataDisks.map((d) => ({
        name: d.name,
        statuses: [
          { code: 'ProvisioningState/succeeded', level: 'Info', displayStatus: 'Provisioning succeeded', time: vm.provisioningChangedAt },
        ],
      })),
    ],
    bootDiagnostics: {},
    statuses: [
      {
        code: `ProvisioningState/${provisioning}`,
        level: vm.provisioningState === 'Failed' ? 'Error' : 'Info',
        displayStatus: `Provisioning ${provisioning}`,
        time: vm.provisioningChangedAt,
      },
      { code: `PowerState/${vm.powerState}`, level: 'Info', displayStatus: POWER_DISPLAY[vm.powerState] },
    ],
  };
}

function renderAgent(vm: VirtualMachineState, agent: 'Ready' | 'NotReady' | 'Unknown', now: string): Record<string, unknown> {
  if (agent === 'Ready') {
    return {
      vmAgentVersion: vm.agentVersion,
      statuses: [
        {
          code: 'ProvisioningState/succeeded',
          level: 'Info',
          displayStatus: 'Ready',
          message: 'GuestAgent is running and processing the extensions.',
          time: now,
        },
      ],
      extensionHandlers: [],
    };
  }
  if (agent === 'Unknown') {
    // No status blob from the guest at all: Azure shows neither a version nor a status.
    return { vmAgentVersion: 'Unknown', statuses: [], extensionHandlers: [] };
  }
  return {
    vmAgentVersion: 'Unknown',
    statuses: [
      {
        code: 'ProvisioningState/Unavailable',
        level: 'Warning',
        displayStatus: 'Not Ready',
        message: 'VM Agent is unresponsive.',
        time: now,
      },
    ],
    extensionHandlers: [],
  };
}

export function renderDisk(world: World, disk: DiskState): Record<string, unknown> {
  const vm = disk.managedBy ? world.store.virtualMachines.get(disk.managedBy) : undefined;
  const diskState = !vm ? 'Unattached' : isAllocated(vm.powerState) ? 'Attached' : 'Reserved';
  return {
    id: disk.id,
    name: disk.name,
    type: 'Microsoft.Compute/disks',
    location: disk.location,
    tags: { ...disk.tags },
    ...(disk.zones ? { zones: [...disk.zones] } : {}),
    ...(disk.managedBy ? { managedBy: disk.managedBy } : {}),
    sku: { name: disk.skuName, tier: disk.skuName.startsWith('Premium') ? 'Premium' : 'Standard' },
    properties: {
      ...(disk.osType ? { osType: disk.osType } : {}),
      ...(disk.hyperVGeneration ? { hyperVGeneration: disk.hyperVGeneration } : {}),
      creationData: {
        createOption: disk.createOption,
        ...(disk.sourceResourceId ? { sourceResourceId: disk.sourceResourceId } : {}),
      },
      diskSizeGB: disk.sizeGb,
      diskSizeBytes: disk.sizeGb * 1024 ** 3,
      uniqueId: disk.uniqueId,
      ...renderTraits(disk),
      publicNetworkAccess: 'Enabled',
      timeCreated: disk.timeCreated,
      provisioningState: disk.provisioningState,
      diskState,
    },
  };
}

/** The traits a copy keeps, in the Disk_Get example's shape. */
function renderTraits(traits: DiskTraits): Record<string, unknown> {
  const capabilities = {
    ...(traits.diskControllerTypes ? { diskControllerTypes: traits.diskControllerTypes } : {}),
    ...(traits.architecture ? { architecture: traits.architecture } : {}),
  };
  return {
    ...(traits.securityType && traits.securityType !== 'Standard'
      ? {
          securityProfile: {
            securityType:
              traits.securityType === 'ConfidentialVM' ? 'ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey' : traits.securityType,
          },
        }
      : {}),
    ...(Object.keys(capabilities).length ? { supportedCapabilities: capabilities } : {}),
    ...(traits.adeEncrypted ? { encryptionSettingsCollection: { enabled: true, encryptionSettingsVersion: '1.1' } } : {}),
    encryption: { type: 'EncryptionAtRestWithPlatformKey' },
    networkAccessPolicy: traits.networkAccessPolicy ?? 'AllowAll',
  };
}

export function renderSnapshot(world: World, snapshot: SnapshotState): Record<string, unknown> {
  return {
    id: snapshot.id,
    name: snapshot.name,
    type: 'Microsoft.Compute/snapshots',
    location: snapshot.location,
    tags: { ...snapshot.tags },
    sku: { name: snapshot.skuName, tier: 'Standard' },
    properties: {
      ...(snapshot.osType ? { osType: snapshot.osType } : {}),
      ...(snapshot.hyperVGeneration ? { hyperVGeneration: snapshot.hyperVGeneration } : {}),
      creationData: {
        createOption: 'Copy',
        sourceResourceId: snapshot.sourceResourceId,
        sourceUniqueId: snapshot.sourceUniqueId,
      },
      diskSizeGB: snapshot.sizeGb,
      diskSizeBytes: snapshot.sizeGb * 1024 ** 3,
      incremental: snapshot.incremental,
      uniqueId: snapshot.uniqueId,
      ...renderTraits(snapshot),
      publicNetworkAccess: 'Enabled',
      timeCreated: snapshot.timeCreated,
      provisioningState: snapshot.provisioningState,
      diskState: 'Unattached',
      // Microsoft docs ("Create an incremental snapshot for managed disks", "Copy an incremental snapshot to a new
      // region"): CompletionPercent (and the snapshot's access state) tell when a snapshot of a Premium SSD v2 or
      // Ultra disk, or a cross-region copy, becomes usable. Whether Azure also reports them for other snapshots is
      // not documented: they are left out here, so a client has to proceed on provisioningState alone.
      ...(snapshot.backgroundCopy
        ? {
            completionPercent: world.completionPercent(snapshot),
            snapshotAccessState: world.completionPercent(snapshot) >= 100 ? 'Available' : 'Pending',
          }
        : {}),
    },
  };
}
