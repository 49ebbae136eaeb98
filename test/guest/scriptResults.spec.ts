import { RESULT_MARKER, RUN_COMMAND_OUTPUT_LIMIT } from '../../src/guest/resultProtocol';
import type {
  DiagnoseResult,
  EnableTlsResult,
  FixPortConflictResult,
  GuestScriptName,
  RenewCertificateResult,
  RestoreGroupPolicyResult,
} from '../../src/guest/scriptContracts';
import { parseGuestResult } from '../../src/guest/scriptResults';

const diagnose: DiagnoseResult = {
  script: 'diagnose',
  os: { caption: 'Microsoft Windows Server 2019 Datacenter', build: '17763.6893' },
  lastBootUpTime: '2026-01-05T03:00:00Z',
  domain: { joined: true, name: 'contoso.local' },
  rdp: {
    portNumber: 3389,
    fDenyTSConnections: 0,
    policyDenyTSConnections: null,
    securityLayer: 2,
    userAuthentication: 1,
    allowSecProtocolNegotiation: 1,
    pinnedThumbprint: null,
  },
  listener: { processName: 'svchost', processId: 1188, serviceName: 'W3SVC', hostedServices: ['W3SVC'] },
  services: {
    TermService: { status: 'Running', startType: 'Manual' },
    SessionEnv: { status: 'Stopped', startType: 'Manual' },
    UmRdpService: { status: null, startType: null },
  },
  certificate: {
    present: true,
    store: 'remote-desktop',
    thumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
    notAfter: '2026-09-01T10:00:00Z',
    hasPrivateKey: true,
    privateKeyOpens: false,
    networkServiceKeyRead: false,
    pinnedMissing: false,
    pinnedExpired: false,
  },
  machineKeys: { listable: true, rdpContainerFound: true, systemFullControl: false, networkServiceRead: false, buildEntryPresent: true },
  tls: {
    'TLS 1.0': { enabled: 0, disabledByDefault: 1 },
    'TLS 1.1': { enabled: null, disabledByDefault: null },
    'TLS 1.2': { enabled: 0, disabledByDefault: 1 },
  },
  gpsvcStart: 2,
  firewall: { ruleName: 'RemoteDesktop-UserMode-In-TCP', enabled: true, localPorts: '3389' },
};

const fixPort: FixPortConflictResult = {
  script: 'fix-port-conflict',
  ok: true,
  message: 'W3SVC keeps port 3389; RDP moved to port 3390 (update the NSG rule)',
  changes: [
    {
      path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp',
      name: 'PortNumber',
      before: 3389,
      after: 3390,
    },
    { path: 'FirewallRule:RemoteDesktop-UserMode-In-TCP', name: 'LocalPort', before: '3389', after: '3390' },
  ],
  actions: ['could not stop W3SVC: timed out', 'stopped TermService', 'started TermService'],
  stoppedHolder: false,
  newPort: 3390,
};

