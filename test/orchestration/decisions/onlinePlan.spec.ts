import { articleOrderSteps, planOnlineRepair, tlsRevertedFinding } from '../../../src/orchestration/decisions/onlinePlan';
import { diagnosis, healthyDiagnosis } from '../../support/diagnoseFixtures';

const now = new Date('2026-06-01T00:00:00Z');
const plan = (d = healthyDiagnosis(), allowLegacyTls = false) => planOnlineRepair(d, { allowLegacyTls, now });

describe('planOnlineRepair: findings -> ordered fixes and whether the VM restarts', () => {
  it.each<[string, ReturnType<typeof diagnosis>, string[], boolean]>([
    ['a healthy guest', healthyDiagnosis(), [], false],
    [
      'port held by a service',
      diagnosis({ listener: { processName: 'w3wp', processId: 4321, serviceName: 'W3SVC' } }),
      ['fix-port-conflict'],
      false,
    ],
    ['certificate without private key', diagnosis({ certificate: { hasPrivateKey: false } }), ['renew-certificate'], true],
    ['private key does not open', diagnosis({ certificate: { privateKeyOpens: false } }), ['renew-certificate'], true],
    ['no certificate', diagnosis({ certificate: { present: false, thumbprint: null } }), ['renew-certificate'], true],
    [
      'pin to a missing certificate',
      diagnosis({ certificate: { pinnedMissing: true }, rdp: { pinnedThumbprint: 'FFFF' } }),
      ['renew-certificate'],
      true,
    ],
    ['expired certificate', diagnosis({ certificate: { notAfter: '2025-01-01T00:00:00Z' } }), ['renew-certificate'], true],
    ['MachineKeys ACL broken', diagnosis({ machineKeys: { networkServiceRead: false } }), ['renew-certificate'], true],
    ['TLS 1.2 server disabled', diagnosis({ tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } }), ['enable-tls'], true],
    ['TLS 1.2 disabled by default only', diagnosis({ tls: { 'TLS 1.2': { enabled: null, disabledByDefault: 1 } } }), ['enable-tls'], true],
    [
      'port + certificate + TLS at once',
      diagnosis({
        listener: { processName: 'w3wp', processId: 1, serviceName: 'W3SVC' },
        certificate: { privateKeyOpens: false },
        tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
      }),
      ['fix-port-conflict', 'renew-certificate', 'enable-tls'],
      true,
    ],
  ])('%s', (_name, d, scripts, restart) => {
    const p = plan(d);
    expect(p.steps.map((s) => s.script)).toEqual(scripts);
    expect(p.restartVm).toBe(restart);
  });

  it('moves RDP to a fallback port that is not the current one', () => {
    const p = plan(diagnosis({ rdp: { portNumber: 3390 }, listener: { processName: 'x', processId: 1, serviceName: 'Foo' } }));
    expect(p.steps[0]).toMatchObject({ script: 'fix-port-conflict', params: { ServiceName: 'Foo', RdpPort: 3390, FallbackPort: 3391 } });
  });

  it('passes allowLegacyTls through and only then', () => {
    const d = diagnosis({ tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: null } } });
    expect(plan(d, false).steps[0].params).toEqual({ AllowLegacyTls: false });
    expect(plan(d, true).steps[0].params).toEqual({ AllowLegacyTls: true });
  });

  it('reports what it cannot fix without planning a change', () => {
    const p = plan(diagnosis({ rdp: { fDenyTSConnections: 1 }, firewall: { enabled: false } }));
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['RdpConnectionsDenied', 'RdpFirewallRuleDisabled']);
  });

  it('does not stop a program that is not a service', () => {
    const p = plan(diagnosis({ listener: { processName: 'rogue', processId: 7, serviceName: null } }));
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toContain('RdpPortTakenByProcess');
  });

  // Issue 20, defect 1: the third entry differs by build and stops no connection.
  it.each<[string, ReturnType<typeof diagnosis>]>([
    ['the build entry (Administrators / SessionEnv) missing alone', diagnosis({ machineKeys: { buildEntryPresent: false } })],
    ['SYSTEM without full control, NETWORK SERVICE still reading', diagnosis({ machineKeys: { systemFullControl: false } })],
  ])('plans no change for %s', (_name, d) => {
    const p = plan(d);
    expect(p.steps).toEqual([]);
    expect(p.findings).toEqual([]);
  });

  it('raises the MachineKeys finding only on what TermService needs: NETWORK SERVICE read', () => {
    const p = plan(diagnosis({ machineKeys: { networkServiceRead: false } }));
    expect(p.findings.map((f) => f.code)).toEqual(['MachineKeysAccess']);
    expect(p.findings[0]!.message).toContain('NETWORK SERVICE');
  });

  // Issue 20, defect 2.
  it('never plans to stop a service of a shared svchost, and says how to find the owner', () => {
    const p = plan(
      diagnosis({
        listener: { processName: 'svchost', processId: 3100, serviceName: null, hostedServices: ['iphlpsvc', 'Schedule', 'Winmgmt'] },
      }),
    );
    expect(p.steps).toEqual([]);
    expect(p.explained).toBe(true);
    const shared = p.findings.find((f) => f.code === 'RdpPortTakenBySharedProcess');
    expect(shared?.message).toContain('iphlpsvc, Schedule, Winmgmt');
    expect(shared?.advice).toMatch(/netstat -anob|Resource Monitor/);
  });

  it('never stops the owner the service tag names either, when its process hosts other services', () => {
    const p = plan(
      diagnosis({
        listener: { processName: 'svchost', processId: 3100, serviceName: 'iphlpsvc', hostedServices: ['iphlpsvc', 'Schedule'] },
      }),
    );
    expect(p.steps).toEqual([]);
    const shared = p.findings.find((f) => f.code === 'RdpPortTakenBySharedProcess');
    expect(shared?.message).toContain('the socket belongs to iphlpsvc');
    expect(shared?.advice).toContain('reconfigure iphlpsvc');
  });

  // Issue 20, defect 4.
  it('treats an expired pin like a missing one', () => {
    const p = plan(
      diagnosis({
        certificate: { store: 'personal', pinnedExpired: true, notAfter: '2026-01-01T00:00:00Z' },
        rdp: { pinnedThumbprint: 'AB'.repeat(20) },
      }),
    );
    expect(p.steps.map((s) => s.script)).toEqual(['renew-certificate']);
    expect(p.findings[0]!.message).toContain('expired');
  });

  it('reports a pinned certificate whose key NETWORK SERVICE cannot read, without a blind change', () => {
    const p = plan(diagnosis({ certificate: { store: 'personal', networkServiceKeyRead: false } }));
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['PinnedCertificateKeyUnreadable']);
  });

  // Issue 20, defect 8.
  it('reports a MachineKeys folder that refuses listing as a check that could not run, not as "no container"', () => {
    const p = plan(diagnosis({ machineKeys: { listable: false, rdpContainerFound: false, networkServiceRead: false } }));
    expect(p.steps).toEqual([]);
    expect(p.findings.map((f) => f.code)).toEqual(['MachineKeysUnreadable']);
  });

  it('a healthy plan explains nothing, so the article order stays possible', () => {
    expect(plan().explained).toBe(false);
  });

  it('falls back to the article order one step at a time', () => {
    expect(articleOrderSteps({ allowLegacyTls: false }).map((s) => s.script)).toEqual(['renew-certificate', 'enable-tls']);
  });

  it('names the SCHANNEL values when Group Policy turns TLS 1.2 off again', () => {
    expect(tlsRevertedFinding(healthyDiagnosis())).toBeNull();
    const f = tlsRevertedFinding(
      diagnosis({ tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } }, domain: { joined: true, name: 'corp.contoso.com' } }),
    );
    expect(f?.message).toContain('Enabled=0, DisabledByDefault=1');
    expect(f?.message).toContain('corp.contoso.com');
    expect(f?.advice).toContain('TLS 1.2');
  });
});

describe('planOnlineRepair: the boot time the first restart is proven against', () => {
  it('carries the diagnosis LastBootUpTime, or null when the diagnosis could not read it', () => {
    expect(plan(diagnosis({ certificate: { privateKeyOpens: false } })).bootTimeAtDiagnosis).toBe('2026-01-05T03:00:00Z');
    expect(plan({ ...healthyDiagnosis(), lastBootUpTime: null }).bootTimeAtDiagnosis).toBeNull();
  });
});
