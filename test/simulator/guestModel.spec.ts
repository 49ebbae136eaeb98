/**
 * The simulated Windows guest on its own: what the builder makes, and the rules for services, ports,
 * certificates, SCHANNEL (pending until a restart) and Group Policy (a domain policy reverting TLS 1.2).
 */
import { SimulatedWindowsGuest } from '../../src/simulator/guest';

const NOW = Date.UTC(2026, 0, 5, 3);

test('the default guest is a healthy Windows Server 2022: RDP on 3389 held by TermService, certificate valid, SCHANNEL defaults', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  const s = guest.read();
  expect(s.listeners).toEqual([{ port: 3389, service: 'TermService' }]);
  expect(s.rdpTcp).toMatchObject({ portNumber: 3389, securityLayer: 1, userAuthentication: 1, pinnedThumbprint: null });
  expect(s.certificate).toMatchObject({ subject: 'CN=WINSRV01', keyIntact: true });
  expect(Date.parse(s.certificate!.notAfter)).toBeGreaterThan(NOW);
  expect(s.schannel.configured['TLS 1.2']).toEqual({ enabled: null, disabledByDefault: null });
  expect(guest.service('gpsvc')).toMatchObject({ start: 2, status: 'Running', stoppable: false });
  // windowsBuilds.ts [M]: the 20348 set.
  expect(s.machineKeys).toEqual({
    folderListable: true,
    rdpContainerFound: true,
    grants: { system: 'F', networkService: 'R', administrators: '-', sessionEnv: 'F' },
    networkServiceDenied: false,
    containerCorrupt: false,
  });
  expect(s.firewallRules).toEqual([
    { name: 'RemoteDesktop-UserMode-In-TCP', enabled: true, localPorts: '3389' },
    { name: 'RemoteDesktop-UserMode-In-UDP', enabled: true, localPorts: '3389' },
  ]);
});

test('the builder sets only what is broken: a port holder starts first and keeps the RDP port', () => {
  const guest = new SimulatedWindowsGuest(
    { portHolder: { service: 'W3SVC', process: 'System', processId: 4, stoppable: false } },
    { nowMs: NOW },
  );
  expect(guest.holderOf(3389)).toMatchObject({ name: 'W3SVC', processName: 'System', processId: 4 });
  expect(guest.rdpListenerPort()).toBeNull();
  expect(guest.service('TermService')?.status).toBe('Running'); // running, but without its listener
  guest.shutdown(NOW);
  guest.boot(NOW + 1);
  expect(guest.holderOf(3389)?.name).toBe('W3SVC'); // and again after every boot
});

