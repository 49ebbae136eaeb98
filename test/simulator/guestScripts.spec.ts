/**
 * The guest scripts' models, held to what the real .ps1 files do (src/guest/scripts): each script's effect on
 * the guest with its before/after records and action lines, the diagnose script's read-only promise, parameter
 * binding as the scripts' param() blocks declare it, the result line protocol (parsed with the app's own zod
 * schemas), and naming a script from its text.
 */
import { parseGuestResult } from '../../src/guest/scriptResults';
import { loadGuestScript } from '../../src/guest/scriptCatalog';
import { toRunCommandParameters } from '../../src/guest/scriptParameters';
import type { GuestScriptName, GuestScripts } from '../../src/guest/scriptContracts';
import { RESULT_MARKER } from '../../src/guest/resultProtocol';
import {
  appScriptTexts,
  identifyGuestScript,
  rdpEndpoint,
  runGuestScript,
  SCRIPT_MODELS,
  SimulatedWindowsGuest,
  type WindowsGuestSpec,
} from '../../src/simulator/guest';
import { MAX_RESULT_BYTES, powershell51Json, resultJson } from '../../src/simulator/guest/scriptModels';

const NOW = Date.UTC(2026, 0, 5, 3);
const RDP_TCP = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
const GPSVC = 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\gpsvc';
const STASH = 'HKLM:\\SOFTWARE\\rdp-autorepair';
const TLS12 = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server';

/** Runs a script the way the app sends it (typed params -> Run Command strings) and parses it the way the app does. */
function run<N extends GuestScriptName>(
  guest: SimulatedWindowsGuest,
  name: N,
  params: GuestScripts[N]['params'],
  at = NOW,
): GuestScripts[N]['result'] {
  const outcome = runGuestScript(guest, name, toRunCommandParameters(name, params), at);
  expect(outcome).toMatchObject({ exitCode: 0, stderr: '' });
  expect(outcome.stdout.trimEnd().split('\n')).toHaveLength(1); // like the real scripts: the result line only
  expect(outcome.stdout.startsWith(RESULT_MARKER)).toBe(true);
  const parsed = parseGuestResult(name, outcome.stdout);
  if (!parsed.ok) throw new Error(`the app's parser refused the model's output: ${parsed.detail}`);
  return parsed.result as GuestScripts[N]['result'];
}

const unchangedBut = (guest: SimulatedWindowsGuest, before: ReturnType<SimulatedWindowsGuest['snapshot']>) =>
  expect({ ...guest.snapshot(), events: [] }).toEqual({ ...before, events: [] });

const BROKEN: Record<string, WindowsGuestSpec> = {
  healthy: {},
  'port held, stoppable': { portHolder: { service: 'W3SVC' } },
  'port held, unstoppable': { portHolder: { service: 'AppSvc', stoppable: false } },
  'corrupt key': { certificate: 'corrupt-private-key' },
  'missing cert (pinned)': { certificate: 'missing' },
  'MachineKeys ACL': { machineKeysAcl: 'broken' },
  'TLS disabled by domain policy': {
    tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
    domain: { name: 'contoso.com', policyDisablesTls12: true },
  },
  'TermService stopped': { termService: 'Stopped' },
};

