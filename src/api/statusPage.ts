/**
 * The repair as a page for a person (GET /api/repairs/{id} with Accept: text/html): outcome first, then a
 * timeline drawn to scale, findings, changes with their before and after, what was left behind. Pure: the view
 * and a nonce in, HTML out. Every value from the status is escaped where it is written (text and attributes
 * alike), nothing is loaded from elsewhere, and the only style block carries the nonce the CSP names, so a
 * hostile finding text can neither run nor restyle anything.
 */
import type { Change, ProbeSummary, TimelineEntry } from '../domain/repairStatus';
import type { RepairStatusViewWithChild } from './childProgress';

/** Seconds between refreshes while the repair runs: a durable timer step is 5 s or more (README Settings). */
export const REFRESH_SECONDS = 10;

const ACTIVE = new Set(['Pending', 'Running', 'ContinuedAsNew', 'Suspended']);

/** Text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The Content-Security-Policy of the page: nothing but the page itself and its one nonce'd style block. */
export function statusPageCsp(nonce: string): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'none'",
    "script-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function isActive(runtimeStatus: string): boolean {
  return ACTIVE.has(runtimeStatus);
}

function ms(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** "4 s", "2 min 5 s", "1 h 3 min": durations as an operator says them. */
export function formatDuration(totalMs: number): string {
  const s = Math.max(0, Math.round(totalMs / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

function lastSegment(resourceId: string): string {
  const parts = resourceId.split('/').filter(Boolean);
  return parts.slice(-2).join('/') || resourceId;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** One row of the timeline in axis coordinates (ms since the first step). */
export interface TimelineRow {
  entry: TimelineEntry;
  start: number;
  end: number;
  /** The entry has not ended: it runs up to `end`, the time the status was last written. */
  open: boolean;
  /** Time between the end of the previous step and this one's start: the flow waited (a timer, the host). */
  waitBefore: number;
}

/** Places the steps on a time axis; a step still running ends at `until`. Pure, and tested on its own. */
export function layoutTimeline(timeline: TimelineEntry[], until: number): { rows: TimelineRow[]; origin: number; span: number } {
  const starts = timeline.map((e) => ms(e.startedAt)).filter((t): t is number => t !== null);
  const origin = starts.length > 0 ? Math.min(...starts) : until;
  let previousEnd: number | null = null;
  const rows: TimelineRow[] = [];
  for (const entry of timeline) {
    const start = (ms(entry.startedAt) ?? origin) - origin;
    const ended = ms(entry.endedAt);
    const open = ended === null;
    const end = Math.max(start, (ended ?? Math.max(until, origin + start)) - origin);
    const waitBefore: number = previousEnd === null ? 0 : Math.max(0, start - previousEnd);
    rows.push({ entry, start, end, open, waitBefore });
    previousEnd = previousEnd === null ? end : Math.max(previousEnd, end);
  }
  const span = Math.max(1000, ...rows.map((r) => r.end));
  return { rows, origin, span };
}

/** Axis ticks at a round interval, about six across the span. */
function ticks(span: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);
  const step = steps.find((s) => span / s <= 6) ?? Math.ceil(span / 6 / 3600000) * 3600000;
  const out: number[] = [];
  for (let t = 0; t <= span; t += step) out.push(t);
  return out;
}

const LABEL_W = 200;
const BAR_W = 640;
const ROW_H = 26;
const AXIS_H = 28;

function timelineSvg(timeline: TimelineEntry[], until: number): string {
  if (timeline.length === 0) return '<p class="muted">No step has started yet.</p>';
  const { rows, span } = layoutTimeline(timeline, until);
  const x = (t: number) => LABEL_W + (t / span) * BAR_W;
  const height = AXIS_H + rows.length * ROW_H + 8;
  const width = LABEL_W + BAR_W + 90;
  const parts: string[] = [];
  parts.push(
    `<svg class="timeline" role="img" aria-label="Timeline of the repair's steps" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
  );
  parts.push(
    '<defs><pattern id="stripes" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">' +
      '<rect width="4" height="8" class="stripe"/></pattern></defs>',
  );
  for (const t of ticks(span)) {
    parts.push(`<line class="grid" x1="${x(t).toFixed(1)}" y1="${AXIS_H - 6}" x2="${x(t).toFixed(1)}" y2="${height - 4}"/>`);
    parts.push(
      `<text class="tick" x="${x(t).toFixed(1)}" y="${AXIS_H - 12}" text-anchor="middle">+${escapeHtml(formatDuration(t))}</text>`,
    );
  }
  rows.forEach((row, i) => {
    const y = AXIS_H + i * ROW_H;
    const label = row.entry.step.length > 28 ? `${row.entry.step.slice(0, 27)}…` : row.entry.step;
    parts.push(`<g class="step" data-step="${escapeHtml(row.entry.step)}" data-status="${escapeHtml(row.entry.status)}">`);
    parts.push(`<title>${escapeHtml(`${row.entry.step}: ${row.entry.status}${row.entry.detail ? ` (${row.entry.detail})` : ''}`)}</title>`);
    parts.push(`<text class="label" x="${LABEL_W - 10}" y="${y + 17}" text-anchor="end">${escapeHtml(label)}</text>`);
    if (row.waitBefore > 0) {
      parts.push(
        `<line class="wait" x1="${x(row.start - row.waitBefore).toFixed(1)}" y1="${y + 13}" x2="${x(row.start).toFixed(1)}" y2="${y + 13}">` +
          `<title>waited ${escapeHtml(formatDuration(row.waitBefore))}</title></line>`,
      );
    }
    const barX = x(row.start);
    const barW = Math.max(3, x(row.end) - barX);
    const cls = `bar ${row.entry.status}${row.open ? ' open' : ''}`;
    parts.push(`<rect class="${escapeHtml(cls)}" x="${barX.toFixed(1)}" y="${y + 5}" width="${barW.toFixed(1)}" height="16" rx="3"/>`);
    if (row.open) {
      parts.push(
        `<rect class="bar-stripes" x="${barX.toFixed(1)}" y="${y + 5}" width="${barW.toFixed(1)}" height="16" rx="3" fill="url(#stripes)"/>`,
      );
    }
    const duration = row.entry.status === 'skipped' ? 'skipped' : formatDuration(row.end - row.start) + (row.open ? ' …' : '');
    parts.push(`<text class="dur" x="${(barX + barW + 6).toFixed(1)}" y="${y + 17}">${escapeHtml(duration)}</text>`);
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

function list(items: string[], empty: string): string {
  return items.length === 0 ? `<p class="muted">${escapeHtml(empty)}</p>` : `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`;
}

function changeRow(change: Pick<Change, 'resourceId' | 'property' | 'before' | 'after' | 'reason'> & { at?: string }): string {
  return (
    '<tr>' +
    `<td><span class="mono" title="${escapeHtml(change.resourceId)}">${escapeHtml(lastSegment(change.resourceId))}</span>` +
    `<br><span class="mono small">${escapeHtml(change.property)}</span></td>` +
    `<td><pre class="before">${escapeHtml(valueText(change.before))}</pre></td>` +
    `<td><pre class="after">${escapeHtml(valueText(change.after))}</pre></td>` +
    `<td>${escapeHtml(change.reason)}${change.at ? `<br><span class="muted small">${escapeHtml(change.at)}</span>` : ''}</td>` +
    '</tr>'
  );
}

function changesTable(rows: string[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  return (
    '<table class="changes"><colgroup><col class="resource"><col class="value"><col class="value"><col class="why"></colgroup>' +
    `<thead><tr><th>resource</th><th>before</th><th>after</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`
  );
}

function probeLine(name: string, probe: ProbeSummary | null | undefined): string {
  if (!probe) return `<li>${escapeHtml(name)}: <span class="muted">not run</span></li>`;
  return (
    `<li>${escapeHtml(name)}: <span class="verdict ${escapeHtml(probe.verdict)}">${escapeHtml(probe.verdict)}</span> ` +
    `${escapeHtml(probe.target)}, ${escapeHtml(probe.reason)} <span class="muted small">(${escapeHtml(probe.at)})</span></li>`
  );
}

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #fff; }
header { padding: 18px 28px 14px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { font-size: 20px; margin: 0 0 4px; }
main { padding: 8px 28px 28px; max-width: 1100px; }
section { margin-top: 22px; }
h2 { font-size: 15px; margin: 0 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.muted { color: var(--muted); }
.small { font-size: 12px; }
.mono, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
.meta span { margin-right: 16px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; font-size: 13px; border: 1px solid transparent; }
.badge.Running, .badge.Pending { background: #ddf4ff; color: #0969da; border-color: #54aeff; }
.badge.Completed { background: #eef1f4; color: var(--ink); border-color: var(--line); }
.badge.Failed, .badge.Terminated { background: #ffebe9; color: #cf222e; border-color: #ff8182; }
.outcome { border: 1px solid var(--line); border-left: 6px solid #8c959f; border-radius: 6px; padding: 12px 16px; background: #fff; }
.outcome.Repaired, .outcome.AlreadyHealthy { border-left-color: #1a7f37; }
.outcome.Diagnosed, .outcome.Unverified { border-left-color: #bf8700; }
.outcome.NotRepaired, .outcome.Rejected, .outcome.RolledBack, .outcome.Cancelled { border-left-color: #cf222e; }
.outcome .kind { font-size: 18px; font-weight: 700; }
.caveat { color: #9a6700; }
.timeline { max-width: 100%; height: auto; display: block; }
.timeline .grid { stroke: #eaeef2; stroke-width: 1; }
.timeline .tick { font-size: 11px; fill: var(--muted); }
.timeline .label { font-size: 12px; fill: var(--ink); }
.timeline .dur { font-size: 11px; fill: var(--muted); }
.timeline .bar.succeeded { fill: #2da44e; }
.timeline .bar.failed { fill: #cf222e; }
.timeline .bar.skipped { fill: #afb8c1; }
.timeline .bar.running { fill: #218bff; }
.timeline .stripe { fill: rgba(255, 255, 255, .35); }
.timeline .wait { stroke: #8c959f; stroke-width: 2; stroke-dasharray: 3 3; }
.legend span { margin-right: 14px; }
.legend i { display: inline-block; width: 12px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: baseline; }
.legend .succeeded { background: #2da44e; } .legend .failed { background: #cf222e; }
.legend .skipped { background: #afb8c1; } .legend .running { background: #218bff; }
.legend .wait { border-top: 2px dashed #8c959f; height: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td, th { overflow-wrap: anywhere; }
table.changes col.resource { width: 28%; } table.changes col.value { width: 24%; } table.changes col.why { width: 24%; }
table.findings col.sev { width: 80px; } table.findings col.code { width: 210px; }
th, td { text-align: left; vertical-align: top; border-bottom: 1px solid var(--line); padding: 6px 8px; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
pre.before { color: #82071e; } pre.after { color: #116329; }
.sev { font-weight: 600; } .sev.error { color: #cf222e; } .sev.warning { color: #9a6700; } .sev.info { color: var(--muted); }
.verdict { font-weight: 600; } .verdict.healthy { color: #1a7f37; } .verdict.broken, .verdict.unreachable { color: #cf222e; }
footer { padding: 12px 28px 24px; color: var(--muted); font-size: 12px; }
`;

function sourceText(source: RepairStatusViewWithChild['source']): string {
  if (!source) return 'unknown';
  if (source.kind === 'alert') return `alert ${source.rule ?? source.alertId}`;
  return 'HTTP request';
}

export interface StatusPageOptions {
  /** The CSP nonce of this response's style block (fresh per response). */
  nonce: string;
}

/** The whole page. `view.lastUpdatedTime` is "now" for a step still running, so the page is the same on every render. */
export function renderStatusPage(view: RepairStatusViewWithChild, options: StatusPageOptions): string {
  const active = isActive(view.runtimeStatus);
  const until = ms(view.lastUpdatedTime) ?? Date.now();
  const timeline = view.timeline ?? [];
  const outcome = view.outcome ?? null;
  const vmName = view.vmResourceId ? lastSegment(view.vmResourceId).split('/').pop() : undefined;
  const title = `Repair of ${vmName ?? view.id}`;

  const outcomeHtml = outcome
    ? `<div class="outcome ${escapeHtml(outcome.kind)}" id="outcome"><div class="kind">${escapeHtml(outcome.kind)}</div>` +
      `<p>${escapeHtml(outcome.reason)}</p>` +
      (outcome.caveats.length > 0
        ? `<p><strong>Not checked</strong></p><ul>${outcome.caveats
            .map((c) => `<li class="caveat"><span class="mono">${escapeHtml(c.check)}</span>: ${escapeHtml(c.reason)}</li>`)
            .join('')}</ul>`
        : '') +
      (outcome.advice.length > 0
        ? `<p><strong>Advice</strong></p><ul>${outcome.advice.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ul>`
        : '') +
      `<p class="muted small">Path: ${escapeHtml(outcome.path ?? 'nothing was changed')}</p></div>`
    : `<div class="outcome" id="outcome"><div class="kind">In progress</div><p>Current step: ` +
      `<span class="mono">${escapeHtml(view.currentStep ?? 'starting')}</span></p></div>`;

  const findings = (view.findings ?? []).map(
    (f) =>
      `<tr><td class="sev ${escapeHtml(f.severity)}">${escapeHtml(f.severity)}</td><td class="mono">${escapeHtml(f.code)}</td>` +
      `<td>${escapeHtml(f.message)}${f.advice ? `<br><span class="muted">${escapeHtml(f.advice)}</span>` : ''}</td></tr>`,
  );
  const findingsHtml =
    findings.length === 0
      ? '<p class="muted">No findings yet.</p>'
      : '<table class="findings"><colgroup><col class="sev"><col class="code"><col></colgroup>' +
        `<thead><tr><th>severity</th><th>code</th><th>finding</th></tr></thead><tbody>${findings.join('')}</tbody></table>`;

  const artifacts = view.artifacts;
  const artifactItems = [
    artifacts?.snapshotId ? `Snapshot of the OS disk: <span class="mono">${escapeHtml(artifacts.snapshotId)}</span>` : null,
    artifacts?.originalOsDiskId ? `Original OS disk, kept: <span class="mono">${escapeHtml(artifacts.originalOsDiskId)}</span>` : null,
    ...(view.kept ?? []).map(
      (k) => `Kept: ${escapeHtml(k.what)}, ${escapeHtml(k.why)} <span class="muted">(undo: ${escapeHtml(k.undo)})</span>`,
    ),
    ...(view.undone ?? []).map((u) => `Undone: ${escapeHtml(u.what)}: ${escapeHtml(u.result)}`),
  ].filter((i): i is string => i !== null);

  const guestRuns = (view.guestRuns ?? []).map(
    (g) =>
      `<span class="mono">${escapeHtml(g.script)}</span> ${escapeHtml(g.ended)} <span class="muted small">(${escapeHtml(g.at)})</span>`,
  );

  const planned = view.plannedChanges ?? [];
  const plannedTitle = view.mode === 'diagnose' ? 'A repair would change' : 'Planned from the diagnosis';

  const child = view.runningChild
    ? `<section id="child"><h2>Running phase</h2><p>${escapeHtml(view.runningChild.phase)}: ${escapeHtml(view.runningChild.runtimeStatus)}` +
      `${view.runningChild.unavailable ? ` (${escapeHtml(view.runningChild.unavailable)})` : ''}</p></section>`
    : '';

  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    active ? `<meta http-equiv="refresh" content="${REFRESH_SECONDS}">` : '',
    `<title>${escapeHtml(title)}</title>`,
    `<style nonce="${escapeHtml(options.nonce)}">${STYLE}</style>`,
    '</head><body>',
    `<header><h1>${escapeHtml(title)}</h1><div class="meta">`,
    `<span class="badge ${escapeHtml(view.runtimeStatus)}" id="runtime-status">${escapeHtml(view.runtimeStatus)}</span>`,
    `<span>mode <strong>${escapeHtml(view.mode ?? 'unknown')}</strong></span>`,
    `<span>from <strong>${escapeHtml(sourceText(view.source))}</strong></span>`,
    `<span>restarts <strong>${escapeHtml(view.restarts ?? 0)}</strong></span>`,
    `<span class="muted">started ${escapeHtml(view.startedAt ?? view.createdTime)}</span>`,
    '</div>',
    `<div class="mono small muted">${escapeHtml(view.vmResourceId ?? '')}</div>`,
    `<div class="mono small muted">id ${escapeHtml(view.id)}</div></header>`,
    '<main>',
    `<section><h2>Outcome</h2>${outcomeHtml}</section>`,
    child,
    `<section id="timeline"><h2>Timeline</h2>${timelineSvg(timeline, until)}`,
    '<p class="legend small muted"><span><i class="succeeded"></i>succeeded</span><span><i class="failed"></i>failed</span>',
    '<span><i class="running"></i>running</span><span><i class="skipped"></i>skipped</span><span><i class="wait"></i>waiting between steps</span></p></section>',
    `<section id="findings"><h2>Findings</h2>${findingsHtml}</section>`,
    `<section id="changes"><h2>Changes</h2>${changesTable((view.changes ?? []).map(changeRow), 'Nothing was changed.')}</section>`,
    planned.length > 0 ? `<section id="planned"><h2>${plannedTitle}</h2>${changesTable(planned.map(changeRow), '')}</section>` : '',
    `<section id="probes"><h2>RDP probes</h2><ul>${probeLine('before', view.probes?.baseline)}${probeLine('after', view.probes?.verify)}</ul></section>`,
    `<section id="artifacts"><h2>Left behind</h2>${list(artifactItems, 'Nothing: no snapshot, no kept disk.')}</section>`,
    guestRuns.length > 0 ? `<section id="guest-runs"><h2>Guest scripts</h2>${list(guestRuns, '')}</section>` : '',
    '</main>',
    `<footer>${active ? `Refreshes every ${REFRESH_SECONDS} s while the repair runs. ` : ''}` +
      `Last update ${escapeHtml(view.lastUpdatedTime)}. ` +
      'The same status as JSON: request this URL with Accept: application/json.</footer>',
    '</body></html>',
  ].join('\n');
}
