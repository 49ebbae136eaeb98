import type { RdpProbeResult } from '../../../src/domain/rdpProbe';
import { decideOutcome, type VerifyFacts } from '../../../src/orchestration/decisions/outcome';
import { notRunningOutcome, rejectionFor } from '../../../src/orchestration/decisions/preflight';
import type { VmFacts } from '../../../src/domain/vmFacts';

function probe(verdict: RdpProbeResult['verdict'], extra: Partial<RdpProbeResult> = {}): RdpProbeResult {
  return {
    host: '20.1.2.3',
    port: 3389,
    stage: verdict === 'healthy' ? 'done' : 'tls',
    ok: verdict === 'healthy',
    verdict,
    reason: `${verdict} reason`,
    selectedProtocol: 'SSL',
    negotiationFailure: null,
    tlsVersion: null,
    certificate: null,
    error: null,
    elapsedMs: 12,
    ...extra,
  };
}

function facts(partial: Partial<VerifyFacts>): VerifyFacts {
  return {
    baseline: probe('broken'),
    verify: probe('healthy'),
    noProbeReason: null,
    changesMade: 1,
    probeAdmittedAfter: 'allow',
    probeSourceConfigured: true,
    ...partial,
  };
}

describe('decideOutcome', () => {
  it.each<[string, Partial<VerifyFacts>, string]>([
    ['healthy after a change', {}, 'Repaired'],
    ['healthy with no change after a broken baseline', { changesMade: 0 }, 'AlreadyHealthy'],
    ['still broken', { verify: probe('broken') }, 'NotRepaired'],
    ['degraded after change', { verify: probe('degraded') }, 'NotRepaired'],
    ['unreachable and the NSG now shuts the app out', { verify: probe('unreachable'), probeAdmittedAfter: 'deny' }, 'Unverified'],
    [
      'unreachable after a change, app address unknown',
      { verify: probe('unreachable'), probeAdmittedAfter: 'unknown', probeSourceConfigured: false },
      'Unverified',
    ],
    ['unreachable with the app admitted', { verify: probe('unreachable') }, 'NotRepaired'],
    ['no probe possible after a change', { verify: null, noProbeReason: 'no public IP' }, 'Unverified'],
    ['no probe possible, no change', { verify: null, changesMade: 0, noProbeReason: 'no public IP' }, 'NotRepaired'],
    ['inconclusive verify after a change: unchecked, never "still broken"', { verify: probe('inconclusive') }, 'Unverified'],
    ['inconclusive verify, no change', { verify: probe('inconclusive'), changesMade: 0 }, 'NotRepaired'],
  ])('%s -> %s', (_name, partial, kind) => {
    expect(decideOutcome(facts(partial)).kind).toBe(kind);
  });

  it('an inconclusive probe is reported as unchecked, with its reason', () => {
    const outcome = decideOutcome(
      facts({ verify: probe('inconclusive', { error: 'PROBE_ERROR', reason: 'the probe could not judge: x' }) }),
    );
    expect(outcome.reason).toBe('1 change(s) made, but the result could not be checked: the probe could not judge: x');
  });

  it('a healthy probe after an inconclusive one does not call a fault intermittent', () => {
    const outcome = decideOutcome(facts({ baseline: probe('inconclusive'), changesMade: 0 }));
    expect(outcome).toEqual({ kind: 'AlreadyHealthy', reason: 'Remote Desktop is healthy: healthy reason', advice: [] });
  });

  it('names the negotiation failure in the advice', () => {
    const outcome = decideOutcome(facts({ verify: probe('broken', { negotiationFailure: 'SSL_CERT_NOT_ON_SERVER' }), changesMade: 0 }));
    expect(outcome.advice.join(' ')).toContain('Remote Desktop');
  });
});

describe('preflight decisions', () => {
  const vm: VmFacts = {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm',
    name: 'vm',
    location: 'westeurope',
    zone: null,
    vmSize: 'Standard_D2s_v5',
    osType: 'Windows',
    generation: 'V2',
    powerState: 'running',
    agentStatus: 'Ready',
    agentMessage: null,
    osDisk: { name: 'os', managedDiskId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/os', sizeGb: 127 },
    nicIds: [],
    primaryNicId: null,
    tags: {},
  };
  it.each<[string, Partial<VmFacts>, string | null]>([
    ['a normal Windows VM', {}, null],
    ['opted out (any case)', { tags: { 'RDP-AutoRepair': 'OFF' } }, 'Rejected'],
    ['a Linux VM', { osType: 'Linux' }, 'Rejected'],
    ['an unmanaged disk', { osDisk: { name: 'os', managedDiskId: null, sizeGb: null } }, 'Rejected'],
  ])('%s', (_n, partial, kind) => {
    expect(rejectionFor({ ...vm, ...partial })?.kind ?? null).toBe(kind);
  });
  it('refuses to act on a deallocated VM without starting it', () => {
    expect(notRunningOutcome({ ...vm, powerState: 'deallocated' })?.kind).toBe('NotRepaired');
    expect(notRunningOutcome(vm)).toBeNull();
  });
});