describe('diagnose', () => {
  test.each(Object.entries(BROKEN))('is read-only on a guest with %s', (_label, spec) => {
    const guest = new SimulatedWindowsGuest(spec, { nowMs: NOW });
    const before = guest.snapshot();
    run(guest, 'diagnose', {});
    // The only trace is the note that a script ran.
    expect(guest.snapshot().events.slice(before.events.length)).toEqual([{ kind: 'script', atMs: NOW, script: 'diagnose', exitCode: 0 }]);
    unchangedBut(guest, before);
  });

  test('reports the boot time exactly as boot-time does, from the same guest state, and follows a reboot', () => {
    const guest = new SimulatedWindowsGuest({ uptimeMs: 3_600_000 }, { nowMs: NOW });
    expect(run(guest, 'diagnose', {}).lastBootUpTime).toBe('2026-01-05T02:00:00Z');
    expect(run(guest, 'diagnose', {}).lastBootUpTime).toBe(run(guest, 'boot-time', {}).lastBootUpTime);
    guest.shutdown(NOW + 60_000);
    guest.boot(NOW + 120_000);
    expect(run(guest, 'diagnose', {}, NOW + 180_000).lastBootUpTime).toBe('2026-01-05T03:02:00Z');
  });

  test('a healthy guest reads as the healthy Windows Server the decision tests assume', () => {
    const result = run(new SimulatedWindowsGuest({}, { nowMs: NOW }), 'diagnose', {});
    expect(result).toMatchObject({
      os: { caption: 'Microsoft Windows Server 2022 Datacenter Azure Edition', build: '20348.3091' },
      domain: { joined: false, name: null },
      rdp: {
        portNumber: 3389,
        fDenyTSConnections: 0,
        securityLayer: 1,
        userAuthentication: 1,
        allowSecProtocolNegotiation: 1,
        pinnedThumbprint: null,
      },
      listener: { processName: 'svchost', serviceName: 'TermService', hostedServices: ['TermService'] },
      services: { TermService: { status: 'Running', startType: 'Manual' } },
      certificate: {
        present: true,
        store: 'remote-desktop',
        hasPrivateKey: true,
        privateKeyOpens: true,
        networkServiceKeyRead: true,
        pinnedMissing: false,
        pinnedExpired: false,
        notAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
      machineKeys: { listable: true, rdpContainerFound: true, systemFullControl: true, networkServiceRead: true, buildEntryPresent: true },
      gpsvcStart: 2,
      firewall: { ruleName: 'RemoteDesktop-UserMode-In-TCP', enabled: true, localPorts: '3389' },
    });
  });

  test('reports the holder, the key that does not open, the written (pending) SCHANNEL values and the registry gpsvc Start', () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'W3SVC', process: 'w3wp', processId: 5120 }, certificate: 'corrupt-private-key' },
      { nowMs: NOW },
    );
    run(guest, 'enable-tls', { AllowLegacyTls: false }); // TLS 1.2 written, gpsvc Start=4 written, nothing applied yet
    const result = run(guest, 'diagnose', {});
    expect(result.listener).toEqual({ processName: 'w3wp', processId: 5120, serviceName: 'W3SVC', hostedServices: ['W3SVC'] });
    expect(result.certificate).toMatchObject({ present: true, hasPrivateKey: true, privateKeyOpens: false });
    expect(result.tls['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
    expect(result.gpsvcStart).toBe(4);
  });

  test('sees a pinned certificate that is not in the store, and a key SYSTEM cannot read', () => {
    expect(run(new SimulatedWindowsGuest({ certificate: 'missing' }, { nowMs: NOW }), 'diagnose', {}).certificate).toMatchObject({
      present: false,
      pinnedMissing: true,
      privateKeyOpens: null,
    });
    expect(run(new SimulatedWindowsGuest({ machineKeysAcl: 'broken' }, { nowMs: NOW }), 'diagnose', {})).toMatchObject({
      certificate: { privateKeyOpens: false },
      machineKeys: { systemFullControl: false, networkServiceRead: false },
    });
  });
});

describe('diagnose, per build and on what issue 20 found', () => {
  test.each([14393, 17763, 20348, 26100] as const)(
    "a healthy build %i: the build's own key container set reads as complete, and TermService owns its port",
    (build) => {
      const result = run(new SimulatedWindowsGuest({ windowsBuild: build }, { nowMs: NOW }), 'diagnose', {});
      expect(result.machineKeys).toEqual({
        listable: true,
        rdpContainerFound: true,
        systemFullControl: true,
        networkServiceRead: true,
        buildEntryPresent: true,
      });
      expect(result.listener.serviceName).toBe('TermService');
      // 14393 has no svchost split (windowsBuilds.ts [H]): TermService shares its process with its group.
      expect(result.listener.hostedServices.length > 1).toBe(build === 14393);
    },
  );

  test("a port held inside a shared svchost: the socket's service tag names the owner, and every service of that process is listed", () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'iphlpsvc', process: 'svchost', processId: 3100, sharedWith: ['Schedule', 'Winmgmt'] } },
      { nowMs: NOW },
    );
    expect(run(guest, 'diagnose', {}).listener).toEqual({
      processName: 'svchost',
      processId: 3100,
      serviceName: 'iphlpsvc',
      hostedServices: ['iphlpsvc', 'Schedule', 'Winmgmt'],
    });
  });

  test('a MachineKeys folder that refuses listing is reported as such, not as "no container"', () => {
    const result = run(new SimulatedWindowsGuest({ machineKeysAcl: 'folder-unlistable' }, { nowMs: NOW }), 'diagnose', {});
    expect(result.machineKeys.listable).toBe(false);
  });

  test('the pinned certificate in LocalMachine\\My is the one described, with its expiry', () => {
    const valid = run(new SimulatedWindowsGuest({ pinnedCertificate: 'valid' }, { nowMs: NOW }), 'diagnose', {});
    expect(valid.certificate).toMatchObject({
      present: true,
      store: 'personal',
      thumbprint: valid.rdp.pinnedThumbprint,
      pinnedMissing: false,
      pinnedExpired: false,
      networkServiceKeyRead: true,
    });
    const expired = run(new SimulatedWindowsGuest({ pinnedCertificate: 'expired' }, { nowMs: NOW }), 'diagnose', {});
    expect(expired.certificate).toMatchObject({ present: true, store: 'personal', pinnedMissing: false, pinnedExpired: true });
  });
});