const renew: RenewCertificateResult = {
  script: 'renew-certificate',
  ok: true,
  message: 'new RDP certificate 0F1E2D3C4B5A69788796A5B4C3D2E1F001234567, valid until 2026-12-01T00:00:00',
  changes: [
    {
      path: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys\\f686aace6942fb7f7ceb231212eef4a4_1234',
      name: 'ACL',
      before: 'SYSTEM=-;NETWORK SERVICE=-;Administrators=F',
      after: 'SYSTEM=F;NETWORK SERVICE=R;Administrators=F',
    },
    { path: 'Cert:\\LocalMachine\\Remote Desktop', name: 'Certificate', before: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678', after: null },
  ],
  actions: ['restarted SessionEnv', 'restarted TermService'],
  removedThumbprint: 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678',
  aclBackupPath: 'C:\\rdp-autorepair\\machinekeys-acl-20260105-030000Z.txt',
};

const enableTls: EnableTlsResult = {
  script: 'enable-tls',
  ok: true,
  message: 'TLS Server settings written; restart the VM to apply them',
  changes: [{ path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\gpsvc', name: 'Start', before: 2, after: 4 }],
  actions: ['enabled TLS 1.2 Server'],
  previousGpsvcStart: 2,
};

const restore: RestoreGroupPolicyResult = {
  script: 'restore-group-policy',
  ok: false,
  message: 'gpsvc Start restored to 2 in the registry; it applies at the next restart; gpupdate not run',
  changes: [{ path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\gpsvc', name: 'Start', before: 4, after: 2 }],
  actions: ['gpsvc did not start: disabled'],
  gpupdateExitCode: null,
};

/** What Run Command returns: some progress, then the result line (Windows line endings). */
function output(result: unknown, progress = 'diagnose: starting\r\n'): string {
  return `${progress}${RESULT_MARKER}${JSON.stringify(result)}\r\n`;
}

describe('parseGuestResult: good output', () => {
  const good: [GuestScriptName, unknown][] = [
    ['diagnose', diagnose],
    // A boot time the script could not read (CIM failed): null, the rest of the snapshot still counts.
    ['diagnose', { ...diagnose, lastBootUpTime: null }],
    ['fix-port-conflict', fixPort],
    ['renew-certificate', renew],
    ['enable-tls', enableTls],
    ['restore-group-policy', restore],
  ];
  it.each(good)('%s', (name, result) => {
    expect(parseGuestResult(name, output(result))).toEqual({ ok: true, result });
  });

  it('reads a fix script that reports its own failure as a result (its changes still matter)', () => {
    const parsed = parseGuestResult('restore-group-policy', output(restore));
    expect(parsed.ok && parsed.result.ok).toBe(false);
    expect(parsed.ok && parsed.result.changes).toHaveLength(1);
  });

  it("accepts Windows PowerShell 5.1's \\u escapes and trailing blank lines", () => {
    const json = JSON.stringify(enableTls).replace('restart the VM', 'restart the VM \\u0027now\\u0027 \\u003cplease\\u003e');
    const parsed = parseGuestResult('enable-tls', `${RESULT_MARKER}${json}\n\n\n`);
    expect(parsed.ok && parsed.result.message).toContain("'now' <please>");
  });

  it('keeps working when progress text filled most of the 4 KB window but the result line survived', () => {
    const line = `${RESULT_MARKER}${JSON.stringify(fixPort)}\r\n`;
    const progress = `${'x'.repeat(RUN_COMMAND_OUTPUT_LIMIT - Buffer.byteLength(line) - 2)}\r\n`;
    const stdout = progress + line;
    expect(Buffer.byteLength(stdout)).toBe(RUN_COMMAND_OUTPUT_LIMIT);
    expect(parseGuestResult('fix-port-conflict', stdout)).toEqual({ ok: true, result: fixPort });
  });

  it('tolerates fields a newer script adds (and drops them)', () => {
    const parsed = parseGuestResult('enable-tls', output({ ...enableTls, elapsedMs: 1200 }));
    expect(parsed).toEqual({ ok: true, result: enableTls });
  });
});

describe('parseGuestResult: broken output is a reason, never an exception', () => {
  const bad: [string, GuestScriptName, string, string, RegExp][] = [
    ['no output at all', 'diagnose', '', 'missing-marker', /no output/],
    [
      'progress but no result line (killed half-way)',
      'enable-tls',
      'enable-tls: writing TLS 1.2\r\n',
      'missing-marker',
      /last line: enable-tls/,
    ],
    ['output after the result line', 'enable-tls', `${output(enableTls)}WARNING: something\r\n`, 'missing-marker', /WARNING/],
    ['invalid JSON after the marker', 'diagnose', `${RESULT_MARKER}{"script":"diagnose",\r\n`, 'invalid-json', /not JSON/],
    ['a result line cut in the middle of a string', 'renew-certificate', output(renew).slice(0, -40), 'invalid-json', /not JSON/],
    ['null after the marker', 'diagnose', `${RESULT_MARKER}null`, 'wrong-shape', /does not match/],
    ['an array after the marker', 'diagnose', `${RESULT_MARKER}[1,2]`, 'wrong-shape', /does not match/],
    [
      'a boot time in the local form rather than UTC with seconds',
      'diagnose',
      output({ ...diagnose, lastBootUpTime: '01/05/2026 03:00:00' }),
      'wrong-shape',
      /lastBootUpTime/,
    ],
    [
      'a diagnose result without lastBootUpTime',
      'diagnose',
      output({ ...diagnose, lastBootUpTime: undefined }),
      'wrong-shape',
      /lastBootUpTime/,
    ],
    ['a diagnose result without tls', 'diagnose', output({ ...diagnose, tls: undefined }), 'wrong-shape', /tls/],
    [
      'a port number as a string',
      'diagnose',
      output({ ...diagnose, rdp: { ...diagnose.rdp, portNumber: '3389' } }),
      'wrong-shape',
      /rdp\.portNumber/,
    ],
    [
      'a change value that is an object',
      'enable-tls',
      output({ ...enableTls, changes: [{ path: 'p', name: 'n', before: { a: 1 }, after: 1 }] }),
      'wrong-shape',
      /changes\.0\.before/,
    ],
    ["another script's result", 'diagnose', output(fixPort), 'wrong-shape', /got one from "fix-port-conflict"/],
    ['a newPort out of range', 'fix-port-conflict', output({ ...fixPort, newPort: 70000 }), 'wrong-shape', /newPort/],
    [
      'diagnose failing as a whole',
      'diagnose',
      output({ script: 'diagnose', ok: false, message: 'diagnose failed: Access is denied' }),
      'script-failed',
      /Access is denied/,
    ],
    [
      'a fix script failure without its fields',
      'enable-tls',
      output({ script: 'enable-tls', ok: false, message: 'boom' }),
      'script-failed',
      /boom/,
    ],
  ];
  it.each(bad)('%s', (_description, name, stdout, reason, detail) => {
    const parsed = parseGuestResult(name, stdout);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toBe(reason);
    expect(parsed.detail).toMatch(detail);
  });

  it('a result line longer than the 4 KB window, its head cut off by Run Command, is "truncated"', () => {
    const big = { ...fixPort, actions: Array.from({ length: 150 }, (_, i) => `action number ${i} with some words in it`) };
    const full = output(big);
    expect(Buffer.byteLength(full)).toBeGreaterThan(RUN_COMMAND_OUTPUT_LIMIT);
    const window = Buffer.from(full).subarray(-RUN_COMMAND_OUTPUT_LIMIT).toString('utf8');
    const parsed = parseGuestResult('fix-port-conflict', window);
    expect(parsed).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('survives a non-string stdout from an untyped caller', () => {
    expect(parseGuestResult('diagnose', undefined as unknown as string)).toMatchObject({ ok: false, reason: 'missing-marker' });
  });
});

describe('diagnose result size', () => {
  it('stays under 3 KB even with every free-text field at the cap diagnose.ps1 applies', () => {
    // Caps from diagnose.ps1's Limit-Text calls (caption 100, domain 100, process 64, ports 100, pin 64 hex)
    // and Windows' own limits (service names up to 256 characters).
    const worst: DiagnoseResult = {
      ...diagnose,
      os: { caption: 'c'.repeat(100), build: '12345.67890' },
      lastBootUpTime: '2026-01-05T03:00:00Z',
      domain: { joined: true, name: 'd'.repeat(100) },
      rdp: {
        ...diagnose.rdp,
        portNumber: 65535,
        fDenyTSConnections: -1,
        policyDenyTSConnections: -1,
        securityLayer: -1,
        userAuthentication: -1,
        allowSecProtocolNegotiation: -1,
        pinnedThumbprint: 'F'.repeat(64),
      },
      listener: {
        processName: 'p'.repeat(64),
        processId: 4294967295,
        serviceName: 's'.repeat(256),
        hostedServices: Array.from({ length: 8 }, () => 'h'.repeat(64)),
      },
      services: {
        TermService: { status: 'ContinuePending', startType: 'Automatic' },
        SessionEnv: { status: 'ContinuePending', startType: 'Automatic' },
        UmRdpService: { status: 'ContinuePending', startType: 'Automatic' },
      },
      tls: {
        'TLS 1.0': { enabled: -1, disabledByDefault: -1 },
        'TLS 1.1': { enabled: -1, disabledByDefault: -1 },
        'TLS 1.2': { enabled: -1, disabledByDefault: -1 },
      },
      gpsvcStart: -1,
      firewall: { ruleName: 'RemoteDesktop-UserMode-In-TCP', enabled: false, localPorts: '9'.repeat(100) },
    };
    const line = `${RESULT_MARKER}${JSON.stringify(worst)}`;
    expect(Buffer.byteLength(line)).toBeLessThan(3 * 1024);
    expect(parseGuestResult('diagnose', line)).toEqual({ ok: true, result: worst });
  });
});
