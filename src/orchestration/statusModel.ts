/**
 * Building the operator-facing status as the orchestration goes. Pure functions over plain JSON; the
 * orchestrator passes the replay-safe time (context.df.currentUtcDateTime) in.
 */
import type { RdpProbeResult } from '../domain/rdpProbe';
import type { RepairRequest } from '../domain/repairRequest';
import type { Change, FinalOutcome, Finding, Outcome, ProbeSummary, RepairPath, RepairStatus, StepStatus } from '../domain/repairStatus';
import { settleUndoLog } from './decisions/undo';

export function newRepairStatus(repairId: string, request: RepairRequest, rdpPort: number, at: string): RepairStatus {
  return {
    repairId,
    vmResourceId: request.vm.id,
    mode: request.mode,
    source: request.source,
    rdpPort,
    startedAt: at,
    currentStep: null,
    timeline: [],
    findings: [],
    plannedChanges: [],
    changes: [],
    artifacts: { snapshotId: null, originalOsDiskId: null },
    probes: { baseline: null, verify: null },
    restarts: 0,
    guestRuns: [],
    undoLog: [],
    undone: [],
    kept: [],
    waitingFor: null,
    approvals: [],
    cancelled: null,
    outcome: null,
  };
}

export function beginStep(status: RepairStatus, step: string, at: string, detail = ''): void {
  status.currentStep = step;
  status.timeline.push({ step, status: 'running', startedAt: at, endedAt: null, detail });
}

/** Closes the most recent running entry of `step`. */
export function endStep(status: RepairStatus, step: string, result: Exclude<StepStatus, 'running'>, at: string, detail: string): void {
  for (let i = status.timeline.length - 1; i >= 0; i -= 1) {
    const entry = status.timeline[i];
    if (entry.step === step && entry.status === 'running') {
      entry.status = result;
      entry.endedAt = at;
      entry.detail = detail;
      break;
    }
  }
  if (status.currentStep === step) status.currentStep = null;
}

export function skipStep(status: RepairStatus, step: string, at: string, detail: string): void {
  status.timeline.push({ step, status: 'skipped', startedAt: at, endedAt: at, detail });
}

/** Marks whatever is still running as failed: used when the flow ends early. */
export function failRunningSteps(status: RepairStatus, at: string, detail: string): void {
  for (const entry of status.timeline) {
    if (entry.status === 'running') {
      entry.status = 'failed';
      entry.endedAt = at;
      entry.detail = entry.detail ? `${entry.detail}; ${detail}` : detail;
    }
  }
  status.currentStep = null;
}

export function addFinding(status: RepairStatus, finding: Finding): void {
  if (!status.findings.some((f) => f.code === finding.code && f.message === finding.message)) status.findings.push(finding);
}

export function recordChange(status: RepairStatus, change: Change): void {
  status.changes.push(change);
}

/**
 * Ends the repair: marks what still runs as not finished, settles the undo log, and completes the outcome with the
 * path taken (null when nothing was changed) and its caveats. An outcome with caveats says so in its reason, so it
 * never reads as an unqualified success.
 */
export function finish(status: RepairStatus, outcome: Outcome, at: string, path: RepairPath = 'online'): RepairStatus {
  failRunningSteps(status, at, 'not finished');
  status.waitingFor = null;
  const caveats = outcome.caveats ?? [];
  // A write the repair undid itself is listed in `undone`, not again as kept.
  const notUndone = status.undoLog.filter(
    (r) => !status.undone.some((u) => u.kind === r.kind && u.resourceId === r.resourceId && u.what === r.what),
  );
  const settled = settleUndoLog(notUndone, outcome.kind);
  status.kept = settled.kept;
  let reason = outcome.reason;
  if (caveats.length > 0) {
    reason = `${reason.replace(/\.?$/, '.')} Not everything could be checked: ${caveats.map((c) => `${c.check} (${c.reason})`).join('; ')}`;
  }
  const final: FinalOutcome = { ...outcome, reason, caveats, path: status.changes.length > 0 ? path : null };
  status.outcome = final;
  return status;
}