describe('fix-port-conflict', () => {
  const fix = { ServiceName: 'W3SVC', RdpPort: 3389, FallbackPort: 3390 };

  test('stops the holder, restarts TermService (its dependent too) and disables the holder (recorded) so the next boot keeps RDP', () => {
    const guest = new SimulatedWindowsGuest({ portHolder: { service: 'W3SVC' } }, { nowMs: NOW });
    const result = run(guest, 'fix-port-conflict', fix);
    expect(result).toEqual({
      script: 'fix-port-conflict',
      ok: true,
      message: 'stopped W3SVC and set it to Disabled (Start was 2); TermService listens on port 3389',
      changes: [{ path: 'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\W3SVC', name: 'Start', before: 2, after: 4 }],
      actions: [
        'stopped W3SVC',
        'stopped TermService',
        'stopped UmRdpService (depends on TermService)',
        'started TermService',
        'started UmRdpService',
      ],
      stoppedHolder: true,
      newPort: null,
    });
    expect(rdpEndpoint(guest.read(), { nowMs: NOW })).toEqual({ port: 3389, behaviour: 'healthy' });
    // Issue 20, defect 3: the conflict must not come back at the next boot.
    guest.shutdown(NOW);
    guest.boot(NOW + 1);
    expect(guest.holderOf(3389)?.name).toBe('TermService');
  });

  test('never stops a service that shares its process with others (a shared svchost): nothing changed', () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'iphlpsvc', process: 'svchost', sharedWith: ['Schedule', 'Winmgmt'] } },
      { nowMs: NOW },
    );
    const before = guest.snapshot();
    const result = run(guest, 'fix-port-conflict', { ...fix, ServiceName: 'iphlpsvc' });
    expect(result).toMatchObject({ ok: false, changes: [], actions: [], stoppedHolder: false, newPort: null });
    expect(result.message).toBe(
      'iphlpsvc shares process 4120 with Schedule, Winmgmt: stopping it could stop them too, and the socket may be theirs; nothing changed',
    );
    unchangedBut(guest, before);
  });

  test('a move that fails half-way is undone: PortNumber and the firewall rules back, each restore recorded', () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'AppSvc', stoppable: false }, termServiceStoppable: false },
      { nowMs: NOW },
    );
    const result = run(guest, 'fix-port-conflict', { ...fix, ServiceName: 'AppSvc' });
    expect(result.ok).toBe(false);
    expect(result.newPort).toBeNull();
    expect(result.message).toMatch(/PortNumber and the firewall rules were put back to 3389$/);
    expect(guest.read().rdpTcp.portNumber).toBe(3389);
    expect(guest.read().firewallRules.map((r) => r.localPorts)).toEqual(['3389', '3389']);
    expect(result.changes).toContainEqual({ path: RDP_TCP, name: 'PortNumber', before: 3390, after: 3389 });
    expect(result.changes).toContainEqual({
      path: 'FirewallRule:RemoteDesktop-UserMode-In-TCP',
      name: 'LocalPort',
      before: '3390',
      after: '3389',
    });
  });

  test('moves RDP to the fallback port when the holder cannot be stopped: PortNumber and both firewall rules recorded', () => {
    const guest = new SimulatedWindowsGuest({ portHolder: { service: 'AppSvc', stoppable: false } }, { nowMs: NOW });
    const result = run(guest, 'fix-port-conflict', { ...fix, ServiceName: 'appsvc' });
    expect(result).toMatchObject({
      ok: true,
      stoppedHolder: false,
      newPort: 3390,
      message: 'appsvc keeps port 3389; RDP moved to port 3390 (update the NSG rule)',
    });
    expect(result.actions[0]).toBe(
      "could not stop appsvc: Service 'AppSvc (AppSvc)' cannot be stopped due to the following error: Cannot stop AppSvc " +
        "service on computer '.'.",
    );
    expect(result.changes).toEqual([
      { path: RDP_TCP, name: 'PortNumber', before: 3389, after: 3390 },
      { path: 'FirewallRule:RemoteDesktop-UserMode-In-TCP', name: 'LocalPort', before: '3389', after: '3390' },
      { path: 'FirewallRule:RemoteDesktop-UserMode-In-UDP', name: 'LocalPort', before: '3389', after: '3390' },
    ]);
    expect(rdpEndpoint(guest.read(), { nowMs: NOW })).toEqual({ port: 3390, behaviour: 'healthy' });
    expect(guest.holderOf(3389)?.name).toBe('AppSvc');
  });

  test('a disabled firewall rule is enabled on the move, and that is recorded too', () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'AppSvc', stoppable: false }, firewallEnabled: false },
      { nowMs: NOW },
    );
    const result = run(guest, 'fix-port-conflict', { ...fix, ServiceName: 'AppSvc' });
    expect(result.changes).toContainEqual({
      path: 'FirewallRule:RemoteDesktop-UserMode-In-TCP',
      name: 'Enabled',
      before: 'False',
      after: 'True',
    });
  });

  test.each<[string, WindowsGuestSpec, string]>([
    [
      'the port is now held by another service',
      { portHolder: { service: 'OtherSvc' } },
      'W3SVC no longer listens on port 3389 (holders: OtherSvc); nothing changed',
    ],
    ['TermService already holds the port', {}, 'W3SVC no longer listens on port 3389 (holders: TermService); nothing changed'],
    ['nobody holds it', { termService: 'Stopped' }, 'W3SVC no longer listens on port 3389 (holders: ); nothing changed'],
  ])('changes nothing (ok=false) when %s', (_label, spec, message) => {
    const guest = new SimulatedWindowsGuest(spec, { nowMs: NOW });
    const before = guest.snapshot();
    expect(run(guest, 'fix-port-conflict', fix)).toMatchObject({
      ok: false,
      message,
      changes: [],
      actions: [],
      stoppedHolder: false,
      newPort: null,
    });
    unchangedBut(guest, before);
  });

  test('an unstoppable holder and a taken fallback port: ok=false, RDP stays where it was', () => {
    const guest = new SimulatedWindowsGuest(
      { portHolder: { service: 'AppSvc', stoppable: false }, otherPrograms: [{ service: 'BlockSvc', port: 3390 }] },
      { nowMs: NOW },
    );
    const result = run(guest, 'fix-port-conflict', { ...fix, ServiceName: 'AppSvc' });
    expect(result).toMatchObject({
      ok: false,
      message: 'fix-port-conflict failed: fallback port 3390 is already in use by BlockSvc',
      changes: [],
      newPort: null,
    });
    expect(guest.read().rdpTcp.portNumber).toBe(3389);
  });

  test('refuses a fallback equal to the RDP port, and TermService as the service to stop', () => {
    const guest = new SimulatedWindowsGuest({ portHolder: { service: 'W3SVC' } }, { nowMs: NOW });
    const same = runGuestScript(
      guest,
      'fix-port-conflict',
      [
        { name: 'ServiceName', value: 'W3SVC' },
        { name: 'RdpPort', value: '3389' },
        { name: 'FallbackPort', value: '3389' },
      ],
      NOW,
    );
    expect(parseGuestResult('fix-port-conflict', same.stdout)).toMatchObject({
      ok: true,
      result: { ok: false, message: 'fix-port-conflict failed: FallbackPort must differ from RdpPort' },
    });
    const self = runGuestScript(
      guest,
      'fix-port-conflict',
      [
        { name: 'ServiceName', value: 'termservice' },
        { name: 'RdpPort', value: '3389' },
        { name: 'FallbackPort', value: '3390' },
      ],
      NOW,
    );
    expect(parseGuestResult('fix-port-conflict', self.stdout)).toMatchObject({
      ok: true,
      result: { ok: false, message: expect.stringMatching(/TermService itself/) },
    });
  });
});

