import type { RepairStatusViewWithChild } from '../../src/api/childProgress';
import { escapeHtml, formatDuration, layoutTimeline, renderStatusPage, statusPageCsp } from '../../src/api/statusPage';
import { statusPageResponse, wantsHtml } from '../../src/api/statusPageResponse';

const HOSTILE = '</style></title><script>alert(1)</script><img src=x onerror=alert(2)>" onmouseover="alert(3)\' &amp;';

function view(overrides: Partial<RepairStatusViewWithChild> = {}): RepairStatusViewWithChild {
  return {
    id: 'rdprepair-vm1-0123456789abcdef',
    runtimeStatus: 'Running',
    createdTime: '2026-01-05T03:00:00.000Z',
    lastUpdatedTime: '2026-01-05T03:02:00.000Z',
    statusUrl: 'https://app/api/repairs/rdprepair-vm1-0123456789abcdef',
    repairId: 'rdprepair-vm1-0123456789abcdef',
    vmResourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
    mode: 'repair',
    source: { kind: 'http' },
    startedAt: '2026-01-05T03:00:00.000Z',
    currentStep: 'restartVm',
    timeline: [
      { step: 'preflight', status: 'succeeded', startedAt: '2026-01-05T03:00:00.000Z', endedAt: '2026-01-05T03:00:10.000Z', detail: '' },
      { step: 'restartVm', status: 'running', startedAt: '2026-01-05T03:01:00.000Z', endedAt: null, detail: '' },
    ],
    findings: [],
    changes: [],
    plannedChanges: [],
    outcome: null,
    ...overrides,
  };
}

describe('status page rendering', () => {
  it('escapes every hostile text, in text and in attributes, so no markup of its own survives', () => {
    const html = renderStatusPage(
      view({
        findings: [{ code: HOSTILE, severity: 'error', message: HOSTILE, advice: HOSTILE }],
        timeline: [{ step: HOSTILE, status: 'failed', startedAt: '2026-01-05T03:00:00.000Z', endedAt: null, detail: HOSTILE }],
        changes: [{ resourceId: HOSTILE, property: HOSTILE, before: HOSTILE, after: { x: HOSTILE }, at: HOSTILE, reason: HOSTILE }],
        artifacts: { snapshotId: HOSTILE, originalOsDiskId: null },
        outcome: { kind: 'NotRepaired', reason: HOSTILE, advice: [HOSTILE], path: null, caveats: [{ check: HOSTILE, reason: HOSTILE }] },
        vmResourceId: HOSTILE,
      }),
      { nonce: 'abc"><script>' },
    );
    // As text the words may appear; as markup (a tag, or a quote closing an attribute) they must not.
    expect(html).not.toMatch(/<script|<img|"\s*onmouseover=|<\/title><script/i);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html.match(/<style/g)).toHaveLength(1);
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('nonce="abc&quot;&gt;&lt;script&gt;"');
  });

  it('refreshes only while the repair runs', () => {
    expect(renderStatusPage(view(), { nonce: 'n' })).toContain('<meta http-equiv="refresh" content="10">');
    const done = view({ runtimeStatus: 'Completed', outcome: { kind: 'Repaired', reason: 'ok', advice: [], path: 'online', caveats: [] } });
    expect(renderStatusPage(done, { nonce: 'n' })).not.toContain('http-equiv="refresh"');
  });

  it('lays the steps out to scale, a running step up to the last update, and the wait between steps', () => {
    const { rows, span } = layoutTimeline(view().timeline ?? [], Date.parse('2026-01-05T03:02:00.000Z'));
    expect(span).toBe(120000);
    expect(rows.map((r) => [r.start, r.end, r.open, r.waitBefore])).toEqual([
      [0, 10000, false, 0],
      [60000, 120000, true, 50000],
    ]);
    const html = renderStatusPage(view(), { nonce: 'n' });
    expect(html.match(/<g class="step"/g)).toHaveLength(2);
    expect(html).toContain('class="wait"');
    expect(html).toContain('waited 50 s');
  });

  it('says durations as an operator does', () => {
    expect([0, 4000, 60000, 125000, 3600000, 3780000].map(formatDuration)).toEqual([
      '0 s',
      '4 s',
      '1 min',
      '2 min 5 s',
      '1 h',
      '1 h 3 min',
    ]);
  });

  it('answers with a strict CSP naming the nonce of its one style block', () => {
    const response = statusPageResponse(view(), 'Tm9uY2U=');
    const headers = response.headers as Record<string, string>;
    expect(headers['Content-Security-Policy']).toBe(statusPageCsp('Tm9uY2U='));
    expect(headers['Content-Security-Policy']).toMatch(
      /^default-src 'none'; style-src 'nonce-Tm9uY2U='; img-src 'none'; script-src 'none'/,
    );
    expect(response.body).toContain('<style nonce="Tm9uY2U=">');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    const other = statusPageResponse(view()).headers as Record<string, string>;
    expect(other['Content-Security-Policy']).not.toBe(headers['Content-Security-Policy']);
  });

  it('gives HTML only to a caller that names it', () => {
    expect(wantsHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(wantsHtml('application/json')).toBe(false);
    expect(wantsHtml('*/*')).toBe(false);
    expect(wantsHtml(null)).toBe(false);
  });
});
