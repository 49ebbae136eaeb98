/**
 * What --follow prints, decided from successive statuses (pure, so it is tested as data): a line per finished
 * step, a line when the repair starts waiting for an approval (with the command that gives it), and the live line
 * (current step and elapsed time) a terminal rewrites in place.
 */
import type { StatusBody } from './repairApiClient';

export interface ProgressState {
  /** Timeline entries already reported as ended, by index and status (an entry can end once). */
  readonly reported: Set<string>;
  /** The gate last reported as waited at, so each wait is announced once. */
  waitingAt: string | null;
  /** The step last announced as running (for output that is not a terminal, where the live line is not drawn). */
  runningAt: string | null;
}

export function newProgressState(): ProgressState {
  return { reported: new Set(), waitingAt: null, runningAt: null };
}

export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

function offset(status: StatusBody, atMs: number): string {
  return `+${formatDuration(atMs - Date.parse(status.createdTime)).padStart(6)}`;
}

export interface Progress {
  /** Lines to append, in order. */
  lines: string[];
  /** The live line: what runs now and for how long (null once the repair ended). */
  live: string | null;
}

/** The running step, from currentStep or the timeline's last running entry. */
function runningStep(status: StatusBody): string | null {
  return status.currentStep ?? [...(status.timeline ?? [])].reverse().find((t) => t.status === 'running')?.step ?? null;
}

export function renderProgress(state: ProgressState, status: StatusBody, nowMs: number, tty: boolean): Progress {
  const lines: string[] = [];
  const seen = new Map<string, number>();
  for (const entry of status.timeline ?? []) {
    if (entry.status === 'running' || entry.endedAt === null) continue;
    // By step and start, not position: a long status folds its oldest steps away while the repair runs (and
    // repeated probes while a VM boots fold into the entry that started them, which is not reported twice).
    const base = `${entry.step}@${entry.startedAt}:${entry.status}`;
    const nth = (seen.get(base) ?? 0) + 1;
    seen.set(base, nth);
    const key = `${base}#${nth}`;
    if (state.reported.has(key)) continue;
    state.reported.add(key);
    const took = formatDuration(Date.parse(entry.endedAt) - Date.parse(entry.startedAt));
    lines.push(
      `${offset(status, Date.parse(entry.endedAt))}  ${entry.status.padEnd(9)} ${entry.step} (${took})` +
        (entry.detail ? `: ${entry.detail}` : ''),
    );
  }
  const waiting = status.waitingFor ?? null;
  if (waiting && state.waitingAt !== waiting.step) {
    state.waitingAt = waiting.step;
    const changes = (waiting.plannedChanges ?? []).map((c) => `${c.property} (${c.reason})`).join('; ');
    lines.push(
      `${offset(status, Date.parse(waiting.since))}  waiting   for approval of ${waiting.step}${changes ? `: ${changes}` : ''}; ` +
        `expires ${waiting.expiresAt}`,
    );
    lines.push(
      `          approve: rdp-autorepair approve ${status.id} --step ${waiting.step}   reject: rdp-autorepair reject ${status.id}`,
    );
  } else if (!waiting) state.waitingAt = null;
  const elapsed = formatDuration(nowMs - Date.parse(status.createdTime));
  const step = runningStep(status);
  if (!tty && step && state.runningAt !== step && !waiting) lines.push(`${offset(status, nowMs)}  running   ${step}`);
  state.runningAt = step;
  const ended = ['Completed', 'Failed', 'Terminated'].includes(status.runtimeStatus);
  if (ended) return { lines, live: null };
  const now = waiting ? `waiting for approval of ${waiting.step}` : step ? `running ${step}` : status.runtimeStatus.toLowerCase();
  return { lines, live: `${now}, elapsed ${elapsed}` };
}

function short(resourceId: string): string {
  return resourceId.split('/providers/')[1] ?? resourceId;
}

/** The repair at a glance: outcome (or state), findings, changes, what was kept. */
export function formatStatus(status: StatusBody): string[] {
  const lines = [`Repair ${status.id} of ${status.vmResourceId ?? '(unknown VM)'} (${status.mode ?? 'repair'}): ${status.runtimeStatus}`];
  const outcome = status.outcome;
  if (outcome) {
    lines.push(`Outcome: ${outcome.kind}: ${outcome.reason}`);
    for (const advice of outcome.advice ?? []) lines.push(`  advice: ${advice}`);
  } else {
    const step = runningStep(status);
    if (status.waitingFor) lines.push(`Waiting for approval of ${status.waitingFor.step} (expires ${status.waitingFor.expiresAt})`);
    else if (step) lines.push(`Running: ${step}`);
  }
  const findings = status.findings ?? [];
  if (findings.length > 0) lines.push('Findings:');
  for (const f of findings) lines.push(`  [${f.severity}] ${f.message}${f.advice ? ` -> ${f.advice}` : ''}`);
  const changes = status.changes ?? [];
  if (changes.length > 0) lines.push('Changes (before -> after):');
  for (const c of changes) lines.push(`  ${short(c.resourceId)} ${c.property}: ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`);
  if (status.artifacts?.snapshotId) lines.push(`Snapshot kept: ${status.artifacts.snapshotId}`);
  if (status.statusUrl) lines.push(`Status: ${status.statusUrl}`);
  return lines;
}