describe('renew-certificate', () => {
  test('saves the ACLs, grants access, replaces the certificate, clears a pin to it, each change recorded', () => {
    const guest = new SimulatedWindowsGuest({ certificate: 'corrupt-private-key', machineKeysAcl: 'broken' }, { nowMs: NOW });
    const old = guest.read().certificate!.thumbprint;
    guest.setPinnedThumbprint(old);
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\rdp-autorepair' });
    const fresh = guest.read().certificate!;
    const keyFile = guest.read().rdpKeyFile;
    const aside = `C:\\rdp-autorepair\\machinekeys-20260105-030000Z\\${keyFile.split('\\').pop()}`;
    expect(result.ok).toBe(true);
    expect(result.message).toBe(`RDP certificate ${fresh.thumbprint} in use, valid until ${fresh.notAfter.slice(0, 19)}`);
    expect(result.removedThumbprint).toBe(old);
    expect(result.aclBackupPath).toBe('C:\\rdp-autorepair\\machinekeys-acl-20260105-030000Z.txt');
    expect(guest.read().files).toEqual([result.aclBackupPath, aside]);
    expect(result.changes).toEqual([
      // The 20348 set (windowsBuilds.ts [M]): SessionEnv F, never Administrators F.
      { path: keyFile, name: 'ACL', before: 'SYSTEM=-;NETWORK SERVICE=-;SessionEnv=F', after: 'SYSTEM=F;NETWORK SERVICE=R;SessionEnv=F' },
      // The key still does not open with the access right: the container is moved aside (issue 20, defect 6).
      { path: keyFile, name: 'KeyContainer', before: keyFile, after: aside },
      { path: 'Cert:\\LocalMachine\\Remote Desktop', name: 'Certificate', before: old, after: null },
      { path: RDP_TCP, name: 'SSLCertificateSHA1Hash', before: old, after: null },
      { path: 'Cert:\\LocalMachine\\Remote Desktop', name: 'Certificate', before: null, after: fresh.thumbprint },
    ]);
    expect(result.actions).toEqual([
      `saved key ACLs; restore: icacls "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys" /restore "${result.aclBackupPath}"`,
      `moved the unreadable key container aside; undo: Move-Item "${aside}" "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys"`,
      'restarted SessionEnv',
      'restarted TermService',
      'started UmRdpService',
    ]);
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('a pinned certificate that vanished: the pin goes and Windows issues a new certificate', () => {
    const guest = new SimulatedWindowsGuest({ certificate: 'missing' }, { nowMs: NOW });
    const pin = guest.read().rdpTcp.pinnedThumbprint;
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result).toMatchObject({ ok: true, removedThumbprint: null });
    expect(result.changes).toContainEqual({ path: RDP_TCP, name: 'SSLCertificateSHA1Hash', before: pin, after: null });
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('a NETWORK SERVICE deny entry survives the add-only grant: reported in actions, ok as SYSTEM sees it, RDP still broken', () => {
    const guest = new SimulatedWindowsGuest({ machineKeysAcl: 'deny-network-service' }, { nowMs: NOW });
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result.ok).toBe(true);
    expect(result.actions).toContain(
      `a deny entry still limits access to ${guest.read().rdpKeyFile.split('\\').pop()}: SYSTEM=F;NETWORK SERVICE=-;SessionEnv=F`,
    );
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('reset-after-client-hello');
  });

  test.each([
    [14393, 'SYSTEM=F;NETWORK SERVICE=R;Administrators=R'],
    [17763, 'SYSTEM=F;NETWORK SERVICE=R;SessionEnv=F'],
    [20348, 'SYSTEM=F;NETWORK SERVICE=R;SessionEnv=F'],
    [26100, 'SYSTEM=F;NETWORK SERVICE=R;SessionEnv=F'],
  ] as const)("on build %i it restores that build's own set (%s), no entry the build does not ship", (build, after) => {
    const guest = new SimulatedWindowsGuest({ windowsBuild: build, machineKeysAcl: 'broken' }, { nowMs: NOW });
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result.ok).toBe(true);
    expect(result.changes.find((c) => c.name === 'ACL')?.after).toBe(after);
    const grants = guest.read().machineKeys.grants;
    expect(grants.administrators).toBe(build < 17763 ? 'R' : '-');
    expect(grants.sessionEnv).toBe(build < 17763 ? '-' : 'F');
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('a corrupt key container is moved aside (into the backup) so Windows can issue a new certificate', () => {
    const guest = new SimulatedWindowsGuest({ certificate: 'corrupt-key-container' }, { nowMs: NOW });
    const keyFile = guest.read().rdpKeyFile;
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result.ok).toBe(true);
    expect(result.changes).toContainEqual({
      path: keyFile,
      name: 'KeyContainer',
      before: keyFile,
      after: `C:\\backup\\machinekeys-20260105-030000Z\\${keyFile.split('\\').pop()}`,
    });
    expect(guest.read().machineKeys).toMatchObject({ rdpContainerFound: true, containerCorrupt: false });
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('an expired pin goes like a missing one; the CA-issued certificate itself stays in LocalMachine\\My', () => {
    const guest = new SimulatedWindowsGuest({ pinnedCertificate: 'expired' }, { nowMs: NOW });
    const pin = guest.read().rdpTcp.pinnedThumbprint;
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('expired-certificate');
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result.ok).toBe(true);
    expect(result.changes).toContainEqual({ path: RDP_TCP, name: 'SSLCertificateSHA1Hash', before: pin, after: null });
    expect(guest.read().personalCertificates.map((c) => c.thumbprint)).toEqual([pin]);
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('a valid pin is kept and verified', () => {
    const guest = new SimulatedWindowsGuest({ pinnedCertificate: 'valid' }, { nowMs: NOW });
    const pin = guest.read().rdpTcp.pinnedThumbprint;
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result).toMatchObject({ ok: true, message: expect.stringContaining(`RDP certificate ${pin} in use`) });
    expect(result.actions).toContain(`kept the pin to existing certificate ${pin}`);
    expect(guest.read().rdpTcp.pinnedThumbprint).toBe(pin);
  });

  test('a MachineKeys folder that refuses listing stops it before any change', () => {
    const guest = new SimulatedWindowsGuest({ machineKeysAcl: 'folder-unlistable' }, { nowMs: NOW });
    const before = guest.snapshot();
    const result = run(guest, 'renew-certificate', { BackupDirectory: 'C:\\backup' });
    expect(result).toMatchObject({ ok: false, changes: [], message: expect.stringMatching(/refuses listing/) });
    unchangedBut(guest, before);
  });
});

describe('enable-tls', () => {
  test('writes TLS 1.2 and gpsvc Start=4 (recorded, with the stash); nothing takes effect before a restart', () => {
    const guest = new SimulatedWindowsGuest({ tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } }, { nowMs: NOW });
    const result = run(guest, 'enable-tls', { AllowLegacyTls: false });
    expect(result).toEqual({
      script: 'enable-tls',
      ok: true,
      message: 'TLS Server settings written; restart the VM to apply them',
      changes: [
        { path: TLS12, name: 'Enabled', before: 0, after: 1 },
        { path: TLS12, name: 'DisabledByDefault', before: 1, after: 0 },
        { path: STASH, name: 'GpsvcStartBeforeRepair', before: null, after: 2 },
        { path: GPSVC, name: 'Start', before: 2, after: 4 },
      ],
      actions: ['enabled TLS 1.2 Server', 'disabled gpsvc until restore-group-policy (takes effect at the next restart)'],
      previousGpsvcStart: 2,
    });
    expect(guest.read().schannel.configured['TLS 1.0']).toEqual({ enabled: null, disabledByDefault: null }); // legacy untouched
    expect(guest.service('gpsvc')?.status).toBe('Running'); // the SCM acts on Start=4 at the next boot
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('reset-after-client-hello');
    guest.shutdown(NOW);
    guest.boot(NOW + 90_000);
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
    expect(guest.service('gpsvc')?.status).toBe('Stopped');
  });

  test('a second run still reports the original gpsvc start type; TLS 1.0/1.1 only with AllowLegacyTls', () => {
    const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
    run(guest, 'enable-tls', { AllowLegacyTls: false });
    const again = run(guest, 'enable-tls', { AllowLegacyTls: true });
    expect(again.previousGpsvcStart).toBe(2);
    expect(again.actions).toContain('gpsvc already disabled by an earlier run');
    expect(again.actions.filter((a) => a.startsWith('enabled '))).toEqual([
      'enabled TLS 1.2 Server',
      'enabled TLS 1.0 Server',
      'enabled TLS 1.1 Server',
    ]);
  });
});

describe('restore-group-policy', () => {
  test(
    'without a restart since enable-tls: gpsvc still runs, gpupdate re-applies the domain policy (registry now, effect at ' +
      'the next boot)',
    () => {
      const guest = new SimulatedWindowsGuest({ domain: { name: 'contoso.com', policyDisablesTls12: true } }, { nowMs: NOW });
      const enabled = run(guest, 'enable-tls', { AllowLegacyTls: false });
      const result = run(guest, 'restore-group-policy', { PreviousStart: enabled.previousGpsvcStart! });
      expect(result).toEqual({
        script: 'restore-group-policy',
        ok: true,
        message: 'gpsvc restored and running; computer policy re-applied',
        changes: [
          { path: GPSVC, name: 'Start', before: 4, after: 2 },
          { path: STASH, name: 'GpsvcStartBeforeRepair', before: 2, after: null },
        ],
        actions: ['gpupdate /target:computer /force exited with 0'],
        gpupdateExitCode: 0,
      });
      expect(run(guest, 'diagnose', {}).tls['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
    },
  );

  test('after the restart that applied enable-tls the SCM has gpsvc disabled and refuses Set-Service: ok=false, restart needed', () => {
    const guest = new SimulatedWindowsGuest(
      { domain: { name: 'contoso.com', policyDisablesTls12: true }, tls: { 'TLS 1.2': { enabled: 0 } } },
      { nowMs: NOW },
    );
    run(guest, 'enable-tls', { AllowLegacyTls: false });
    guest.shutdown(NOW);
    guest.boot(NOW + 1);
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
    const result = run(guest, 'restore-group-policy', { PreviousStart: 2 });
    expect(result).toMatchObject({
      ok: false,
      gpupdateExitCode: null,
      message: 'gpsvc Start restored to 2 in the registry; it applies at the next restart; gpupdate not run',
    });
    expect(result.actions).toEqual([
      `gpsvc did not start: Exception calling "Start" with "0" argument(s): "Cannot start service gpsvc on computer '.'."`,
      "SCM refused gpsvc: Service 'Group Policy Client (gpsvc)' cannot be configured due to the following error: Access is denied",
    ]);
    // The next restart runs Group Policy at boot: the policy writes TLS 1.2 off again (effective one boot later).
    guest.shutdown(NOW + 2);
    guest.boot(NOW + 3);
    expect(run(guest, 'diagnose', {}).tls['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
    expect(rdpEndpoint(guest.read(), { nowMs: NOW }).behaviour).toBe('healthy');
  });

  test('where the SCM accepts it, gpsvc is reconfigured and started, and gpupdate runs', () => {
    const guest = new SimulatedWindowsGuest({ gpsvcStart: 4, gpsvcScmConfigurable: true }, { nowMs: NOW });
    const result = run(guest, 'restore-group-policy', { PreviousStart: 3 });
    expect(result).toMatchObject({ ok: true, gpupdateExitCode: 0 });
    expect(result.actions).toEqual([
      expect.stringMatching(/^gpsvc did not start: /),
      'set gpsvc start type to Manual through the SCM',
      'started gpsvc',
      'gpupdate /target:computer /force exited with 0',
    ]);
  });

  test('PreviousStart 4 leaves Group Policy off and runs no gpupdate', () => {
    const guest = new SimulatedWindowsGuest({ gpsvcStart: 4 }, { nowMs: NOW });
    expect(run(guest, 'restore-group-policy', { PreviousStart: 4 })).toMatchObject({
      ok: true,
      gpupdateExitCode: null,
      message: 'gpsvc was disabled before the repair and stays disabled; gpupdate not run',
      changes: [{ path: GPSVC, name: 'Start', before: 4, after: 4 }],
    });
  });
});

describe("Run Command parameters bind as the scripts' param() blocks declare them", () => {
  test.each([
    [
      'an undeclared name',
      'diagnose',
      [{ name: 'Verbose2', value: 'x' }],
      /A parameter cannot be found that matches parameter name 'Verbose2'\./,
    ],
    [
      'a missing mandatory value',
      'fix-port-conflict',
      [{ name: 'ServiceName', value: 'W3SVC' }],
      /missing mandatory parameters: RdpPort FallbackPort\./,
    ],
    [
      'a non-numeric [int]',
      'fix-port-conflict',
      [
        { name: 'ServiceName', value: 'W3SVC' },
        { name: 'RdpPort', value: 'rdp' },
        { name: 'FallbackPort', value: '3390' },
      ],
      /Cannot convert value "rdp" to type "System.Int32"/,
    ],
    [
      'a port out of ValidateRange',
      'fix-port-conflict',
      [
        { name: 'ServiceName', value: 'W3SVC' },
        { name: 'RdpPort', value: '70000' },
        { name: 'FallbackPort', value: '3390' },
      ],
      /greater than the maximum allowed range of 65535/,
    ],
    [
      'a service name outside ValidatePattern',
      'fix-port-conflict',
      [
        { name: 'ServiceName', value: 'W3SVC; rm' },
        { name: 'RdpPort', value: '3389' },
        { name: 'FallbackPort', value: '3390' },
      ],
      /does not match the "\^\[A-Za-z0-9_\.-\]\{1,256\}\$" pattern/,
    ],
    ['a value outside the ValidateSet', 'enable-tls', [{ name: 'AllowLegacyTls', value: '1' }], /does not belong to the set "true,false"/],
  ] as const)(
    '%s stops the script before it runs: exit 1, PowerShell error on stderr, guest unchanged',
    (_label, script, parameters, message) => {
      const guest = new SimulatedWindowsGuest({ portHolder: { service: 'W3SVC' } }, { nowMs: NOW });
      const before = guest.snapshot();
      const outcome = runGuestScript(guest, script, parameters, NOW);
      expect(outcome.exitCode).toBe(1);
      expect(outcome.stdout).toBe('');
      expect(outcome.stderr).toMatch(message);
      expect(outcome.stderr).toMatch(/ParameterBindingException/);
      unchangedBut(guest, before);
    },
  );

  test('names match case-insensitively and by unambiguous prefix; ValidateSet ignores case', () => {
    const guest = new SimulatedWindowsGuest({ portHolder: { service: 'W3SVC' } }, { nowMs: NOW });
    const outcome = runGuestScript(
      guest,
      'fix-port-conflict',
      [
        { name: 'servicename', value: 'W3SVC' },
        { name: 'Rdp', value: '3389' },
        { name: 'Fall', value: '3390' },
      ],
      NOW,
    );
    expect(outcome.exitCode).toBe(0);
    expect(runGuestScript(guest, 'enable-tls', [{ name: 'AllowLegacyTls', value: 'TRUE' }], NOW).stdout).toContain(
      'enabled TLS 1.0 Server',
    );
  });
});

test('a script the simulator has no model for exits non-zero with stderr', () => {
  const outcome = runGuestScript(new SimulatedWindowsGuest({}, { nowMs: NOW }), undefined, [], NOW);
  expect(outcome).toMatchObject({ exitCode: 1, stdout: '' });
  expect(outcome.stderr).toMatch(/none of the guest scripts the simulator models/);
});

test("scripts are named by their text (line endings, BOM and outer whitespace aside); the app's own .ps1 files by default", () => {
  const texts = appScriptTexts();
  expect(Object.keys(texts).sort()).toEqual([
    'boot-time',
    'diagnose',
    'enable-tls',
    'fix-port-conflict',
    'offline-repair',
    'renew-certificate',
    'restore-group-policy',
  ]);
  for (const name of Object.keys(SCRIPT_MODELS) as GuestScriptName[]) {
    expect(identifyGuestScript(loadGuestScript(name), texts)).toBe(name);
    expect(identifyGuestScript(`\uFEFF${loadGuestScript(name).replace(/\n/g, '\r\n')}\r\n`, texts)).toBe(name);
  }
  expect(identifyGuestScript(`${loadGuestScript('diagnose')}\n# edited`, texts)).toBeUndefined();
});

test('every contract script has a model, and only diagnose and boot-time are read-only', () => {
  expect(Object.keys(SCRIPT_MODELS).sort()).toEqual([
    'boot-time',
    'diagnose',
    'enable-tls',
    'fix-port-conflict',
    'offline-repair',
    'renew-certificate',
    'restore-group-policy',
  ]);
  expect(
    Object.values(SCRIPT_MODELS)
      .filter((m) => m.readOnly)
      .map((m) => m.name),
  ).toEqual(['diagnose', 'boot-time']);
});

describe('boot-time', () => {
  it('reports the last boot in UTC to the second, changes nothing, and moves only when the guest boots', () => {
    const guest = new SimulatedWindowsGuest({ uptimeMs: 2 * 86_400_000 }, { nowMs: NOW });
    const before = guest.snapshot();
    expect(run(guest, 'boot-time', {})).toEqual({ script: 'boot-time', lastBootUpTime: '2026-01-03T03:00:00Z' });
    unchangedBut(guest, before);
    guest.restartService('TermService', NOW + 1000);
    expect(run(guest, 'boot-time', {}).lastBootUpTime).toBe('2026-01-03T03:00:00Z');
    guest.shutdown(NOW + 60_000);
    guest.boot(NOW + 90_500);
    expect(run(guest, 'boot-time', {}).lastBootUpTime).toBe('2026-01-05T03:01:30Z');
  });
});

describe('the result line as Windows PowerShell 5.1 writes it (issue 20, defect 8)', () => {
  test("escapes ' < > & and non-ASCII as \\u00XX, which the app's parser reads back unchanged", () => {
    const json = powershell51Json({ message: "it's <b> & é" });
    expect(json).toBe('{"message":"it\\u0027s \\u003cb\\u003e \\u0026 \\u00e9"}');
    expect(JSON.parse(json)).toEqual({ message: "it's <b> & é" });
  });

  test('is capped by its serialized size: action lines go first, with a note; changes stay', () => {
    // 60 lines of apostrophes: 6 bytes each once escaped, so a cap on characters would let this overflow.
    const actions = Array.from({ length: 60 }, (_, i) => `could not stop '${i}': ''''''''''''''''''''''''''''''`);
    const changes = [{ path: RDP_TCP, name: 'PortNumber', before: 3389, after: 3390 }];
    const json = resultJson({ script: 'fix-port-conflict', ok: true, message: 'm', changes, actions, stoppedHolder: false, newPort: 3390 });
    expect(json.length).toBeLessThanOrEqual(MAX_RESULT_BYTES);
    const parsed = parseGuestResult('fix-port-conflict', `${RESULT_MARKER}${json}\n`);
    if (!parsed.ok) throw new Error(parsed.detail);
    expect(parsed.result.changes).toEqual(changes);
    expect(parsed.result.actions[parsed.result.actions.length - 1]).toMatch(/^\(\d+ action lines cut to fit the output window\)$/);
    expect(parsed.result.actions.length).toBeLessThan(actions.length);
  });
});