export function summarizeProbe(result: RdpProbeResult, at: string): ProbeSummary {
  return {
    target: `${result.host}:${result.port}`,
    at,
    verdict: result.verdict,
    reason: result.reason,
    stage: result.stage,
    selectedProtocol: result.selectedProtocol,
    negotiationFailure: result.negotiationFailure,
    tlsVersion: result.tlsVersion,
    error: result.error,
    elapsedMs: result.elapsedMs,
    certificateNotAfter: result.certificate?.notAfter ?? null,
  };
}

/**
 * Durable Functions keeps a custom status of at most 16 KB of UTF-16 text and fails the orchestration beyond
 * it. The full status is the orchestration's output (no such limit); while it runs, the custom status is this
 * view: whole when it fits, otherwise with long texts shortened and the oldest changes and findings folded into
 * counts, never dropping the current step, the timeline's shape or the outcome.
 */
export const CUSTOM_STATUS_BUDGET = 14_000;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

export function statusForCustomStatus(
  status: RepairStatus,
  budget = CUSTOM_STATUS_BUDGET,
): RepairStatus & { omitted?: { changes: number; findings: number; kept?: number; steps?: number } } {
  // A copy, never the live status: the host serializes the custom status when the episode ends, and the flow goes
  // on changing its status after publishing it (a finding, an undo record), which would slip past this budget.
  const whole = JSON.stringify(status);
  if (whole.length <= budget) return JSON.parse(whole) as RepairStatus;
  const compact = {
    ...status,
    // The undo log restates the changes; while the repair runs, the changes carry the same facts.
    undoLog: [],
    timeline: status.timeline.map((t) => ({ ...t, detail: shorten(t.detail, 160) })),
    // Kept and undone writes restate the undo log (a long offline repair has many); the output has them whole.
    kept: status.kept.map((k) => ({ ...k, what: shorten(k.what, 100), undo: shorten(k.undo, 100), why: shorten(k.why, 100) })),
    undone: status.undone.map((u) => ({ ...u, what: shorten(u.what, 100), undo: shorten(u.undo, 100), result: shorten(u.result, 100) })),
    findings: status.findings.map((f) => ({
      ...f,
      message: shorten(f.message, 240),
      advice: f.advice === null ? null : shorten(f.advice, 160),
    })),
    plannedChanges: status.plannedChanges.map((c) => ({
      ...c,
      reason: shorten(c.reason, 120),
      after: typeof c.after === 'string' ? shorten(c.after, 120) : c.after,
    })),
    changes: status.changes.map((c) => ({
      ...c,
      reason: shorten(c.reason, 80),
      after: typeof c.after === 'string' ? shorten(c.after, 160) : c.after,
    })),
  };
  let omittedChanges = 0;
  let omittedFindings = 0;
  let omittedKept = 0;
  let omittedSteps = 0;
  const view = () => ({
    ...compact,
    omitted: {
      changes: omittedChanges,
      findings: omittedFindings,
      ...(omittedKept > 0 ? { kept: omittedKept } : {}),
      ...(omittedSteps > 0 ? { steps: omittedSteps } : {}),
    },
  });
  while (JSON.stringify(view()).length > budget && (compact.changes.length > 3 || compact.findings.length > 3 || compact.kept.length > 3)) {
    if (compact.kept.length > 3) {
      compact.kept = compact.kept.slice(1);
      omittedKept += 1;
    } else if (compact.changes.length > 3) {
      compact.changes = compact.changes.slice(1);
      omittedChanges += 1;
    } else {
      compact.findings = compact.findings.slice(1);
      omittedFindings += 1;
    }
  }
  // The last resort, for a timeline longer than any repair makes today: shorter details, then the oldest ended
  // steps folded into a count. Running steps and the last few always stay.
  if (JSON.stringify(view()).length > budget) compact.timeline = compact.timeline.map((t) => ({ ...t, detail: shorten(t.detail, 60) }));
  while (JSON.stringify(view()).length > budget) {
    const foldable = compact.timeline.findIndex((t, i) => t.status !== 'running' && i < compact.timeline.length - 5);
    if (foldable < 0) break;
    compact.timeline = compact.timeline.filter((_, i) => i !== foldable);
    omittedSteps += 1;
  }
  return JSON.parse(JSON.stringify(view()));
}
