/** SIMULATED (bench only): the comparison rows as Markdown tables, for a terminal or a note. */
import type { ComparisonRow, Ratios } from './comparison';

export function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

export function times(value: number | null): string {
  return value === null ? '-' : `${value.toFixed(2)}x`;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function ratioCells(r: Ratios | null): string[] {
  return r ? [times(r.downtime), times(r.restarts), times(r.armWrites)] : ['-', '-', '-'];
}

export function comparisonLines(rows: readonly ComparisonRow[]): string[] {
  const lines: string[] = [];
  lines.push('## Time to RDP healthy (simulated), next to the baselines and the critical path');
  lines.push(
    ...table(
      [
        'scenario',
        'outcome',
        'ours',
        'article order',
        'az vm repair',
        'critical path',
        'vs article',
        'vs critical path',
        'vs az vm repair',
      ],
      rows.map((r) => [
        r.scenario,
        r.app.outcome,
        duration(r.app.timeToHealthyMs),
        `${duration(r.articleOrder.timeToHealthyMs)} (${r.articleOrder.outcome})`,
        r.azVmRepair ? `${duration(r.azVmRepair.timeToHealthyMs)} (${r.azVmRepair.outcome})` : '-',
        r.criticalPath ? duration(r.criticalPath.ms) : '-',
        times(r.vsArticleOrder),
        times(r.vsCriticalPath),
        times(r.vsAzVmRepair),
      ]),
    ),
  );
  lines.push('', '## Downtime, restarts, ARM writes (ours / article order / az vm repair) and their ratios');
  lines.push(
    ...table(
      ['scenario', 'downtime', 'restarts', 'ARM writes', 'vs article: downtime, restarts, writes', 'vs az: downtime, restarts, writes'],
      rows.map((r) => [
        r.scenario,
        [r.app, r.articleOrder, r.azVmRepair].map((m) => (m ? duration(m.downtimeMs) : '-')).join(' / '),
        [r.app, r.articleOrder, r.azVmRepair].map((m) => (m ? String(m.restarts) : '-')).join(' / '),
        [r.app, r.articleOrder, r.azVmRepair].map((m) => (m ? String(m.armWrites) : '-')).join(' / '),
        ratioCells(r.ratiosVsArticleOrder).join(', '),
        ratioCells(r.ratiosVsAzVmRepair).join(', '),
      ]),
    ),
  );
  lines.push('', '## Memory and replay cost of each repair (durable history events incl. sub-orchestrations; largest custom status)');
  lines.push(
    ...table(
      ['scenario', 'history events', 'largest custom status (chars of JSON; limit 16384)', 'run commands', 'total incl. cleanup'],
      rows.map((r) => [
        r.scenario,
        String(r.app.historyEvents ?? '-'),
        String(r.app.largestCustomStatusChars ?? '-'),
        String(r.app.runCommands),
        duration(r.app.totalMs),
      ]),
    ),
  );
  lines.push(
    '',
    'Offline rescue VMs: agent-down and rescue-vm-quota name none, so the repair creates an EPHEMERAL one (and deletes',
    'it); the other offline rows use a CONFIGURED rescue VM. az vm repair always creates its rescue VM from scratch.',
  );
  return lines;
}

export function printComparison(rows: readonly ComparisonRow[]): void {
  for (const line of comparisonLines(rows)) console.log(line);
}
