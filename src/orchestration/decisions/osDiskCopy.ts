/**
 * The copy of the broken VM's OS disk (pure): its deterministic name and tags, the properties it must carry so
 * that it can become the VM's OS disk, and the preconditions of the swap, checked before ARM is asked (ARM's own
 * refusals, such as PropertyChangeNotAllowed, would come only after the VM was already down).
 */
import type { OsDiskProperties } from '../../domain/offlineRepair';

/** Tag names of the offline repair; the cleanup finds its resources by REPAIR_TAG, never by name. */
export const REPAIR_TAG = 'rdp-autorepair-repair-id';
export const ROLE_TAG = 'rdp-autorepair-role';
export const ORIGINAL_OF_TAG = 'rdp-autorepair-original-of';
export const COPY_OF_TAG = 'rdp-autorepair-copy-of';

/** Disk names: 1-80 characters, letters, digits, '_', '-', '.' (DiskRP naming rules); unique per repair start. */
export function copyDiskNameFor(vmName: string, startedAt: Date): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `rdprepair-copy-${vmName.slice(0, 45)}-${stamp}`.replace(/[^A-Za-z0-9_.-]/g, '-');
}

export interface CopyDiskPlan {
  name: string;
  /** The properties DiskRP does not carry by itself from a source (or carries only sometimes): set explicitly. */
  carry: Omit<OsDiskProperties, 'id' | 'maxShares'>;
  tags: Record<string, string>;
}

export function copyDiskPlan(original: OsDiskProperties, vmName: string, repairId: string, startedAt: Date): CopyDiskPlan {
  const { id: _id, maxShares: _shares, ...carry } = original;
  return {
    name: copyDiskNameFor(vmName, startedAt),
    carry,
    tags: { [REPAIR_TAG]: repairId, [ROLE_TAG]: 'os-disk-copy', [COPY_OF_TAG]: vmName },
  };
}

function norm(value: string | null): string {
  return (value ?? '').replace(/\s+/g, '').toLowerCase();
}

/** Controller types as a set: "SCSI, NVMe" and "NVMe,SCSI" are the same capability. */
function controllers(value: string | null): string {
  return norm(value).split(',').filter(Boolean).sort().join(',');
}

/**
 * What would make ARM refuse the swap, or the VM fail to boot from the copy. An empty list: the copy may be
 * swapped in. Each entry names the property and both values, so the status can show it as a finding.
 */
export function swapMismatches(original: OsDiskProperties, copy: OsDiskProperties): string[] {
  const mismatches: string[] = [];
  const same = (label: string, a: string | null, b: string | null, compare: (v: string | null) => string = norm) => {
    if (compare(a) !== compare(b)) mismatches.push(`${label}: original ${a ?? '(none)'}, copy ${b ?? '(none)'}`);
  };
  if (copy.id.toLowerCase() === original.id.toLowerCase()) mismatches.push('the copy is the original disk itself');
  same('location', original.location, copy.location);
  same('zone', original.zone, copy.zone);
  // PropertyChangeNotAllowed: a VM's Hyper-V generation cannot change with its OS disk.
  same('hyperVGeneration', original.hyperVGeneration, copy.hyperVGeneration);
  same('osType', original.osType, copy.osType);
  // "Security type of VM is not compatible with the security type of attached OS Disk".
  same('security type', original.securityType, copy.securityType);
  same('disk controller types', original.diskControllerTypes, copy.diskControllerTypes, controllers);
  same('architecture', original.architecture, copy.architecture);
  same('disk encryption set', original.diskEncryptionSetId, copy.diskEncryptionSetId);
  if (original.sizeGiB !== copy.sizeGiB) {
    mismatches.push(`size: original ${original.sizeGiB ?? '?'} GiB, copy ${copy.sizeGiB ?? '?'} GiB (ResizeDiskError at the swap)`);
  }
  return mismatches;
}
