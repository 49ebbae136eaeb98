/**
 * SIMULATED: the parts of a VM update (PUT on an existing VM, or PATCH) the app uses: tags, the OS disk swap
 * (`storageProfile.osDisk.managedDisk.id`) and data disk attach/detach (`storageProfile.dataDisks`).
 *
 * As in Azure, the OS disk can only be swapped while the VM is stopped (deallocated), and only for a managed
 * disk that is not attached elsewhere and matches the VM's OS type, Hyper-V generation and zone. Data disks can
 * be attached to and detached from a running VM.
 */
import { ArmHttpError, badRequest, conflict } from '../http/armErrors';
import type { DataDiskState, DiskState, VirtualMachineState } from '../world/types';
import type { World } from '../world/world';
import { sameId } from '../world/world';
import { objectAt, stringAt, tagsFrom } from './common';

/** What an update changed, with how to undo it if the operation is made to fail. */
export interface AppliedUpdate {
  changed: boolean;
  undo: () => void;
}

export function applyVmUpdate(world: World, vm: VirtualMachineState, body: Record<string, unknown>): AppliedUpdate {
  const undos: Array<() => void> = [];
  const storage = objectAt(body, 'properties', 'storageProfile');
  const newOsDiskId = stringAt(storage, 'osDisk', 'managedDisk', 'id');
  const createOption = stringAt(storage, 'osDisk', 'createOption');
  const dataDisks = storage?.dataDisks;

  if (createOption !== undefined && createOption !== vm.osDiskCreateOption) {
    // What Azure answers when a swap request sends `Attach` for a VM created FromImage: send the current value.
    throw conflict('PropertyChangeNotAllowed', "Changing property 'osDisk.createOption' is not allowed.", 'osDisk.createOption');
  }

  // Validate everything before changing anything: a refused update must leave the VM untouched.
  const swapTo = newOsDiskId && !sameId(newOsDiskId, vm.osDiskId) ? validateSwap(world, vm, newOsDiskId) : undefined;
  const diskPlan = dataDisks !== undefined ? planDataDisks(world, vm, dataDisks) : undefined;
  const tags = tagsFrom(body);

  if (swapTo) undos.push(swapOsDisk(world, vm, swapTo));
  if (diskPlan) undos.push(applyDataDisks(world, vm, diskPlan));
  if (tags) {
    const before = vm.tags;
    vm.tags = tags;
    world.emit({ kind: 'tags', at: world.clock.now(), resourceId: vm.id, before, after: { ...tags } });
    undos.push(() => {
      vm.tags = before;
    });
  }
  return {
    changed: undos.length > 0,
    undo: () => {
      for (const u of undos.reverse()) u();
    },
  };
}

function validateSwap(world: World, vm: VirtualMachineState, diskId: string): DiskState {
  const target = 'properties.storageProfile.osDisk.managedDisk.id';
  if (!vm.osDiskId) {
    throw conflict(
      'OperationNotAllowed',
      `VM '${vm.name}' uses an unmanaged OS disk; swapping it for a managed disk is not supported.`,
      target,
    );
  }
  if (vm.powerState !== 'deallocated') {
    throw conflict(
      'OperationNotAllowed',
      `Changing the OS disk of VM '${vm.name}' is not allowed while the VM is ${vm.powerState}. Stop (deallocate) the VM and retry.`,
      target,
    );
  }
  const disk = world.store.disks.get(diskId);
  if (!disk) throw new ArmHttpError(404, 'NotFound', `Managed disk '${diskId}' was not found.`, target);
  if (disk.managedBy && !sameId(disk.managedBy, vm.id)) {
    throw conflict('OperationNotAllowed', `Disk '${disk.name}' is already attached to VM '${disk.managedBy}'.`, target);
  }
  const current = world.store.disks.get(vm.osDiskId);
  if (current?.adeEncrypted || disk.adeEncrypted) {
    // Code from Microsoft's OS disk swap docs (MicrosoftDocs/azure-docs#56181); the message is not documented.
    throw conflict(
      'OSDiskSwapNotSupportedForVMsUsingDiskEncryption',
      `Swapping the OS disk of VM '${vm.name}' is not supported because it uses Azure Disk Encryption.`,
      target,
    );
  }
  if (disk.osType && disk.osType !== vm.osType) {
    throw badRequest(
      'InvalidParameter',
      `The OS type of disk '${disk.name}' (${disk.osType}) does not match the VM's (${vm.osType}).`,
      target,
    );
  }
  if (disk.hyperVGeneration && disk.hyperVGeneration !== vm.hyperVGeneration) {
    // Azure's answer, as `az vm repair` reports it (MicrosoftDocs/SupportArticles-docs#214).
    throw conflict(
      'PropertyChangeNotAllowed',
      'Swapping OS Disk is not supported since HyperVisor property on the OSDisk and VM do not match. Please make sure the ' +
        `HyperVisor property on the OSDisk is HyperVisor Generation '${vm.hyperVGeneration}'`,
      target,
    );
  }
  // Not documented with their codes; refused (pessimistically) in the same form as the generation mismatch.
  const vmSecurity = vm.securityType ?? 'Standard';
  if ((disk.securityType ?? 'Standard') !== vmSecurity) {
    throw conflict(
      'PropertyChangeNotAllowed',
      `Swapping OS Disk is not supported since the security type of the OSDisk (${disk.securityType ?? 'Standard'}) and ` +
        `the VM (${vmSecurity}) do not match.`,
      target,
    );
  }
  if (
    disk.diskControllerTypes &&
    !disk.diskControllerTypes
      .split(',')
      .map((t) => t.trim().toUpperCase())
      .includes('SCSI')
  ) {
    throw conflict(
      'PropertyChangeNotAllowed',
      `Swapping OS Disk is not supported since the OSDisk does not support the VM's disk controller (SCSI).`,
      target,
    );
  }
  if ((disk.architecture ?? 'x64') !== (current?.architecture ?? 'x64')) {
    throw conflict(
      'PropertyChangeNotAllowed',
      `Swapping OS Disk is not supported since the architecture of the OSDisk and the VM do not match.`,
      target,
    );
  }
  if (!sameZones(disk.zones, vm.zones)) {
    throw badRequest(
      'InvalidParameter',
      `Disk '${disk.name}' is in zone ${disk.zones?.join(',') ?? '(none)'} but VM '${vm.name}' is in zone ` +
        `${vm.zones?.join(',') ?? '(none)'}.`,
      target,
    );
  }
  return disk;
}

