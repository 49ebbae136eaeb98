/**
 * What the simulated RDP endpoint does, from the guest state alone: one row per condition, the order a client
 * meets them in, and which port answers when RDP moved.
 */
import { guestPortBehaviours, rdpEndpoint, SimulatedWindowsGuest, type WindowsGuestSpec } from '../../src/simulator/guest';
import type { EndpointBehaviour } from '../../src/simulator/rdpEndpoint';

const NOW = Date.UTC(2026, 0, 5, 3);
const behaviourOf = (spec: WindowsGuestSpec, clientAllowsLegacyTls = false): EndpointBehaviour =>
  rdpEndpoint(new SimulatedWindowsGuest(spec, { nowMs: NOW }).read(), { nowMs: NOW, clientAllowsLegacyTls }).behaviour;

test.each<[string, EndpointBehaviour, WindowsGuestSpec]>([
  ['healthy', 'healthy', {}],
  ['another program on the RDP port', 'foreign-program', { portHolder: { service: 'W3SVC' } }],
  ['TermService stopped', 'refused', { termService: 'Stopped' }],
  ['TLS 1.2 Server Enabled=0, legacy on but not acceptable', 'reset-after-client-hello', { tls: { 'TLS 1.2': { enabled: 0 } } }],
  ['TLS 1.2 DisabledByDefault=1', 'reset-after-client-hello', { tls: { 'TLS 1.2': { disabledByDefault: 1 } } }],
  ['TLS 1.2 off only in the registry (pending a restart)', 'healthy', { pendingTls: { 'TLS 1.2': { enabled: 0 } } }],
  [
    'TLS 1.2 on only in the registry (pending a restart)',
    'reset-after-client-hello',
    { tls: { 'TLS 1.2': { enabled: 0 } }, pendingTls: { 'TLS 1.2': { enabled: 1 } } },
  ],
  ['corrupt private key', 'reset-after-client-hello', { certificate: 'corrupt-private-key' }],
  ['MachineKeys ACL broken', 'reset-after-client-hello', { machineKeysAcl: 'broken' }],
  ['pinned certificate missing', 'negotiation-failure-cert-not-on-server', { certificate: 'missing' }],
  ['pin naming another certificate', 'negotiation-failure-cert-not-on-server', { pinnedThumbprint: 'AB'.repeat(20) }],
  ['certificate expired', 'expired-certificate', { certificate: 'expired' }],
  ['SecurityLayer 0 (RDP security only)', 'standard-rdp-only', { nla: { securityLayer: 0 } }],
  [
    'port held and TLS off: the holder answers',
    'foreign-program',
    { portHolder: { service: 'W3SVC' }, tls: { 'TLS 1.2': { enabled: 0 } } },
  ],
  [
    'pin missing and TLS off: negotiation fails first (X.224)',
    'negotiation-failure-cert-not-on-server',
    { certificate: 'missing', tls: { 'TLS 1.2': { enabled: 0 } } },
  ],
  [
    'TLS off and expired: the handshake never gets to the certificate',
    'reset-after-client-hello',
    { certificate: 'expired', tls: { 'TLS 1.2': { enabled: 0 } } },
  ],
])('%s -> %s', (_label, expected, spec) => {
  expect(behaviourOf(spec)).toBe(expected);
});

test('legacy TLS: only when the server has it on AND the client accepts it', () => {
  const tls12Off: WindowsGuestSpec = { tls: { 'TLS 1.2': { enabled: 0 } } };
  expect(behaviourOf(tls12Off, true)).toBe('healthy'); // Server 2022 enables TLS 1.0/1.1 by default
  expect(behaviourOf({ ...tls12Off, os: { legacyTlsEnabledByDefault: false } }, true)).toBe('reset-after-client-hello');
  expect(
    behaviourOf(
      { tls: { 'TLS 1.2': { enabled: 0 }, 'TLS 1.1': { enabled: 1, disabledByDefault: 0 } }, os: { legacyTlsEnabledByDefault: false } },
      true,
    ),
  ).toBe('healthy');
});

test('an expired certificate is judged by the virtual now', () => {
  const state = new SimulatedWindowsGuest({}, { nowMs: NOW }).read();
  const afterExpiry = Date.parse(state.certificate!.notAfter) + 1;
  expect(rdpEndpoint(state, { nowMs: afterExpiry }).behaviour).toBe('expired-certificate');
});

test('a moved RDP port: the old port answers as the foreign program, the new one as RDP, anything else is refused', () => {
  const guest = new SimulatedWindowsGuest({ portHolder: { service: 'AppSvc', stoppable: false } }, { nowMs: NOW });
  guest.setPortNumber(3390);
  guest.restartService('TermService', NOW);
  expect(guestPortBehaviours(guest.read(), { nowMs: NOW })).toEqual([
    { port: 3389, service: 'AppSvc', behaviour: 'foreign-program' },
    { port: 3390, service: 'TermService', behaviour: 'healthy' },
  ]);
  expect(rdpEndpoint(guest.read(), { nowMs: NOW })).toEqual({ port: 3390, behaviour: 'healthy' });
  guest.setPortNumber(3391); // written, TermService not restarted: clients dialling 3391 find nothing
  expect(rdpEndpoint(guest.read(), { nowMs: NOW })).toEqual({ port: 3391, behaviour: 'refused' });
});
