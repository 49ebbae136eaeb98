/**
 * What the cleanup of one repair deletes and what it keeps (pure), from the resources found by the repair's tag.
 * Deleted: the ephemeral rescue VM (its OS disk and NIC go with it: deleteOption Delete), a rescue NIC or rescue OS
 * disk left behind, and the OS disk copy when it never became the VM's OS disk. Kept, always: the VM's OS disk
 * now, a copy that was swapped in (the repaired disk, or after a rollback the evidence of what was tried), and
 * anything whose role this version does not know (the original OS disk, snapshots and configured rescue VMs carry
 * no deletable role and are never listed as such). VMs go first: a NIC or disk in use cannot be deleted.
 */
import type { TaggedResource } from '../../domain/activityContracts';

export const DELETABLE_ROLES = ['rescue-vm', 'rescue-nic', 'rescue-os-disk', 'os-disk-copy'] as const;

export interface CleanupContext {
  /** The broken VM's OS disk as ARM reports it now (null: it could not be read, so no disk is deleted). */
  vmOsDiskId: string | null;
  /** Disks to keep whatever their role (a copy that was swapped in). */
  keepDiskIds: readonly string[];
  /** The configured rescue VM (rescueVmResourceId): never deleted. */
  configuredRescueVmId: string | null;
}

export interface CleanupDecision {
  /** In order: VMs, then NICs, then disks. */
  delete: TaggedResource[];
  keep: Array<{ resource: TaggedResource; why: string }>;
}

const same = (a: string | null, b: string | null) => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

const ORDER: Record<TaggedResource['type'], number> = {
  'Microsoft.Compute/virtualMachines': 0,
  'Microsoft.Network/networkInterfaces': 1,
  'Microsoft.Compute/disks': 2,
};

export function cleanupPlan(found: readonly TaggedResource[], context: CleanupContext): CleanupDecision {
  const decision: CleanupDecision = { delete: [], keep: [] };
  const deletedVms = new Set(
    found.filter((r) => r.type === 'Microsoft.Compute/virtualMachines' && r.role === 'rescue-vm').map((r) => r.id.toLowerCase()),
  );
  for (const resource of found) {
    const keep = (why: string) => decision.keep.push({ resource, why });
    if (!(DELETABLE_ROLES as readonly string[]).includes(resource.role ?? '')) keep(`role ${resource.role ?? '(none)'} is never deleted`);
    else if (same(resource.id, context.configuredRescueVmId)) keep('the configured rescue VM is never deleted');
    else if (resource.type === 'Microsoft.Compute/disks' && context.vmOsDiskId === null) keep("the VM's OS disk could not be read");
    else if (resource.type === 'Microsoft.Compute/disks' && same(resource.id, context.vmOsDiskId)) keep("it is the VM's OS disk now");
    else if (resource.type === 'Microsoft.Compute/disks' && context.keepDiskIds.some((id) => same(id, resource.id))) {
      keep("it was the VM's OS disk after the swap: kept as the record of what was tried");
    } else if (resource.attachedTo !== null && !deletedVms.has(resource.attachedTo.toLowerCase())) {
      keep(`it is attached to ${resource.attachedTo}, which this cleanup does not delete`);
    } else decision.delete.push(resource);
  }
  decision.delete.sort((a, b) => ORDER[a.type] - ORDER[b.type]);
  return decision;
}
