/**
 * SIMULATED: the typed builder for a Windows guest. Every field is optional and defaults to a healthy Windows
 * Server 2022 VM, so a scenario states only what is broken:
 *
 *   buildGuestState({ portHolder: { service: 'W3SVC', process: 'System', stoppable: false } })
 *   buildGuestState({ tls: { 'TLS 1.2': { enabled: 0 } }, domain: { name: 'contoso.com', policyDisablesTls12: true } })
 *   buildGuestState({ certificate: 'corrupt-private-key', machineKeysAcl: 'broken' })
 */
import { createHash } from 'node:crypto';
import type { GuestScriptName, TlsServerState, TlsVersion } from '../../guest/scriptContracts';
import type { AgentHealth } from '../arm/world/types';
import { RDP_FIREWALL_RULES, REG, TLS_VERSIONS, type GuestService, type RdpCertificate, type ServiceStart, type WindowsGuestState } from './guestState';

export type CertificateCondition = 'ok' | 'corrupt-private-key' | 'expired' | 'missing' | 'key-unusable-by-termservice';

export interface WindowsGuestSpec {
  computerName?: string;
  os?: { caption?: string; build?: string; legacyTlsEnabledByDefault?: boolean };
  /** WinStations\RDP-Tcp PortNumber (default 3389). */
  rdpPort?: number;
  /** Another program that grabbed the RDP port before TermService (it starts first at every boot). */
  portHolder?: { service: string; process?: string; processId?: number; stoppable?: boolean; port?: number };
  /** More programs listening somewhere (e.g. on the fallback port), started at boot after the port holder. */
  otherPrograms?: Array<{ service: string; port: number; process?: string; processId?: number; stoppable?: boolean }>;
  /** TermService right now (default Running). A stopped TermService still starts at the next boot. */
  termService?: 'Running' | 'Stopped';
  /** SCHANNEL Server values the running system booted with (configured = effective). */
  tls?: Partial<Record<TlsVersion, Partial<TlsServerState>>>;
  /** SCHANNEL Server values written since the last boot: in the registry, not yet in effect. */
  pendingTls?: Partial<Record<TlsVersion, Partial<TlsServerState>>>;
  nla?: { securityLayer?: number | null; userAuthentication?: number | null; allowSecProtocolNegotiation?: number | null };
  /** gpsvc Start (default 2). 4 also means gpsvc is not running now (it was disabled at the last boot). */
  gpsvcStart?: ServiceStart;
  /** Domain membership; `policyDisablesTls12` is a domain GPO that sets TLS 1.2 Server Enabled=0 on every refresh. */
  domain?: { name: string; policyDisablesTls12?: boolean };
  /** The RDP certificate in Cert:\LocalMachine\Remote Desktop. 'missing': the store is empty and RDP-Tcp pins a thumbprint. */
  certificate?: CertificateCondition;
  /** SSLCertificateSHA1Hash; defaults to none (or to a vanished certificate's thumbprint for 'missing'). */
  pinnedThumbprint?: string | null;
  /**
   * ACLs of the RDP key container in MachineKeys: 'broken' lacks the SYSTEM full control and NETWORK SERVICE
   * read grants (an add-only grant repairs it); 'deny-network-service' also has a deny entry no grant outranks.
   */
  machineKeysAcl?: 'ok' | 'broken' | 'deny-network-service';
  /** RemoteDesktop-UserMode-In-TCP/UDP LocalPort (default: the RDP port) and whether the rules are enabled. */
  firewallLocalPorts?: string;
  firewallEnabled?: boolean;
  /** Whether the SCM lets Set-Service change gpsvc's start type (default false: refused, PLAYBOOK errata 11). */
  gpsvcScmConfigurable?: boolean;
  /** The guest agent (pushed into the simulated ARM when the guest is attached). */
  agent?: AgentHealth;
  /** Extra time a script takes on this guest (e.g. a gpupdate that hangs), to exercise Run Command timeouts. */
  scriptDelaysMs?: Partial<Record<GuestScriptName, number>>;
  /** How long the guest has been up when the scenario starts (default 3 days: an assumption, any earlier instant works). */
  uptimeMs?: number;
}

