/**
 * Activities: copy the (deallocated) VM's OS disk to a new managed disk, and read a disk. The copy is a direct
 * DiskRP copy (createOption Copy) made only once the VM is deallocated, so it holds every write the VM made. It
 * carries explicitly what a swap needs to match (zone, SKU, size, generation, OS type, security type, controller
 * types, architecture, network access policy, encryption set). Idempotent: the name comes from the orchestrator;
 * an existing disk of that name is returned, never re-PUT.
 */
import type { Disk } from '@azure/arm-compute';
import { classifyAzureError } from '../azure/errors';
import { startLro } from '../azure/lro';
import { formatTypedResourceId, parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { CopyOsDiskInput, DiskReading } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { osDiskPropertiesFromArm } from './osDiskTraitsFromArm';
import { ok, settleAzureError } from './settle';

export function diskReadingOf(disk: Disk): DiskReading {
  return {
    found: true,
    diskId: disk.id ?? '',
    provisioningState: disk.provisioningState ?? 'Unknown',
    managedBy: disk.managedBy ?? null,
    properties: osDiskPropertiesFromArm(disk),
  };
}

export function copyDiskBody(input: CopyOsDiskInput): Disk {
  const c = input.carry;
  const disk: Disk = {
    location: c.location,
    tags: input.tags,
    creationData: { createOption: 'Copy', sourceResourceId: input.sourceDiskId },
  };
  if (c.zone !== null) disk.zones = [c.zone];
  if (c.skuName !== null) disk.sku = { name: c.skuName as NonNullable<Disk['sku']>['name'] };
  if (c.sizeGiB !== null) disk.diskSizeGB = c.sizeGiB;
  if (c.hyperVGeneration !== null) disk.hyperVGeneration = c.hyperVGeneration;
  if (c.osType !== null) disk.osType = c.osType;
  if (c.securityType !== null)
    disk.securityProfile = { securityType: c.securityType as NonNullable<Disk['securityProfile']>['securityType'] };
  if (c.diskControllerTypes !== null || c.architecture !== null) {
    disk.supportedCapabilities = {
      ...(c.diskControllerTypes !== null ? { diskControllerTypes: c.diskControllerTypes } : {}),
      ...(c.architecture !== null ? { architecture: c.architecture as NonNullable<Disk['supportedCapabilities']>['architecture'] } : {}),
    };
  }
  if (c.networkAccessPolicy !== null) disk.networkAccessPolicy = c.networkAccessPolicy as Disk['networkAccessPolicy'];
  if (c.diskEncryptionSetId !== null) disk.encryption = { diskEncryptionSetId: c.diskEncryptionSetId };
  return disk;
}

export async function copyOsDisk(input: CopyOsDiskInput, deps: ActivityDeps): Promise<ActivityResult<DiskReading>> {
  try {
    const vm = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(vm.subscriptionId);
    const diskId = formatTypedResourceId(ResourceTypes.disk, vm.subscriptionId, vm.resourceGroup, input.name);
    try {
      return ok(diskReadingOf(await compute.disks.get(vm.resourceGroup, input.name)));
    } catch (err) {
      if (classifyAzureError(err, 'read OS disk copy', diskId).statusCode !== 404) throw err;
    }
    const poller = compute.disks.createOrUpdate(vm.resourceGroup, input.name, copyDiskBody(input), {
      updateIntervalInMs: deps.arm.lroPollIntervalMs,
    });
    await startLro(poller, { operation: 'copy OS disk', resourceId: input.sourceDiskId });
    return ok(diskReadingOf(await compute.disks.get(vm.resourceGroup, input.name)));
  } catch (err) {
    return settleAzureError(err, 'copy OS disk', input.sourceDiskId);
  }
}

export async function readDisk(input: { diskId: string }, deps: ActivityDeps): Promise<ActivityResult<DiskReading>> {
  try {
    const d = parseResourceId(input.diskId, ResourceTypes.disk);
    try {
      return ok(diskReadingOf(await deps.arm.compute(d.subscriptionId).disks.get(d.resourceGroup, d.name)));
    } catch (err) {
      if (classifyAzureError(err, 'read disk', input.diskId).statusCode !== 404) throw err;
      return ok({ found: false, diskId: input.diskId, provisioningState: 'NotFound', managedBy: null, properties: null });
    }
  } catch (err) {
    return settleAzureError(err, 'read disk', input.diskId);
  }
}
