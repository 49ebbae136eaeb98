/**
 * How long the offline repair keeps the VM down (pure): from the deallocation request until the VM runs again on
 * the repaired copy, as a range built from typical durations of each step. Microsoft documents almost none of
 * them; where it does, the statement is named, and everything else is an estimate of typical behaviour, chosen
 * wide rather than flattering. The range does not include the time an operator takes to approve the swap
 * (approval beforeDisruptive), which the finding says separately.
 */

export interface DowntimePart {
  step: string;
  lowSeconds: number;
  highSeconds: number;
}

export interface DowntimeEstimate {
  lowSeconds: number;
  highSeconds: number;
  parts: DowntimePart[];
}

/** A disk of unknown size is estimated as the largest common OS disk image size (Windows images ship 127 GiB). */
const DEFAULT_SIZE_GIB = 127;

/**
 * Typical durations, low and high, in seconds:
 * - deallocate: guest shutdown plus the release of the host allocation. Not documented ("States and billing status of
 *   Azure Virtual Machines" lists the states, no durations); typically well under a minute, up to about 90 s.
 * - copy: a managed disk created with createOption Copy from the deallocated OS disk. Not documented; the resource
 *   typically provisions within a minute, longer for larger disks: estimated 30 s plus up to 2 s per GiB.
 * - attach and detach: a data disk update of the rescue VM. Not documented; typically seconds to tens of seconds.
 * - script: offline-repair.ps1 through Run Command. Documented floor ("Run scripts in your Windows VM by using action
 *   Run Command", Restrictions): "The minimum time to run a script is about 20 seconds"; loading and editing the
 *   copy's registry hives adds up to a few minutes (estimate).
 * - swap: the VM update of storageProfile.osDisk.managedDisk.id ("Change the OS disk used by an Azure VM"), a metadata
 *   change. Not documented; typically seconds.
 * - start: allocation plus boot until PowerState/running. Not documented; typically 1 to 2.5 minutes, longer under
 *   capacity pressure (AllocationFailed is then an error, not a wait).
 */
export function estimateOfflineDowntime(disk: { sizeGiB: number | null }): DowntimeEstimate {
  const size = disk.sizeGiB !== null && disk.sizeGiB > 0 ? disk.sizeGiB : DEFAULT_SIZE_GIB;
  const parts: DowntimePart[] = [
    { step: 'deallocate', lowSeconds: 30, highSeconds: 90 },
    { step: 'copy', lowSeconds: 30, highSeconds: 30 + 2 * size },
    { step: 'attach', lowSeconds: 10, highSeconds: 30 },
    { step: 'script', lowSeconds: 20, highSeconds: 180 },
    { step: 'detach', lowSeconds: 10, highSeconds: 30 },
    { step: 'swap', lowSeconds: 10, highSeconds: 30 },
    { step: 'start', lowSeconds: 60, highSeconds: 150 },
  ];
  return {
    lowSeconds: parts.reduce((sum, p) => sum + p.lowSeconds, 0),
    highSeconds: parts.reduce((sum, p) => sum + p.highSeconds, 0),
    parts,
  };
}

/** "about 3 to 13 minutes": whole minutes, the low rounded down and the high rounded up. */
export function downtimeInWords(estimate: DowntimeEstimate): string {
  const low = Math.max(1, Math.floor(estimate.lowSeconds / 60));
  const high = Math.max(low + 1, Math.ceil(estimate.highSeconds / 60));
  return `about ${low} to ${high} minutes`;
}
