/**
 * What happens to the repair's writes when it does not end in success (pure). Each write is undone when putting it
 * back makes the VM no worse, and kept, with the reason, when undoing it would do harm (reopen RDP to the
 * Internet, lock users out of a moved port) or when the guest value it replaced was the fault itself. The online
 * path's writes are all of the second kind; the offline path adds writes that are undone (a swap, a rescue VM).
 */
import type { OutcomeKind, UndoRecord } from '../../domain/repairStatus';

export interface SettledUndoLog {
  kept: Array<UndoRecord & { why: string }>;
}

const SUCCESS: ReadonlySet<OutcomeKind> = new Set(['Repaired', 'AlreadyHealthy', 'Diagnosed']);

const WHY_KEPT: Record<UndoRecord['kind'], string> = {
  nsgSources: 'kept: it narrows who can reach RDP; undoing it would open RDP to the Internet again',
  nsgRule: 'kept: RDP listens on the port this rule opens; deleting it would lock users out',
  guestValue:
    'kept: it corrects a value diagnosis found wrong; set it back by hand as "undo" says, or restore the OS disk from the snapshot',
  guestAction: 'kept: reverse it by hand if needed, or restore the OS disk from the snapshot',
  vmPower: 'the offline repair starts the VM again itself; if it is still deallocated, start it as "undo" says',
  osDiskSwap: 'the offline repair swaps the original OS disk back itself when the copy did not help; "undo" says how by hand',
  diskCopy: 'kept: a copy of the OS disk, never the original; delete it once you no longer need it',
  diskAttach: 'the offline repair detaches the copy itself; if it is still attached to the rescue VM, detach it as "undo" says',
  diskTag: 'kept: a tag only (metadata, not the disk data); it says which VM the disk was the OS disk of',
};

export function settleUndoLog(log: readonly UndoRecord[], outcome: OutcomeKind): SettledUndoLog {
  if (SUCCESS.has(outcome)) return { kept: [] };
  return { kept: log.map((record) => ({ ...record, why: WHY_KEPT[record.kind] })) };
}
