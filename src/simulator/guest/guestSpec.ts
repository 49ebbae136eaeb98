/**
 * SIMULATED: the typed builder for a Windows guest. Every field is optional and defaults to a healthy Azure
 * marketplace image of `windowsBuild` (20348, Server 2022, unless given; the per-build defaults and their
 * sources are in windowsBuilds.ts), so a scenario states only what is broken:
 *
 *   buildGuestState({ portHolder: { service: 'W3SVC', process: 'System', stoppable: false } })
 *   buildGuestState({ tls: { 'TLS 1.2': { enabled: 0 } }, domain: { name: 'contoso.com', policyDisablesTls12: true } })
 *   buildGuestState({ certificate: 'corrupt-private-key', machineKeysAcl: 'broken' })
 */
import { createHash } from 'node:crypto';
import type { GuestScriptName, TlsServerState, TlsVersion } from '../../guest/scriptContracts';
import type { AgentHealth } from '../arm/world/types';
import type { SimulatedBootState } from './serialLog';
import {
  RDP_FIREWALL_RULES,
  REG,
  TLS_VERSIONS,
  type GuestService,
  type MachineKeysAcl,
  type RdpCertificate,
  type ServiceStart,
  type WindowsGuestState,
} from './guestState';
import { DEFAULT_WINDOWS_BUILD, windowsBuildDefaults, type WindowsBuild } from './windowsBuilds';

/**
 * 'corrupt-key-container': the key container file itself is damaged, so Windows cannot issue a new certificate
 * while it is there (unlike 'corrupt-private-key', where only the certificate's key association is bad).
 */
export type CertificateCondition =
  | 'ok'
  | 'corrupt-private-key'
  | 'corrupt-key-container'
  | 'expired'
  | 'missing'
  | 'key-unusable-by-termservice';

export interface WindowsGuestSpec {
  computerName?: string;
  /** The image's build: every default below comes from its row in windowsBuilds.ts (default 20348). */
  windowsBuild?: WindowsBuild;
  /** Override the build's svchost grouping (false: a VM size under 3.5 GB, where services share processes). */
  svchostSplit?: boolean;
  os?: { caption?: string; build?: string; legacyTlsEnabledByDefault?: boolean };
  /** WinStations\RDP-Tcp PortNumber (default 3389). */
  rdpPort?: number;
  /**
   * Another program that grabbed the RDP port before TermService (it starts first at every boot).
   * `sharedWith`: other services hosted in the same process (a shared svchost), which nothing may stop.
   */
  portHolder?: { service: string; process?: string; processId?: number; stoppable?: boolean; port?: number; sharedWith?: string[] };
  /** More programs listening somewhere (e.g. on the fallback port), started at boot after the port holder. */
  otherPrograms?: Array<{ service: string; port: number; process?: string; processId?: number; stoppable?: boolean }>;
  /** TermService right now (default Running). A stopped TermService still starts at the next boot. */
  termService?: 'Running' | 'Stopped';
  /** false: TermService does not stop when asked (e.g. it hangs in StopPending), so no script can restart it. */
  termServiceStoppable?: boolean;
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
  /** A CA-issued certificate in LocalMachine\My that SSLCertificateSHA1Hash pins (what RDP then serves). */
  pinnedCertificate?: 'valid' | 'expired';
  /**
   * ACLs of the RDP key container in MachineKeys: 'broken' lacks the SYSTEM full control and NETWORK SERVICE
   * read grants (an add-only grant repairs it); 'deny-network-service' also has a deny entry no grant outranks;
   * 'no-build-entry' lacks only the build's third entry (Administrators or SessionEnv), which RDP does not
   * need; 'folder-unlistable' is a MachineKeys folder hardened so that even SYSTEM cannot list it.
   */
  machineKeysAcl?: 'ok' | 'broken' | 'deny-network-service' | 'no-build-entry' | 'folder-unlistable';
  /** RemoteDesktop-UserMode-In-TCP/UDP LocalPort (default: the RDP port) and whether the rules are enabled. */
  firewallLocalPorts?: string;
  firewallEnabled?: boolean;
  /** Whether the SCM lets Set-Service change gpsvc's start type (default false: refused, PLAYBOOK errata 11). */
  gpsvcScmConfigurable?: boolean;
  /** The guest agent (pushed into the simulated ARM when the guest is attached). */
  agent?: AgentHealth;
  /** Extra time a script takes on this guest (e.g. a gpupdate that hangs), to exercise Run Command timeouts. */
  scriptDelaysMs?: Partial<Record<GuestScriptName, number>>;
  /**
   * How each boot of this guest ends, as its serial port shows it (serialLog.ts): 'booted' (default), stuck
   * 'booting-updates', or a stop error `{ bugcheck: '0x7B' }`. A guest that does not boot runs no services.
   */
  boot?: SimulatedBootState;
  /** How long the guest has been up when the scenario starts (default 3 days: an assumption, any earlier instant works). */
  uptimeMs?: number;
}

