/**
 * The status an operator reads (GET /api/repairs/{id}): what ran, what was found, what changed (with the value
 * it replaced), what was left behind (snapshot), and how it ended. Kept as plain JSON: it is the orchestration's
 * custom status and output. Nothing secret goes in here.
 */
import { RdpProbeResult } from './rdpProbe';
import { RepairMode, RepairSource } from './repairRequest';

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
}

/**
 * Repaired / AlreadyHealthy / NotRepaired / Rejected as in DESIGN.md, plus two this tool needs to stay honest:
 * Diagnosed (mode diagnose: nothing was changed, plannedChanges says what a repair would do) and Unverified
 * (changes were made but this app cannot reach RDP to prove the result).
 */
export type OutcomeKind = 'Repaired' | 'AlreadyHealthy' | 'NotRepaired' | 'Rejected' | 'Diagnosed' | 'Unverified';

export interface Outcome {
  kind: OutcomeKind;
  reason: string;
  advice: string[];
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
  outcome: Outcome | null;
}