function swapOsDisk(world: World, vm: VirtualMachineState, disk: DiskState): () => void {
  const oldId = vm.osDiskId;
  const oldName = vm.osDiskName;
  const oldDisk = world.store.disks.get(oldId);
  const move = (from: DiskState | undefined, to: DiskState, toName: string): void => {
    if (from) delete from.managedBy;
    to.managedBy = vm.id;
    const previous = vm.osDiskId;
    vm.osDiskId = to.id;
    vm.osDiskName = toName;
    world.emit({ kind: 'osDisk', at: world.clock.now(), vmId: vm.id, from: previous, to: to.id });
  };
  move(oldDisk, disk, disk.name);
  return () => {
    if (oldDisk) move(disk, oldDisk, oldName);
  };
}

export interface DataDiskPlan {
  desired: DataDiskState[];
  attached: string[];
  detached: string[];
}

export function planDataDisks(world: World, vm: VirtualMachineState, value: unknown): DataDiskPlan {
  if (!Array.isArray(value)) throw badRequest('InvalidParameter', 'storageProfile.dataDisks must be an array.', 'dataDisks');
  const desired: DataDiskState[] = [];
  for (const [index, entry] of value.entries()) {
    const target = `dataDisks[${index}]`;
    if (!entry || typeof entry !== 'object') throw badRequest('InvalidParameter', `${target} must be an object.`, target);
    const item = entry as Record<string, unknown>;
    if (item.toBeDetached === true) continue;
    const diskId = stringAt(item, 'managedDisk', 'id');
    const lun = item.lun;
    if (typeof lun !== 'number' || !Number.isInteger(lun) || lun < 0 || lun > 63) {
      throw badRequest('InvalidParameter', `${target}.lun must be an integer from 0 to 63.`, `${target}.lun`);
    }
    if (!diskId) {
      throw badRequest(
        'InvalidParameter',
        `${target}: SIMULATED ARM supports attaching existing managed disks only (managedDisk.id).`,
        target,
      );
    }
    const disk = world.store.disks.get(diskId);
    if (!disk) throw new ArmHttpError(404, 'NotFound', `Managed disk '${diskId}' was not found.`, `${target}.managedDisk.id`);
    if (disk.managedBy && !sameId(disk.managedBy, vm.id)) {
      throw conflict('OperationNotAllowed', `Disk '${disk.name}' is already attached to VM '${disk.managedBy}'.`, target);
    }
    if (sameId(disk.id, vm.osDiskId)) throw badRequest('InvalidParameter', `Disk '${disk.name}' is the VM's OS disk.`, target);
    if (disk.zones?.length && !sameZones(disk.zones, vm.zones)) {
      // A zonal disk attaches only to a VM in its zone; the exact code is not documented here (pessimistic refusal).
      throw badRequest(
        'InvalidParameter',
        `Disk '${disk.name}' is in zone ${disk.zones.join(',')} but VM '${vm.name}' is in zone ${vm.zones?.join(',') ?? '(none)'}.`,
        target,
      );
    }
    if (desired.some((d) => d.lun === lun)) throw badRequest('InvalidParameter', `LUN ${lun} is used twice.`, `${target}.lun`);
    desired.push({ lun, name: disk.name, diskId: disk.id });
  }
  const maxDataDisks = world.capacity.size(vm.vmSize)?.maxDataDisks;
  if (maxDataDisks !== undefined && desired.length > maxDataDisks) {
    // Azure's message for a size's data disk limit (Microsoft docs size pages give "Max data disks").
    throw conflict(
      'OperationNotAllowed',
      `The maximum number of data disks allowed to be attached to a VM of this size is ${maxDataDisks}.`,
      'dataDisks',
    );
  }
  const attached = desired.filter((d) => !vm.dataDisks.some((c) => sameId(c.diskId, d.diskId))).map((d) => d.diskId);
  const detached = vm.dataDisks.filter((c) => !desired.some((d) => sameId(c.diskId, d.diskId))).map((c) => c.diskId);
  return { desired, attached, detached };
}

export function applyDataDisks(world: World, vm: VirtualMachineState, plan: DataDiskPlan): () => void {
  const previous = vm.dataDisks;
  const apply = (list: DataDiskState[], attach: string[], detach: string[]): void => {
    for (const id of detach) {
      const disk = world.store.disks.get(id);
      if (disk) delete disk.managedBy;
    }
    for (const id of attach) {
      const disk = world.store.disks.get(id);
      if (disk) disk.managedBy = vm.id;
    }
    vm.dataDisks = list;
    if (attach.length || detach.length) {
      world.emit({ kind: 'dataDisks', at: world.clock.now(), vmId: vm.id, attached: attach, detached: detach });
    }
  };
  apply(plan.desired, plan.attached, plan.detached);
  return () => apply(previous, plan.detached, plan.attached);
}

function sameZones(a: string[] | undefined, b: string[] | undefined): boolean {
  return (a?.[0] ?? '') === (b?.[0] ?? '');
}