const DAY_MS = 86_400_000;

export function buildGuestState(spec: WindowsGuestSpec, nowMs: number): WindowsGuestState {
  const build = windowsBuildDefaults(spec.windowsBuild ?? DEFAULT_WINDOWS_BUILD);
  const split = spec.svchostSplit ?? build.svchostSplit;
  const computerName = spec.computerName ?? 'WINSRV01';
  const rdpPort = spec.rdpPort ?? 3389;
  const legacyDefault = spec.os?.legacyTlsEnabledByDefault ?? build.legacyTlsEnabledByDefault;
  const services: GuestService[] = [];
  const service = (
    fields: Pick<GuestService, 'name' | 'displayName' | 'status' | 'start' | 'processName' | 'processId'> & Partial<GuestService>,
  ): GuestService => ({
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
    for (const sibling of spec.portHolder.sharedWith ?? []) {
      services.push(
        service({
          name: sibling,
          displayName: sibling,
          status: 'Running',
          start: 2,
          processName: spec.portHolder.process ?? 'svchost',
          processId: spec.portHolder.processId ?? 4120,
        }),
      );
    }
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
  // Split builds give each RDP service its own svchost; otherwise each shares its group's process with the
  // group's other services (windowsBuilds.ts [H]).
  const pidOf = { TermService: 1236, SessionEnv: 1240, UmRdpService: 1244 } as const;
  const rdp = build.services;
  services.push(
    service({
      name: 'TermService',
      displayName: 'Remote Desktop Services',
      status: termRunning ? 'Running' : 'Stopped',
      start: rdp.TermService.start,
      processName: 'svchost',
      processId: pidOf.TermService,
      stoppable: spec.termServiceStoppable ?? true,
    }),
    service({
      name: 'SessionEnv',
      displayName: 'Remote Desktop Configuration',
      status: 'Running',
      start: rdp.SessionEnv.start,
      processName: 'svchost',
      processId: pidOf.SessionEnv,
    }),
    // UmRdpService depends on TermService: stopping TermService with -Force stops it too.
    service({
      name: 'UmRdpService',
      displayName: 'Remote Desktop Services UserMode Port Redirector',
      status: termRunning ? 'Running' : 'Stopped',
      start: rdp.UmRdpService.start,
      processName: 'svchost',
      processId: pidOf.UmRdpService,
      dependsOn: ['TermService'],
    }),
  );
  if (!split) {
    for (const name of ['TermService', 'SessionEnv', 'UmRdpService'] as const) {
      for (const sibling of build.groupSiblings[rdp[name].group]) {
        if (services.some((s) => s.name.toLowerCase() === sibling.toLowerCase())) continue;
        services.push(
          service({ name: sibling, displayName: sibling, status: 'Running', start: 2, processName: 'svchost', processId: pidOf[name] }),
        );
      }
    }
  }
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
    if (service.status === 'Running' && port !== null && !listeners.some((l) => l.port === port))
      listeners.push({ port, service: service.name });
  }

  const booted = tlsTable(spec.tls);
  const configured = tlsTable(spec.tls, spec.pendingTls);
  const condition = spec.certificate ?? 'ok';
  const certificate = condition === 'missing' ? null : certificateFor(computerName, condition, nowMs);
  const personalCertificates = spec.pinnedCertificate ? [caIssuedCertificate(computerName, spec.pinnedCertificate, nowMs)] : [];
  const pinnedThumbprint =
    spec.pinnedThumbprint !== undefined
      ? spec.pinnedThumbprint
      : personalCertificates[0]
        ? personalCertificates[0].thumbprint
        : condition === 'missing'
          ? thumbprintOf(`${computerName}:vanished`)
          : null;
  const acl = spec.machineKeysAcl ?? 'ok';
  const grants = { ...build.keyContainerAcl };
  if (acl === 'broken') Object.assign(grants, { system: '-', networkService: '-' });
  if (acl === 'no-build-entry') Object.assign(grants, { administrators: '-', sessionEnv: '-' });
  const machineKeys: MachineKeysAcl = {
    folderListable: acl !== 'folder-unlistable' && build.machineKeysFolderListable,
    rdpContainerFound: true,
    grants,
    networkServiceDenied: acl === 'deny-network-service',
    containerCorrupt: condition === 'corrupt-key-container',
  };

  return {
    computerName,
    windowsBuild: build.build,
    // As diagnose reports them: Win32_OperatingSystem Caption, and BuildNumber.UBR.
    os: { caption: spec.os?.caption ?? build.caption, build: spec.os?.build ?? build.buildWithUbr },
    osDefaultEnabled: { 'TLS 1.0': legacyDefault, 'TLS 1.1': legacyDefault, 'TLS 1.2': true },
    domain: {
      joined: spec.domain !== undefined,
      name: spec.domain?.name ?? null,
      policyDisablesTls12: spec.domain?.policyDisablesTls12 ?? false,
    },
    rdpTcp: {
      portNumber: rdpPort,
      fDenyTSConnections: 0,
      securityLayer: spec.nla?.securityLayer !== undefined ? spec.nla.securityLayer : build.nla.securityLayer,
      userAuthentication: spec.nla?.userAuthentication !== undefined ? spec.nla.userAuthentication : build.nla.userAuthentication,
      allowSecProtocolNegotiation:
        spec.nla?.allowSecProtocolNegotiation !== undefined ? spec.nla.allowSecProtocolNegotiation : build.nla.allowSecProtocolNegotiation,
      pinnedThumbprint,
    },
    services,
    listeners,
    schannel: { configured, effective: booted },
    firewallRules: RDP_FIREWALL_RULES.map((name) => ({
      name,
      enabled: spec.firewallEnabled ?? true,
      localPorts: spec.firewallLocalPorts ?? String(rdpPort),
    })),
    certificate,
    personalCertificates,
    machineKeys,
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
  if (condition === 'corrupt-private-key' || condition === 'corrupt-key-container') return { ...issued, keyIntact: false };
  if (condition === 'key-unusable-by-termservice') return { ...issued, usableByTermService: false };
  return issued;
}

/** A certificate an administrator installed in LocalMachine\My (a CA-issued one, valid a year) and pinned. */
function caIssuedCertificate(computerName: string, condition: 'valid' | 'expired', nowMs: number): RdpCertificate {
  const issuedAt = condition === 'expired' ? nowMs - 400 * DAY_MS : nowMs - 60 * DAY_MS;
  return {
    thumbprint: thumbprintOf(`${computerName}:ca-issued`),
    subject: `CN=${computerName.toLowerCase()}.contoso.com`,
    notBefore: new Date(issuedAt).toISOString(),
    notAfter: new Date(issuedAt + 365 * DAY_MS).toISOString(),
    keyIntact: true,
  };
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
