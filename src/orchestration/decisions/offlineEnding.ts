/**
 * How an offline disk-swap repair ends (pure). The stage the flow reached decides what must be put back:
 * nothing before the VM was deallocated; the VM started again on its original disk before the swap; after the
 * swap, a broken probe rolls the swap back, and a probe that cannot judge leaves the copy in place with caveats.
 */
import type { ProbeVerdict } from '../../domain/rdpProbe';
import type { Caveat, Outcome } from '../../domain/repairStatus';

/** What the flow does next after the swap was probed. */
export type AfterSwap = { next: 'end'; outcome: Outcome } | { next: 'rollBack'; why: string } | { next: 'unverified'; outcome: Outcome };

export interface SwapProbeFacts {
  /** The verdict after the VM started on the repaired copy; null when no probe could run. */
  verdict: ProbeVerdict | null;
  verdictReason: string;
  /** Whether the NSG admits this app's probe source; false makes any non-healthy verdict meaningless. */
  probeAdmitted: boolean;
  /** What the offline script repaired (the verdict's `fixed`). */
  fixed: string[];
  originalDiskId: string;
}

export function afterSwap(facts: SwapProbeFacts): AfterSwap {
  const what = facts.fixed.length > 0 ? facts.fixed.join(', ') : 'nothing named';
  if (facts.verdict === 'healthy' || facts.verdict === 'degraded') {
    return {
      next: 'end',
      outcome: {
        kind: 'Repaired',
        reason: `Remote Desktop answers after the offline repair (${what}) of a copy of the OS disk: ${facts.verdictReason}`,
        advice: [
          `The original OS disk ${facts.originalDiskId} is kept unchanged (tagged rdp-autorepair-original-of); delete it once ` +
            'you no longer need it as a fallback.',
        ],
      },
    };
  }
  if (facts.verdict === 'broken' && facts.probeAdmitted) {
    return { next: 'rollBack', why: `Remote Desktop is still broken on the repaired copy: ${facts.verdictReason}` };
  }
  const caveats: Caveat[] = [
    {
      check: 'rdpAfterSwap',
      reason:
        facts.verdict === null
          ? 'no RDP probe could run after the swap'
          : !facts.probeAdmitted
            ? "the NSG does not admit this app's probe, so the probe after the swap says nothing about the guest"
            : `the probe after the swap could not judge (${facts.verdict}): ${facts.verdictReason}`,
    },
  ];
  return {
    next: 'unverified',
    outcome: {
      kind: 'Unverified',
      reason: `The VM runs on the offline-repaired copy of its OS disk (${what}), but this app could not verify Remote Desktop.`,
      advice: [
        'Try Remote Desktop from a network the NSG admits. If it still fails, swap the original OS disk back ' +
          `(${facts.originalDiskId}, kept unchanged): deallocate the VM, set it as the OS disk, start the VM.`,
      ],
      caveats,
    },
  };
}

export interface RollbackFacts {
  why: string;
  /** The original disk is the OS disk again and the VM was started. */
  restored: boolean;
  /** The probe after the rollback (null: none ran). */
  verdictAfter: ProbeVerdict | null;
  failure: string | null;
  originalDiskId: string;
  copyDiskId: string;
}

export function afterRollback(facts: RollbackFacts): Outcome {
  if (!facts.restored) {
    return {
      kind: 'NotRepaired',
      reason: `${facts.why}; swapping the original OS disk back failed: ${facts.failure ?? 'unknown error'}`,
      advice: [
        `Swap the original OS disk back by hand: deallocate the VM, set ${facts.originalDiskId} as its OS disk, start it. ` +
          `The repaired copy ${facts.copyDiskId} is kept for you to inspect.`,
      ],
    };
  }
  const after = facts.verdictAfter === null ? 'no probe could run afterwards' : `the probe afterwards says ${facts.verdictAfter}`;
  return {
    kind: 'RolledBack',
    reason: `${facts.why}. The original OS disk was swapped back and the VM started again (${after}).`,
    advice: [
      `The offline repair changed only a copy of the OS disk (${facts.copyDiskId}, no longer attached); the original is back, ` +
        'unchanged. The cause is outside what the offline repair fixes (see the findings): check the boot diagnostics ' +
        'screenshot and the serial log of the VM.',
    ],
  };
}

export interface BeforeSwapFailure {
  /** What failed, in words (a step name and ARM's message, or the offline script's verdict). */
  why: string;
  /** The VM had been deallocated by this repair. */
  deallocated: boolean;
  /** The VM was started again on its original disk (only asked when `deallocated`). */
  restarted: boolean;
  restartFailure: string | null;
}

export function beforeSwapFailed(facts: BeforeSwapFailure): Outcome {
  if (!facts.deallocated) {
    return { kind: 'NotRepaired', reason: `${facts.why}. The VM was not stopped and nothing on it was changed.`, advice: [] };
  }
  if (!facts.restarted) {
    return {
      kind: 'NotRepaired',
      reason:
        `${facts.why}. The VM is still deallocated on its original, unchanged OS disk: starting it again failed ` +
        `(${facts.restartFailure ?? 'unknown error'}).`,
      advice: ['Start the VM from the portal or with `az vm start`; its OS disk was never changed.'],
    };
  }
  return {
    kind: 'NotRepaired',
    reason: `${facts.why}. The VM was started again on its original, unchanged OS disk.`,
    advice: [],
  };
}
