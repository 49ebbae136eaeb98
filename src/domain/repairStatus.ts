/**
 * The status an operator reads (GET /api/repairs/{id}): what ran, what was found, what changed (with the value
 * it replaced), what was left behind (snapshot), and how it ended. Kept as plain JSON: it is the orchestration's
 * custom status and output. Nothing secret goes in here.
 */
import type { ApprovalRecord, CancelRecord, WaitingFor } from './approval';
import type { RdpProbeResult } from './rdpProbe';
import type { RepairMode, RepairSource } from './repairRequest';

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface TimelineEntry {
  step: string;
  status: StepStatus;
  startedAt: string;
  endedAt: string | null;
  detail: string;
}

export type Severity = 'info' | 'warning' | 'error';

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  advice: string | null;
}

export interface Change {
  resourceId: string;
  property: string;
  before: unknown;
  after: unknown;
  at: string;
  reason: string;
}

export interface PlannedChange {
  resourceId: string;
  property: string;
  before: unknown;
  after: unknown;
  reason: string;
}

export interface Artifacts {
  snapshotId: string | null;
  originalOsDiskId: string | null;
  /** Offline repair: the repaired copy of the OS disk, the rescue VM used, when the copy became the OS disk. */
  copyDiskId?: string | null;
  rescueVmId?: string | null;
  swappedAt?: string | null;
  /** Offline repair: when this repair deallocated the VM and when it ran again (its downtime). */
  downtime?: { from: string; to: string | null; seconds: number | null } | null;
  /** When the serial console brought the VM agent's services back (the repair then went on through Run Command). */
  serialConsoleAt?: string | null;
}

/**
 * How a repair ends: the one vocabulary every path uses (README "Outcomes").
 * - Repaired: RDP verified healthy after this repair's changes.
 * - AlreadyHealthy: RDP was (or became, without a change) healthy; nothing needed doing.
 * - Diagnosed: mode diagnose; nothing was changed, plannedChanges says what a repair would do.
 * - Unverified: a change was made, but this app cannot see the result from where it stands.
 * - NotRepaired: RDP still fails, or the repair could not go on; the reason and advice say why and what next.
 * - Rejected: the VM must not or cannot be touched by this tool (opted out, not Windows, not found).
 * - RolledBack: an offline disk swap did not help and was undone.
 * - Cancelled: an operator stopped the repair; what was undone and what was kept is listed.
 */
export const OUTCOME_KINDS = [
  'Repaired',
  'AlreadyHealthy',
  'Diagnosed',
  'Unverified',
  'NotRepaired',
  'Rejected',
  'RolledBack',
  'Cancelled',
] as const;
export type OutcomeKind = (typeof OUTCOME_KINDS)[number];

/** How the repair reached the guest: Run Command, the serial console, or the OS disk on a rescue VM. */
export const REPAIR_PATHS = ['online', 'serial', 'offline'] as const;
export type RepairPath = (typeof REPAIR_PATHS)[number];

/** A check that could not run. An outcome that carries one is never an unqualified success. */
export interface Caveat {
  /** Stable name of the check, e.g. domainPolicyRecheck. */
  check: string;
  /** Why it could not run, in words. */
  reason: string;
}

/** What a decision returns; the flow completes it (path, caveats) when the repair ends. */
export interface Outcome {
  kind: OutcomeKind;
  reason: string;
  advice: string[];
  caveats?: Caveat[];
}

/** The outcome as the status reports it: always with the path taken (null: nothing was changed) and its caveats. */
export interface FinalOutcome extends Outcome {
  path: RepairPath | null;
  caveats: Caveat[];
}

/**
 * One write the repair made and how it can be undone. Appended as the write happens, so whatever ends the repair
 * can say what it left behind and what it undid.
 */
export type UndoKind =
  | 'nsgSources'
  | 'nsgRule'
  | 'guestValue'
  | 'guestAction'
  | 'vmPower'
  | 'osDiskSwap'
  | 'diskCopy'
  | 'diskAttach'
  | 'diskTag';

export interface UndoRecord {
  kind: UndoKind;
  /** The resource written (an NSG rule, `<vm id>/guest`, a disk). */
  resourceId: string;
  /** What was written, in words. */
  what: string;
  /** How to put it back, in words an operator can follow. */
  undo: string;
}

export type ProbeSummary = Pick<
  RdpProbeResult,
  'verdict' | 'reason' | 'stage' | 'selectedProtocol' | 'negotiationFailure' | 'tlsVersion' | 'error' | 'elapsedMs'
> & { target: string; at: string; certificateNotAfter: string | null };

export interface RepairStatus {
  repairId: string;
  vmResourceId: string;
  mode: RepairMode;
  source: RepairSource;
  rdpPort: number;
  startedAt: string;
  currentStep: string | null;
  timeline: TimelineEntry[];
  findings: Finding[];
  plannedChanges: PlannedChange[];
  changes: Change[];
  artifacts: Artifacts;
  probes: { baseline: ProbeSummary | null; verify: ProbeSummary | null };
  /** VM restarts this repair asked for (each one costs the VM's users minutes). */
  restarts: number;
  /** Guest scripts run through Run Command, in order, with how each ended. */
  guestRuns: Array<{ script: string; runName: string; ended: string; at: string }>;
  /** Every write this repair made, with how to undo it (see UndoRecord). */
  undoLog: UndoRecord[];
  /** Writes the repair undid itself, and the ones it deliberately kept, each with why. */
  undone: Array<UndoRecord & { result: string }>;
  kept: Array<UndoRecord & { why: string }>;
  /** The approval gate the repair waits at now (approval beforeDisruptive), or null. */
  waitingFor: WaitingFor | null;
  /** Every approval, rejection and expiry: who, when, for which step, and what it did (audit). */
  approvals: ApprovalRecord[];
  /** Who cancelled the repair, when, and before which step it stopped; null when nobody did. */
  cancelled: CancelRecord | null;
  outcome: FinalOutcome | null;
  /** What the cleanup did with each resource of this repair it found by its tag (absent: no cleanup ran). */
  cleanup?: CleanupEntry[];
}

/**
 * One resource the cleanup found: deleted, kept (with why), a delete that failed (a finding names it too), or a
 * leftover the sweeper only reported (CLEANUP_SWEEP_DELETE=false).
 */
export interface CleanupEntry {
  resourceId: string;
  role: string | null;
  result: 'deleted' | 'kept' | 'failed' | 'leftover';
  detail: string;
}