test('SCHANNEL writes are pending until a restart', () => {
  const guest = new SimulatedWindowsGuest({ tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } }, { nowMs: NOW });
  guest.setTlsServer('TLS 1.2', { enabled: 1, disabledByDefault: 0 });
  expect(guest.read().schannel.configured['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
  expect(guest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
  guest.shutdown(NOW);
  guest.boot(NOW + 90_000);
  expect(guest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
});

test('pendingTls seeds a written-but-not-applied value, merged value by value', () => {
  const guest = new SimulatedWindowsGuest(
    { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } }, pendingTls: { 'TLS 1.2': { enabled: 1 } } },
    { nowMs: NOW },
  );
  expect(guest.read().schannel.configured['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 1 });
  expect(guest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
});

test('a domain policy reverts TLS 1.2 when Group Policy refreshes at boot (gpsvc running), in effect from the next boot', () => {
  const guest = new SimulatedWindowsGuest({ domain: { name: 'contoso.com', policyDisablesTls12: true } }, { nowMs: NOW });
  guest.setTlsServer('TLS 1.2', { enabled: 1, disabledByDefault: 0 });
  guest.shutdown(NOW);
  guest.boot(NOW + 1);
  expect(guest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
  expect(guest.read().schannel.configured['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
  expect(guest.read().events.filter((e) => e.kind === 'gp-refresh')).toEqual([
    { kind: 'gp-refresh', atMs: NOW + 1, trigger: 'boot', revertedTls12: true },
  ]);
  guest.shutdown(NOW + 2);
  guest.boot(NOW + 3);
  expect(guest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
});

test('with gpsvc Start=4 the boot runs no Group Policy, so nothing reverts; gpupdate fails while gpsvc is not running', () => {
  const guest = new SimulatedWindowsGuest({ gpsvcStart: 4, domain: { name: 'contoso.com', policyDisablesTls12: true } }, { nowMs: NOW });
  guest.setTlsServer('TLS 1.2', { enabled: 1, disabledByDefault: 0 });
  guest.shutdown(NOW);
  guest.boot(NOW + 1);
  expect(guest.service('gpsvc')?.status).toBe('Stopped');
  expect(guest.read().events.some((e) => e.kind === 'gp-refresh')).toBe(false);
  expect(guest.read().schannel.configured['TLS 1.2'].enabled).toBe(1);
  expect(guest.gpupdate(NOW + 2)).toBe(1);
});

test('gpupdate on a machine outside any domain refreshes and changes nothing', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  const before = guest.snapshot().schannel;
  expect(guest.gpupdate(NOW)).toBe(0);
  expect(guest.read().schannel).toEqual(before);
});

test(
  'services: unstoppable ones refuse; a registry Start=4 binds the SCM only from the next boot; a stopped TermService ' + 'returns at boot',
  () => {
    const guest = new SimulatedWindowsGuest({ termService: 'Stopped' }, { nowMs: NOW });
    expect(guest.rdpListenerPort()).toBeNull();
    expect(guest.stopService('gpsvc')).toMatchObject({
      ok: false,
      reason:
        "Service 'Group Policy Client (gpsvc)' cannot be stopped due to the following error: Cannot stop gpsvc service on computer '.'.",
    });
    guest.stopService('SessionEnv');
    guest.setServiceStart('SessionEnv', 4);
    expect(guest.startService('SessionEnv', NOW)).toEqual({ ok: true }); // the SCM still has it as Manual
    guest.stopService('SessionEnv');
    guest.boot(NOW + 1);
    expect(guest.startService('SessionEnv', NOW + 2)).toEqual({
      ok: false,
      reason: expect.stringContaining('Cannot start service SessionEnv'),
    });
    expect(guest.startService('NoSuchService', NOW)).toMatchObject({ ok: false });
    expect(guest.rdpListenerPort()).toBe(3389);
    expect(guest.service('SessionEnv')?.status).toBe('Stopped');
  },
);

test('Stop-Service -Force takes the dependents along; the SCM refuses to reconfigure gpsvc unless the scenario allows it', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  expect(guest.stopService('TermService')).toEqual({ ok: true, dependents: ['UmRdpService'] });
  expect(guest.service('UmRdpService')?.status).toBe('Stopped');
  expect(guest.setServiceStartThroughScm('gpsvc', 2)).toEqual({ ok: false, reason: expect.stringContaining('Access is denied') });
  const lenient = new SimulatedWindowsGuest({ gpsvcStart: 4, gpsvcScmConfigurable: true }, { nowMs: NOW });
  expect(lenient.setServiceStartThroughScm('gpsvc', 2)).toEqual({ ok: true });
  expect(lenient.startService('gpsvc', NOW)).toEqual({ ok: true });
});

test('TermService binds PortNumber when it starts: a changed PortNumber takes effect at its restart', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  guest.setPortNumber(3390);
  expect(guest.rdpListenerPort()).toBe(3389);
  guest.restartService('TermService', NOW);
  expect(guest.rdpListenerPort()).toBe(3390);
});

test('with an empty store and no pin, a TermService or SessionEnv start creates a new self-signed certificate; a pin prevents it', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  const old = guest.read().certificate!.thumbprint;
  guest.removeCertificate();
  guest.restartService('SessionEnv', NOW + 1000);
  const renewed = guest.read().certificate!;
  expect(renewed.thumbprint).not.toBe(old);
  expect(renewed.notBefore).toBe(new Date(NOW + 1000).toISOString());

  const pinned = new SimulatedWindowsGuest({ certificate: 'missing' }, { nowMs: NOW });
  expect(pinned.read().certificate).toBeNull();
  expect(pinned.read().rdpTcp.pinnedThumbprint).toMatch(/^[0-9A-F]{40}$/);
  pinned.restartService('SessionEnv', NOW);
  expect(pinned.read().certificate).toBeNull();
});

test('broken certificate and key conditions', () => {
  expect(new SimulatedWindowsGuest({ certificate: 'corrupt-private-key' }, { nowMs: NOW }).read().certificate?.keyIntact).toBe(false);
  expect(Date.parse(new SimulatedWindowsGuest({ certificate: 'expired' }, { nowMs: NOW }).read().certificate!.notAfter)).toBeLessThan(NOW);
  expect(new SimulatedWindowsGuest({ machineKeysAcl: 'broken' }, { nowMs: NOW }).read().machineKeys.grants).toMatchObject({
    system: '-',
    networkService: '-',
  });
  const denied = new SimulatedWindowsGuest({ machineKeysAcl: 'deny-network-service' }, { nowMs: NOW });
  denied.grantMachineKeysAccess({ system: 'F', networkService: 'R', sessionEnv: 'F' });
  expect(denied.read().machineKeys).toMatchObject({ grants: { system: 'F', networkService: 'R' }, networkServiceDenied: true });
});

test('listeners hear about boots, shutdowns and scripts', () => {
  const guest = new SimulatedWindowsGuest({}, { nowMs: NOW });
  const seen: string[] = [];
  const off = guest.onChange((e) => seen.push(e.kind));
  guest.shutdown(NOW);
  guest.boot(NOW + 1);
  off();
  guest.shutdown(NOW + 2);
  expect(seen).toEqual(['shutdown', 'boot', 'gp-refresh']);
});