const DAY_MS = 86_400_000;

export function buildGuestState(spec: WindowsGuestSpec, nowMs: number): WindowsGuestState {
  const computerName = spec.computerName ?? 'WINSRV01';
  const rdpPort = spec.rdpPort ?? 3389;
  const legacyDefault = spec.os?.legacyTlsEnabledByDefault ?? true;
  const services: GuestService[] = [];
  const service = (fields: Pick<GuestService, 'name' | 'displayName' | 'status' | 'start' | 'processName' | 'processId'> & Partial<GuestService>): GuestService => ({
    stoppable: true,
    port: null,
    scmLocked: false,
    dependsOn: [],
    scmStart: fields.start,
    ...fields,
  });
  if (spec.portHolder) {
    services.push(
      service({
        name: spec.portHolder.service,
        displayName: spec.portHolder.service,
        status: 'Running',
        start: 2,
        stoppable: spec.portHolder.stoppable ?? true,
        processName: spec.portHolder.process ?? spec.portHolder.service.toLowerCase(),
        processId: spec.portHolder.processId ?? 4120,
        port: spec.portHolder.port ?? rdpPort,
      }),
    );
  }
  for (const [i, program] of (spec.otherPrograms ?? []).entries()) {
    services.push(
      service({
        name: program.service,
        displayName: program.service,
        status: 'Running',
        start: 2,
        stoppable: program.stoppable ?? true,
        processName: program.process ?? program.service.toLowerCase(),
        processId: program.processId ?? 4200 + i,
        port: program.port,
      }),
    );
  }
  const termRunning = (spec.termService ?? 'Running') === 'Running';
  services.push(
    service({ name: 'TermService', displayName: 'Remote Desktop Services', status: termRunning ? 'Running' : 'Stopped', start: 3, processName: 'svchost', processId: 1236 }),
    service({ name: 'SessionEnv', displayName: 'Remote Desktop Configuration', status: 'Running', start: 3, processName: 'svchost', processId: 1240 }),
    // UmRdpService depends on TermService: stopping TermService with -Force stops it too.
    service({
      name: 'UmRdpService',
      displayName: 'Remote Desktop Services UserMode Port Redirector',
      status: termRunning ? 'Running' : 'Stopped',
      start: 3,
      processName: 'svchost',
      processId: 1244,
      dependsOn: ['TermService'],
    }),
  );
  const gpsvcStart = spec.gpsvcStart ?? 2;
  // gpsvc refuses stop requests on current Windows, and its configuration through the SCM (PLAYBOOK errata 11).
  services.push(
    service({
      name: 'gpsvc',
      displayName: 'Group Policy Client',
      status: gpsvcStart === 4 ? 'Stopped' : 'Running',
      start: gpsvcStart,
      stoppable: false,
      scmLocked: !(spec.gpsvcScmConfigurable ?? false),
      processName: 'svchost',
      processId: 1020,
    }),
  );

  const listeners: WindowsGuestState['listeners'] = [];
  for (const service of services) {
    const port = service.name === 'TermService' ? rdpPort : service.port;
    if (service.status === 'Running' && port !== null && !listeners.some((l) => l.port === port)) listeners.push({ port, service: service.name });
  }

  const booted = tlsTable(spec.tls);
  const configured = tlsTable(spec.tls, spec.pendingTls);
  const condition = spec.certificate ?? 'ok';
  const certificate = condition === 'missing' ? null : certificateFor(computerName, condition, nowMs);
  const pinnedThumbprint =
    spec.pinnedThumbprint !== undefined ? spec.pinnedThumbprint : condition === 'missing' ? thumbprintOf(`${computerName}:vanished`) : null;
  const acl = spec.machineKeysAcl ?? 'ok';

  return {
    computerName,
    // As diagnose reports them: Win32_OperatingSystem Caption, and BuildNumber.UBR.
    os: { caption: spec.os?.caption ?? 'Microsoft Windows Server 2022 Datacenter Azure Edition', build: spec.os?.build ?? '20348.3091' },
    osDefaultEnabled: { 'TLS 1.0': legacyDefault, 'TLS 1.1': legacyDefault, 'TLS 1.2': true },
    domain: {
      joined: spec.domain !== undefined,
      name: spec.domain?.name ?? null,
      policyDisablesTls12: spec.domain?.policyDisablesTls12 ?? false,
    },
    rdpTcp: {
      portNumber: rdpPort,
      fDenyTSConnections: 0,
      securityLayer: spec.nla?.securityLayer !== undefined ? spec.nla.securityLayer : 2,
      userAuthentication: spec.nla?.userAuthentication !== undefined ? spec.nla.userAuthentication : 1,
      allowSecProtocolNegotiation: spec.nla?.allowSecProtocolNegotiation !== undefined ? spec.nla.allowSecProtocolNegotiation : 1,
      pinnedThumbprint,
    },
    services,
    listeners,
    schannel: { configured, effective: booted },
    firewallRules: RDP_FIREWALL_RULES.map((name) => ({ name, enabled: spec.firewallEnabled ?? true, localPorts: spec.firewallLocalPorts ?? String(rdpPort) })),
    certificate,
    machineKeys: {
      rdpContainerFound: true,
      systemFullControl: acl === 'ok',
      networkServiceRead: acl === 'ok',
      administratorsFullControl: true,
      networkServiceDenied: acl === 'deny-network-service',
    },
    rdpKeyFile: `${REG.machineKeysDirectory}\\f686aace6942fb7f7ceb231212eef4a4_${machineGuidOf(computerName)}`,
    registryExtras: {},
    files: [],
    events: [],
    certificatesIssued: certificate ? 1 : 0,
    lastBootUpTimeMs: nowMs - (spec.uptimeMs ?? 3 * DAY_MS),
  };
}

