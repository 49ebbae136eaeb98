/**
 * SIMULATED: PUT of a VM that does not exist yet (an ephemeral rescue VM). Supports what a rescue VM needs:
 * existing NICs, an OS disk from a marketplace image (`FromImage`) or an existing managed disk (`Attach`),
 * existing data disks, a zone. The image, the size in that location and zone, and the vCPU quota are checked
 * as Azure checks them (world/computeCapacity.ts). The admin password in `osProfile` is read by nothing and
 * stored nowhere.
 */
import { formatTypedResourceId, ResourceTypes } from '../../../azure/resourceId';
import { badRequest, conflict, ArmHttpError } from '../http/armErrors';
import type { DiskState, HyperVGeneration, OsType, ResourceGroupState, SecurityType, VirtualMachineState } from '../world/types';
import type { World } from '../world/world';
import { objectAt, stringAt, tagsFrom, type HandlerDeps } from './common';
import { applyVmUpdate } from './virtualMachineUpdate';

export function createVirtualMachine(
  deps: HandlerDeps,
  rg: ResourceGroupState,
  name: string,
  body: Record<string, unknown>,
): VirtualMachineState {
  const { world } = deps;
  const location = stringAt(body, 'location');
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.', 'location');
  const id = formatTypedResourceId(ResourceTypes.virtualMachine, rg.subscriptionId, rg.name, name);
  const zones = Array.isArray(body.zones) ? (body.zones as unknown[]).filter((z): z is string => typeof z === 'string') : undefined;

  const nicRefs = objectAt(body, 'properties', 'networkProfile')?.networkInterfaces;
  if (!Array.isArray(nicRefs) || nicRefs.length === 0) {
    throw badRequest('InvalidParameter', 'At least one network interface is required.', 'properties.networkProfile.networkInterfaces');
  }
  const nics = nicRefs.map((ref, i) => {
    const nicId = stringAt(ref, 'id');
    const nic = nicId ? world.store.networkInterfaces.get(nicId) : undefined;
    if (!nic)
      throw new ArmHttpError(404, 'NotFound', `Network interface '${nicId ?? `#${i}`}' was not found.`, `networkInterfaces[${i}].id`);
    if (nic.vmId)
      throw badRequest('NicInUse', `Network Interface ${nic.id} is used by existing resource ${nic.vmId}.`, `networkInterfaces[${i}].id`);
    return nic;
  });

  const image = objectAt(body, 'properties', 'storageProfile', 'imageReference');
  // Nothing changes until every part of the request has been validated: the OS disk is committed last.
  const os = planOsDisk(world, rg, id, name, location, zones, body);
  const { osType, generation, osDiskId, osDiskName, createOption } = os;
  const vmSize = stringAt(body, 'properties', 'hardwareProfile', 'vmSize') ?? 'Standard_D2s_v5';
  const securityType = stringAt(body, 'properties', 'securityProfile', 'securityType') as SecurityType | undefined;
  if (securityType && !['Standard', 'TrustedLaunch', 'ConfidentialVM'].includes(securityType)) {
    throw badRequest('InvalidParameter', `securityProfile.securityType '${securityType}' is not valid.`, 'securityProfile.securityType');
  }
  if (os.attachedDisk && (os.attachedDisk.securityType ?? 'Standard') !== (securityType ?? 'Standard')) {
    // An attached OS disk must have the VM's security type (code assumed, as for the OS disk swap).
    throw conflict(
      'PropertyChangeNotAllowed',
      `The security type of disk '${os.attachedDisk.name}' (${os.attachedDisk.securityType ?? 'Standard'}) does not ` +
        `match the VM's (${securityType ?? 'Standard'}).`,
      'securityProfile.securityType',
    );
  }
  const placement = { vmId: id, subscriptionId: rg.subscriptionId, location, ...(zones?.length ? { zones } : {}), size: vmSize };
  world.capacity.checkSizeOffered(placement);
  world.capacity.checkQuota(
    placement,
    world.store.virtualMachines.values().map((v) => ({ size: v.vmSize, subscriptionId: v.subscriptionId, location: v.location })),
  );

  const now = world.clock.now().toISOString();
  const vm: VirtualMachineState = {
    id,
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
    name,
    location,
    tags: tagsFrom(body) ?? {},
    etag: world.newEtag(),
    ...(zones?.length ? { zones } : {}),
    vmSize,
    ...(securityType && securityType !== 'Standard' ? { securityType } : {}),
    osType,
    hyperVGeneration: generation,
    computerName: stringAt(body, 'properties', 'osProfile', 'computerName') ?? name.slice(0, 15),
    adminUsername: stringAt(body, 'properties', 'osProfile', 'adminUsername') ?? 'azureadmin',
    imageReference: {
      publisher: stringAt(image, 'publisher') ?? 'MicrosoftWindowsServer',
      offer: stringAt(image, 'offer') ?? 'WindowsServer',
      sku: stringAt(image, 'sku') ?? '2022-datacenter-azure-edition',
      version: stringAt(image, 'version') ?? 'latest',
    },
    ...(os.imageVersion ? { imageExactVersion: os.imageVersion } : {}),
    osDiskId,
    osDiskName,
    osDiskCreateOption: createOption,
    dataDisks: [],
    nicIds: nics.map((n) => n.id),
    ...(stringAt(body, 'properties', 'storageProfile', 'osDisk', 'deleteOption') === 'Delete'
      ? { osDiskDeleteOption: 'Delete' as const }
      : {}),
    nicIdsDeletedWithVm: nics
      .filter(
        (_, i) => stringAt(nicRefs[i], 'properties', 'deleteOption') === 'Delete' || stringAt(nicRefs[i], 'deleteOption') === 'Delete',
      )
      .map((n) => n.id),
    powerState: 'starting',
    provisioningState: 'Creating',
    agentHealth: 'Ready',
    bootedAtMs: Number.POSITIVE_INFINITY,
    provisioningChangedAt: now,
    agentVersion: osType === 'Windows' ? '2.7.41491.1176' : '2.13.1.1',
    osName: osType === 'Windows' ? 'Windows Server 2022 Datacenter Azure Edition' : 'ubuntu',
    osVersion: osType === 'Windows' ? '10.0.20348.3091' : '24.04',
    vmId: world.guids.guid(),
    timeCreated: now,
    // ARM's own default: boot diagnostics only when the body asks (a storageUri means a storage account of the owner's).
    bootDiagnostics:
      objectAt(body, 'properties', 'diagnosticsProfile', 'bootDiagnostics')?.enabled === true
        ? stringAt(body, 'properties', 'diagnosticsProfile', 'bootDiagnostics', 'storageUri')
          ? 'custom'
          : 'managed'
        : 'off',
  };
  // Data disks go through the same validation as an update (which validates before it changes anything).
  const dataDisks = objectAt(body, 'properties', 'storageProfile')?.dataDisks;
  if (dataDisks !== undefined) applyVmUpdate(world, vm, { properties: { storageProfile: { dataDisks } } });
  os.commit();
  const madeOsDisk = createOption === 'FromImage' ? world.store.disks.get(osDiskId) : undefined;
  if (madeOsDisk && vm.securityType) madeOsDisk.securityType = vm.securityType;
  world.store.virtualMachines.set(id, vm);
  for (const nic of nics) nic.vmId = id;
  world.emit({ kind: 'resourceCreated', at: world.clock.now(), resourceId: id, resourceType: 'Microsoft.Compute/virtualMachines' });
  return vm;
}

interface OsDiskPlan {
  createOption: 'FromImage' | 'Attach';
  /** The concrete image version for FromImage. */
  imageVersion?: string;
  /** The existing disk for Attach. */
  attachedDisk?: DiskState;
  osType: OsType;
  generation: HyperVGeneration;
  osDiskId: string;
  osDiskName: string;
  /** Attaches the existing disk, or creates the one made from the image. */
  commit: () => void;
}

function planOsDisk(
  world: World,
  rg: ResourceGroupState,
  vmId: string,
  vmName: string,
  location: string,
  zones: string[] | undefined,
  body: Record<string, unknown>,
): OsDiskPlan {
  const osDisk = objectAt(body, 'properties', 'storageProfile', 'osDisk');
  const image = objectAt(body, 'properties', 'storageProfile', 'imageReference');
  const createOption = stringAt(osDisk, 'createOption');

  if (createOption === 'Attach') {
    const diskId = stringAt(osDisk, 'managedDisk', 'id');
    const disk = diskId ? world.store.disks.get(diskId) : undefined;
    if (!disk) throw new ArmHttpError(404, 'NotFound', `Managed disk '${diskId ?? ''}' was not found.`, 'osDisk.managedDisk.id');
    if (disk.managedBy)
      throw conflict('OperationNotAllowed', `Disk '${disk.name}' is already attached to VM '${disk.managedBy}'.`, 'osDisk');
    return {
      createOption,
      attachedDisk: disk,
      osType: disk.osType ?? (stringAt(osDisk, 'osType') as OsType | undefined) ?? 'Windows',
      generation: disk.hyperVGeneration ?? 'V1',
      osDiskId: disk.id,
      osDiskName: disk.name,
      commit: () => {
        disk.managedBy = vmId;
      },
    };
  }

  if (createOption !== 'FromImage') {
    throw badRequest('InvalidParameter', 'storageProfile.osDisk.createOption must be FromImage or Attach.', 'osDisk.createOption');
  }
  if (!image) throw badRequest('InvalidParameter', 'imageReference is required with createOption FromImage.', 'imageReference');
  const resolved = world.capacity.resolveImage({
    publisher: stringAt(image, 'publisher'),
    offer: stringAt(image, 'offer'),
    sku: stringAt(image, 'sku'),
    version: stringAt(image, 'version'),
  });
  const osType: OsType =
    resolved.image.publisher === 'MicrosoftWindowsServer' ? 'Windows' : ((stringAt(osDisk, 'osType') as OsType | undefined) ?? 'Linux');
  const generation: HyperVGeneration = resolved.image.generation;
  const osDiskName = stringAt(osDisk, 'name') ?? `${vmName}_OsDisk_1_${world.guids.guid().replace(/-/g, '')}`;
  const osDiskId = formatTypedResourceId(ResourceTypes.disk, rg.subscriptionId, rg.name, osDiskName);
  if (world.store.disks.has(osDiskId)) throw conflict('ConflictingUserInput', `Disk '${osDiskName}' already exists.`, 'osDisk.name');
  const sizeGb = osDisk?.diskSizeGB;
  return {
    createOption,
    imageVersion: resolved.version,
    osType,
    generation,
    osDiskId,
    osDiskName,
    commit: () => {
      world.store.disks.set(osDiskId, {
        id: osDiskId,
        subscriptionId: rg.subscriptionId,
        resourceGroup: rg.name,
        name: osDiskName,
        location,
        tags: {},
        etag: world.newEtag(),
        ...(zones?.length ? { zones } : {}),
        skuName: stringAt(osDisk, 'managedDisk', 'storageAccountType') ?? 'Premium_LRS',
        osType,
        hyperVGeneration: generation,
        sizeGb: typeof sizeGb === 'number' ? sizeGb : 127,
        createOption: 'FromImage',
        managedBy: vmId,
        provisioningState: 'Succeeded',
        timeCreated: world.clock.now().toISOString(),
        uniqueId: world.guids.guid(),
      });
      world.emit({ kind: 'resourceCreated', at: world.clock.now(), resourceId: osDiskId, resourceType: 'Microsoft.Compute/disks' });
    },
  };
}
