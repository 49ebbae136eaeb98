/** Mapping ARM's VirtualMachine and DiskRP's Disk to the facts the offline repair decides on. Pure. */
import type { Disk, VirtualMachine } from '@azure/arm-compute';
import type { OsDiskProperties, OsDiskTraits } from '../domain/offlineRepair';

export function osDiskPropertiesFromArm(disk: Disk): OsDiskProperties {
  const generation = disk.hyperVGeneration;
  const osType = disk.osType;
  return {
    id: disk.id ?? '',
    location: disk.location,
    zone: disk.zones?.[0] ?? null,
    skuName: disk.sku?.name ?? null,
    sizeGiB: disk.diskSizeGB ?? null,
    hyperVGeneration: generation === 'V1' || generation === 'V2' ? generation : null,
    osType: osType === 'Windows' || osType === 'Linux' ? osType : null,
    securityType: disk.securityProfile?.securityType ?? null,
    diskControllerTypes: disk.supportedCapabilities?.diskControllerTypes ?? null,
    architecture: disk.supportedCapabilities?.architecture ?? null,
    networkAccessPolicy: disk.networkAccessPolicy ?? null,
    maxShares: disk.maxShares ?? null,
    diskEncryptionSetId: disk.encryption?.diskEncryptionSetId ?? null,
  };
}

/** `disk` is the OS disk as DiskRP returned it, or null when it is unmanaged or could not be read. */
export function osDiskTraitsFromArm(vm: VirtualMachine, disk: Disk | null): OsDiskTraits {
  const osDisk = vm.storageProfile?.osDisk;
  // ADE dual-pass shows on the VM (osDisk.encryptionSettings); single-pass on the disk (encryptionSettingsCollection).
  const adeOnVm = osDisk?.encryptionSettings?.enabled === true;
  const adeOnDisk = disk?.encryptionSettingsCollection?.enabled === true;
  return {
    managed: osDisk?.managedDisk?.id !== undefined && osDisk.vhd === undefined,
    ephemeral: osDisk?.diffDiskSettings?.option !== undefined,
    adeEncrypted: adeOnVm || adeOnDisk,
    vmSecurityType: vm.securityProfile?.securityType ?? null,
    scaleSetId: vm.virtualMachineScaleSet?.id ?? null,
    disk: disk ? osDiskPropertiesFromArm(disk) : null,
  };
}