/** A self-signed RDP certificate as Windows makes one: CN=<computer name>, valid for six months. */
export function newSelfSignedCertificate(computerName: string, serial: number, nowMs: number): RdpCertificate {
  return {
    thumbprint: thumbprintOf(`${computerName}:${serial}`),
    subject: `CN=${computerName}`,
    notBefore: new Date(nowMs).toISOString(),
    notAfter: new Date(nowMs + 182 * DAY_MS).toISOString(),
    keyIntact: true,
  };
}

function certificateFor(computerName: string, condition: Exclude<CertificateCondition, 'missing'>, nowMs: number): RdpCertificate {
  if (condition === 'expired') {
    return { ...newSelfSignedCertificate(computerName, 1, nowMs - 200 * DAY_MS), notAfter: new Date(nowMs - 18 * DAY_MS).toISOString() };
  }
  const issued = newSelfSignedCertificate(computerName, 1, nowMs - 30 * DAY_MS);
  if (condition === 'corrupt-private-key') return { ...issued, keyIntact: false };
  if (condition === 'key-unusable-by-termservice') return { ...issued, usableByTermService: false };
  return issued;
}

/** The MachineGuid part of a machine key file name, deterministic per computer. */
function machineGuidOf(computerName: string): string {
  const hex = createHash('sha1').update(`rdp-autorepair-simulated-machine:${computerName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Deterministic SHA-1-shaped thumbprints, so scenario output is the same on every run. */
function thumbprintOf(seed: string): string {
  return createHash('sha1').update(`rdp-autorepair-simulated-certificate:${seed}`).digest('hex').toUpperCase();
}

type TlsSpec = Partial<Record<TlsVersion, Partial<TlsServerState>>> | undefined;

/** The SCHANNEL table from layers of values, later layers winning value by value. */
function tlsTable(...layers: TlsSpec[]): Record<TlsVersion, TlsServerState> {
  const table = {} as Record<TlsVersion, TlsServerState>;
  for (const version of TLS_VERSIONS) {
    const state: TlsServerState = { enabled: null, disabledByDefault: null };
    for (const layer of layers) {
      const values = layer?.[version];
      if (values?.enabled !== undefined) state.enabled = values.enabled;
      if (values?.disabledByDefault !== undefined) state.disabledByDefault = values.disabledByDefault;
    }
    table[version] = state;
  }
  return table;
}
