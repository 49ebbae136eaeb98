/**
 * SIMULATED: what is on each managed disk, following what the simulated ARM does with disks, so the offline
 * repair can be witnessed end to end:
 *  - the OS disk of a VM with a simulated guest holds that guest's state, live: it keeps changing while the VM
 *    runs, and a copy or snapshot holds the state at the instant ARM made it (a copy of a running VM misses every
 *    later write; one made after deallocation misses none);
 *  - a disk copied from a disk or a snapshot (createOption Copy) holds its source's content at that instant;
 *  - attached to a VM with a guest (attachDetachDataDisks), a disk appears in that guest's disk bay at its LUN,
 *    where the offline script's model reads and writes it; detached, it leaves the bay with the model's writes;
 *  - swapped in as a VM's OS disk, its content becomes what the guest boots with; the disk swapped out keeps the
 *    guest's state from before.
 * A disk whose content this model does not know (an empty disk, one created from an image) is never given one:
 * swapping it in as an OS disk fails the test loudly rather than booting an invented Windows.
 */
import type { ArmChange } from '../arm/changes';
import type { SimulatedArm } from '../arm/simulatedArm';
import { sameId } from '../arm/world/world';
import type { OfflineDisk } from './offlineDisk/disk';
import { attachOfflineDisk } from './offlineDisk/buildOfflineDisk';
import { guestViewOfDisk, offlineDiskFromGuest } from './offlineDisk/fromGuest';
import type { SimulatedWindowsGuest } from './windowsGuest';

export interface DiskContent {
  disk: OfflineDisk;
  /** The guest's files (workload data, backups the scripts wrote) as they were on the disk. */
  files: string[];
  /** The VM whose OS disk this content came from (for the image comparison behind a signature collision). */
  sourceVmId: string;
}

export class SimulatedDiskContents {
  private readonly contents = new Map<string, DiskContent>();
  private readonly guests = new Map<string, SimulatedWindowsGuest>();
  private readonly unsubscribe: () => void;

  constructor(private readonly arm: SimulatedArm) {
    this.unsubscribe = arm.onChange((change) => this.follow(change));
  }

  /** The VM boots from its OS disk into `guest`; that disk's content is the guest's state from now on. */
  addGuest(vmId: string, guest: SimulatedWindowsGuest): void {
    this.guests.set(vmId.toLowerCase(), guest);
  }

  stop(): void {
    this.unsubscribe();
  }

  /** What is on a disk now (a copy, for assertions); undefined when this model does not know. */
  contentOf(diskId: string): DiskContent | undefined {
    const content = this.live(diskId);
    return content ? structuredClone(content) : undefined;
  }

  private guestBooting(diskId: string): { vmId: string; guest: SimulatedWindowsGuest } | undefined {
    for (const [vmKey, guest] of this.guests) {
      const vm = this.arm.world.store.virtualMachines.get(vmKey);
      if (vm && sameId(vm.osDiskId, diskId)) return { vmId: vm.id, guest };
    }
    return undefined;
  }

  /** The content of a disk at this instant: the guest's live state for an OS disk in use, else what is stored. */
  private live(diskId: string): DiskContent | undefined {
    const booting = this.guestBooting(diskId);
    if (booting) return this.capture(booting.vmId, booting.guest);
    return this.contents.get(diskId.toLowerCase());
  }

  private capture(vmId: string, guest: SimulatedWindowsGuest): DiskContent {
    const vm = this.arm.world.store.virtualMachines.get(vmId)!;
    const disk = vm.osDiskId ? this.arm.world.store.disks.get(vm.osDiskId) : undefined;
    const state = guest.read();
    return {
      disk: offlineDiskFromGuest(state, {
        generation: vm.hyperVGeneration === 'V1' ? 1 : 2,
        sizeGiB: disk?.sizeGb ?? 127,
        nowMs: this.arm.clock.nowMs(),
      }),
      files: [...state.files],
      sourceVmId: vm.id,
    };
  }

  private follow(change: ArmChange): void {
    if (change.kind === 'resourceCreated') this.created(change.resourceId, change.resourceType);
    else if (change.kind === 'dataDisks') this.dataDisksChanged(change.vmId, change.attached, change.detached);
    else if (change.kind === 'osDisk') this.osDiskSwapped(change.vmId, change.from, change.to, change.at.getTime());
  }

  private created(resourceId: string, resourceType: string): void {
    const store = this.arm.world.store;
    const resource =
      resourceType === 'Microsoft.Compute/disks'
        ? store.disks.get(resourceId)
        : resourceType === 'Microsoft.Compute/snapshots'
          ? store.snapshots.get(resourceId)
          : undefined;
    const source = resource?.sourceResourceId;
    if (!source) return;
    const content = this.live(source);
    if (content) this.contents.set(resourceId.toLowerCase(), structuredClone(content));
  }

  private dataDisksChanged(vmId: string, attached: string[], detached: string[]): void {
    const guest = this.guests.get(vmId.toLowerCase());
    if (!guest) return;
    const vm = this.arm.world.store.virtualMachines.get(vmId)!;
    for (const diskId of detached) {
      const content = this.contents.get(diskId.toLowerCase());
      for (const [lun, disk] of guest.disks.byLun) if (disk === content?.disk) guest.disks.byLun.delete(lun);
    }
    for (const diskId of attached) {
      const content = this.contents.get(diskId.toLowerCase());
      const lun = vm.dataDisks.find((d) => sameId(d.diskId, diskId))?.lun;
      if (!content || lun === undefined) continue;
      attachOfflineDisk(guest.disks, lun, content.disk, { collidesWithRescueOsDisk: this.sameImage(vm.id, content.sourceVmId) });
    }
  }

  /**
   * PLAYBOOK erratum 13: a rescue VM built from the same image (and version) as the broken VM sees a copy whose
   * disk signature equals its own OS disk's.
   */
  private sameImage(vmA: string, vmB: string): boolean {
    const a = this.arm.world.store.virtualMachines.get(vmA);
    const b = this.arm.world.store.virtualMachines.get(vmB);
    if (!a || !b) return false;
    const image = (vm: typeof a) => {
      const r = vm.imageReference;
      return `${r.publisher}/${r.offer}/${r.sku}/${vm.imageExactVersion ?? vm.osVersion}`.toLowerCase();
    };
    return image(a) === image(b);
  }

  private osDiskSwapped(vmId: string, from: string | undefined, to: string, atMs: number): void {
    const guest = this.guests.get(vmId.toLowerCase());
    if (!guest) return;
    const vm = this.arm.world.store.virtualMachines.get(vmId)!;
    const incoming = this.contents.get(to.toLowerCase());
    if (!incoming) throw new Error(`SIMULATED: the content of disk ${to}, swapped in as ${vm.name}'s OS disk, is unknown`);
    // The disk swapped out keeps the state the guest had on it (the VM is deallocated: nothing changes it any more).
    if (from) {
      const state = guest.read();
      const disk = this.arm.world.store.disks.get(from);
      this.contents.set(from.toLowerCase(), {
        disk: offlineDiskFromGuest(state, { generation: vm.hyperVGeneration === 'V1' ? 1 : 2, sizeGiB: disk?.sizeGb ?? 127, nowMs: atMs }),
        files: [...state.files],
        sourceVmId: vm.id,
      });
    }
    const serviceNames = guest.read().services.map((s) => s.name);
    guest.adoptOsDisk(guestViewOfDisk(incoming.disk, serviceNames), incoming.files, to, atMs);
    this.contents.delete(to.toLowerCase());
  }
}
