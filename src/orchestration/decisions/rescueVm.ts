/**
 * Whether a configured rescue VM (`rescueVmResourceId`) can host the copy of the broken VM's OS disk, and at which
 * LUN (pure). The rescue VM is someone else's machine: it is used as it is, never started, restarted or deleted,
 * so every condition is checked on what ARM reports and a misfit ends the repair before any write.
 */
import type { VmFacts } from '../../domain/vmFacts';

export interface RescueVmFacts {
  vm: VmFacts;
  /** LUNs of the data disks attached now. */
  usedLuns: number[];
  /** The size's maxDataDiskCount when known (resourceSkus / vmSizes); null: only the ARM limit of 64 LUNs applies. */
  maxDataDisks: number | null;
}

export type RescueVmFit = { fits: true; lun: number } | { fits: false; problems: string[] };

/** LUNs run 0..63 (Azure docs, "Attach a data disk": lun must be unique, 0-63). */
export const MAX_LUNS = 64;

export function freeLun(usedLuns: readonly number[], maxDataDisks: number | null): number | null {
  const limit = Math.min(MAX_LUNS, maxDataDisks ?? MAX_LUNS);
  if (usedLuns.length >= limit) return null;
  const used = new Set(usedLuns);
  for (let lun = 0; lun < MAX_LUNS; lun += 1) if (!used.has(lun)) return lun;
  return null;
}

export function rescueVmFit(rescue: RescueVmFacts, broken: VmFacts): RescueVmFit {
  const problems: string[] = [];
  const r = rescue.vm;
  if (r.id.toLowerCase() === broken.id.toLowerCase()) problems.push('the rescue VM is the VM being repaired');
  if (r.osType !== 'Windows') problems.push(`the rescue VM runs ${r.osType}, not Windows: the offline script is Windows PowerShell`);
  if (r.powerState !== 'running') problems.push(`the rescue VM is ${r.powerState}, not running (this app never starts it)`);
  if (r.agentStatus !== 'Ready') problems.push(`the rescue VM's agent is ${r.agentStatus}, not Ready: Run Command cannot reach it`);
  if (r.location.toLowerCase() !== broken.location.toLowerCase()) {
    problems.push(`the rescue VM is in ${r.location}, the VM in ${broken.location}: a disk attaches only in its own region`);
  }
  if ((r.zone ?? null) !== (broken.zone ?? null)) {
    problems.push(
      `the rescue VM is in zone ${r.zone ?? '(none)'}, the VM in zone ${broken.zone ?? '(none)'}: a zonal disk attaches only in its zone`,
    );
  }
  if (broken.osDisk.managedDiskId !== null && r.osDisk.managedDiskId?.toLowerCase() === broken.osDisk.managedDiskId.toLowerCase()) {
    problems.push('the rescue VM boots from the same disk as the VM');
  }
  const lun = freeLun(rescue.usedLuns, rescue.maxDataDisks);
  if (lun === null) problems.push(`the rescue VM has no free LUN (${rescue.usedLuns.length} data disks attached)`);
  if (problems.length > 0 || lun === null) return { fits: false, problems };
  return { fits: true, lun };
}
