/**
 * How a cancel ends the offline repair (pure). The child stops only at safe points, never inside a step: before
 * the deallocation nothing of the offline path has happened; between the deallocation and the swap the VM is
 * started again on its original disk; after the swap the original disk is swapped back first (the swap is never
 * left half-done). The outcome says what was undone and what was kept, and what to do by hand when an undo failed.
 */
import type { CancelRecord } from '../../domain/approval';
import type { Outcome } from '../../domain/repairStatus';

export type OfflineCancelStage = 'beforeDeallocate' | 'beforeSwap' | 'afterSwap';

export interface OfflineCancelFacts {
  cancel: CancelRecord;
  stage: OfflineCancelStage;
  /** The undo the stage needs ran to the end (the VM runs on its original disk); true for beforeDeallocate. */
  restored: boolean;
  failure: string | null;
  originalDiskId: string;
  /** The repaired copy, when one was made (kept, never the OS disk after a cancel). */
  copyDiskId: string | null;
}

export function offlineCancelled(facts: OfflineCancelFacts): Outcome {
  const { cancel } = facts;
  const head = `Cancelled by ${cancel.by} at ${cancel.at}; the offline repair stopped at a safe point, before ${cancel.before}.`;
  const copy = facts.copyDiskId
    ? ` Kept: the copy ${facts.copyDiskId} (not the OS disk; tagged with this repair); delete it once you no longer need it.`
    : '';
  if (facts.stage === 'beforeDeallocate') {
    return { kind: 'Cancelled', reason: `${head} The offline repair had changed nothing: the VM was never stopped.`, advice: [] };
  }
  if (!facts.restored) {
    const state = facts.stage === 'afterSwap' ? `the repaired copy ${facts.copyDiskId} may still be its OS disk` : 'it is deallocated';
    return {
      kind: 'Cancelled',
      reason: `${head} Putting the VM back failed (${facts.failure ?? 'unknown error'}): ${state}.${copy}`,
      advice: [
        `Deallocate the VM, make sure ${facts.originalDiskId} (the original, unchanged) is its OS disk, and start it ` +
          '(portal, or az vm update --os-disk, then az vm start).',
      ],
    };
  }
  const undone =
    facts.stage === 'afterSwap'
      ? 'Undone: the disk swap (the original OS disk is back) and the deallocation (the VM was started again).'
      : 'Undone: the deallocation (the VM was started again on its original, unchanged OS disk).';
  return { kind: 'Cancelled', reason: `${head} ${undone}${copy}`, advice: [] };
}
