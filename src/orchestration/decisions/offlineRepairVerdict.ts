/**
 * What an offline-repair result allows the disk-swap flow to do next (pure). The script reports; this decides
 * whether the repaired copy may become the VM's OS disk, and says why in words an operator can act on.
 */
import type { OfflineCheck, OfflineRepairResult } from '../../domain/guestScriptContracts';

export interface OfflineRepairVerdict {
  /** The copy may be swapped in: the script finished cleanly and repaired something. */
  swap: boolean;
  /** Checks the script repaired (`fixed`), then the diagnostic aids it switched on (`enabled`). */
  fixed: OfflineCheck[];
  enabled: OfflineCheck[];
  /** Found broken and left so (DetectOnly, or no safe offline write exists). */
  stillBroken: OfflineCheck[];
  /** Could not be judged, or a write did not take. */
  notChecked: OfflineCheck[];
  failed: OfflineCheck[];
  /** Why `swap` is what it is, in order of importance. */
  reasons: string[];
}

function checksWith(result: OfflineRepairResult, verdict: string): OfflineCheck[] {
  return [...new Set(result.findings.filter((f) => f.verdict === verdict).map((f) => f.check))];
}

export function judgeOfflineRepair(result: OfflineRepairResult): OfflineRepairVerdict {
  const verdict: OfflineRepairVerdict = {
    swap: false,
    fixed: checksWith(result, 'fixed'),
    enabled: checksWith(result, 'enabled'),
    stillBroken: checksWith(result, 'broken'),
    notChecked: checksWith(result, 'not-checked'),
    failed: checksWith(result, 'failed'),
    reasons: [],
  };
  // A copy whose original signature is not back may not boot (Gen1 BCD names the disk by it): never swap it in.
  if (result.disk.signatureRestored === false) {
    verdict.reasons.push("the copy's original disk signature could not be put back, so it might not boot; it was not swapped in");
  }
  if (!result.ok) verdict.reasons.push(`the offline repair did not finish cleanly: ${result.message}`);
  if (result.detectOnly) verdict.reasons.push('the run only detected (DetectOnly): nothing was repaired');
  if (verdict.failed.length > 0) verdict.reasons.push(`writes did not take for: ${verdict.failed.join(', ')}`);
  if (result.ok && !result.detectOnly && verdict.fixed.length === 0) {
    verdict.reasons.push(
      verdict.enabled.length > 0
        ? `nothing this repair fixes was broken on the disk (it only enabled ${verdict.enabled.join(', ')}): swapping would not help RDP`
        : 'nothing this repair fixes was broken on the disk: swapping would not help RDP',
    );
  }
  verdict.swap = verdict.reasons.length === 0;
  if (verdict.swap) verdict.reasons.push(`repaired offline: ${verdict.fixed.join(', ')}`);
  if (verdict.stillBroken.length > 0) verdict.reasons.push(`still broken and not repairable offline: ${verdict.stillBroken.join(', ')}`);
  if (verdict.notChecked.length > 0) verdict.reasons.push(`not checked: ${verdict.notChecked.join(', ')}`);
  return verdict;
}
