import type { RdpProbeResult, ProbeVerdict } from '../../src/domain/rdpProbe';
import type { UndoRecord } from '../../src/domain/repairStatus';
import { alreadyHealthy, articleOrderApplies, guestStillNeedsFixes } from '../../src/orchestration/decisions/route';
import { settleUndoLog } from '../../src/orchestration/decisions/undo';

function probe(verdict: ProbeVerdict): RdpProbeResult {
  return {
    host: 'h',
    port: 3389,
    stage: 'done',
    ok: verdict === 'healthy',
    verdict,
    reason: `it is ${verdict}`,
    selectedProtocol: 'SSL',
    negotiationFailure: null,
    tlsVersion: 'TLSv1.2',
    certificate: null,
    error: null,
    elapsedMs: 1,
  };
}

describe('route: already healthy', () => {
  it.each([
    ['healthy, no NSG change wanted', probe('healthy'), 0, null, 'AlreadyHealthy'],
    ['healthy but a world-open rule to restrict', probe('healthy'), 1, null, null],
    ['broken', probe('broken'), 0, null, null],
    ['degraded', probe('degraded'), 0, null, null],
    ['no probe at all', null, 0, null, null],
  ] as const)('%s', (_name, p, restrictions, port, expected) => {
    expect(alreadyHealthy({ probe: p, restrictionsWanted: restrictions, detectedPort: port })?.kind ?? null).toBe(expected);
  });

  it('names the port read from the guest', () => {
    expect(alreadyHealthy({ probe: probe('healthy'), restrictionsWanted: 0, detectedPort: 3390 })?.reason).toBe(
      'Remote Desktop is healthy on port 3390: it is healthy',
    );
  });
});

describe('route: the article order', () => {
  const base = {
    plannedFixes: 0,
    explained: false,
    baseline: 'broken' as ProbeVerdict,
    current: 'broken' as ProbeVerdict,
    openToWorld: false,
    restricted: false,
  };
  it.each([
    ['nothing explains a broken RDP', {}, true],
    ['diagnosis planned a fix', { plannedFixes: 1 }, false],
    ['a finding explains it but has no fix (shared svchost on the port)', { explained: true }, false],
    ['the NSG is open to the world and was not restricted (the scan may be the cause)', { openToWorld: true }, false],
    ['the NSG was restricted and RDP is still broken', { openToWorld: true, restricted: true }, true],
    ['the NSG was restricted and RDP is healthy now', { openToWorld: true, restricted: true, current: 'healthy' }, false],
    ['unreachable says nothing about the guest', { baseline: 'unreachable', current: 'unreachable' }, false],
    ['degraded is not broken', { baseline: 'degraded', current: 'degraded' }, false],
    ['no probe ran', { baseline: null, current: null }, false],
    ['an inconclusive probe is no evidence for blind changes', { baseline: 'inconclusive', current: 'inconclusive' }, false],
    ['inconclusive after an NSG change', { openToWorld: true, restricted: true, current: 'inconclusive' }, false],
  ] as const)('%s', (_name, change, expected) => {
    expect(articleOrderApplies({ ...base, ...change })).toBe(expected);
  });
});

describe('route: guest still needs its fixes', () => {
  it.each([
    [null, true],
    ['broken', true],
    ['degraded', true],
    ['healthy', false],
    ['unreachable', false],
    ['inconclusive', true],
  ] as const)('%s -> %s', (verdict, expected) => {
    expect(guestStillNeedsFixes(verdict)).toBe(expected);
  });
});

describe('undo log when a repair does not succeed', () => {
  const log: UndoRecord[] = [
    { kind: 'nsgSources', resourceId: 'nsg/rule', what: 'restricted', undo: 'set back to *' },
    { kind: 'nsgRule', resourceId: 'nsg/rule2', what: 'created', undo: 'delete it' },
    { kind: 'guestValue', resourceId: 'vm/guest', what: 'Enabled = 1', undo: 'set back to 0' },
    { kind: 'guestAction', resourceId: 'vm/guest', what: 'stopped W3SVC', undo: 'start it' },
  ];

  it.each(['Repaired', 'AlreadyHealthy', 'Diagnosed'] as const)('%s keeps the writes as the repair itself, listing nothing', (kind) => {
    expect(settleUndoLog(log, kind).kept).toEqual([]);
  });

  it.each(['NotRepaired', 'Unverified', 'Cancelled'] as const)('%s lists every online write as kept, each with why', (kind) => {
    const kept = settleUndoLog(log, kind).kept;
    expect(kept.map((k) => k.resourceId)).toEqual(log.map((l) => l.resourceId));
    expect(kept[0].why).toMatch(/open RDP to the Internet again/);
    expect(kept[1].why).toMatch(/lock users out/);
    for (const k of kept) expect(k.why).toMatch(/^kept: /);
  });
});
