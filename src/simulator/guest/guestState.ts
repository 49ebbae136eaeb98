/**
 * SIMULATED: the part of a Windows guest that the RDP repair playbook reads and writes. Plain data, so a test can
 * snapshot it before a script and compare after (the diagnose script must change nothing).
 *
 * Two registry facts need a "when does it take effect" distinction:
 *  - SCHANNEL protocol values are read when the OS boots: `schannel.configured` is the registry, `effective` what
 *    the running system uses; a change stays pending until the next restart.
 *  - TermService binds `PortNumber` when it starts: `rdpTcp.portNumber` is the registry value, the listener table
 *    says which port the running service actually holds.
 */
import type { TlsServerState, TlsVersion } from '../../guest/scriptContracts';
import type { KeyContainerAcl, WindowsBuild } from './windowsBuilds';

export const TLS_VERSIONS: readonly TlsVersion[] = ['TLS 1.0', 'TLS 1.1', 'TLS 1.2'];

/** Locations, spelled as the scripts write them into RecordedChange.path (PowerShell drive paths). */
export const REG = Object.freeze({
  rdpTcp: 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp',
  schannelServer: (version: TlsVersion): string =>
    `HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${version}\\Server`,
  service: (name: string): string => `HKLM:\\SYSTEM\\CurrentControlSet\\Services\\${name}`,
  /** Where enable-tls keeps gpsvc's start type from before the repair (value GpsvcStartBeforeRepair). */
  repairStash: 'HKLM:\\SOFTWARE\\rdp-autorepair',
  firewallRule: (name: string): string => `FirewallRule:${name}`,
  rdpCertificateStore: 'Cert:\\LocalMachine\\Remote Desktop',
  machineKeysDirectory: 'C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys',
});

export const GPSVC_STASH_VALUE = 'GpsvcStartBeforeRepair';
export const RDP_FIREWALL_RULES = ['RemoteDesktop-UserMode-In-TCP', 'RemoteDesktop-UserMode-In-UDP'] as const;
export const RDP_SERVICES = ['TermService', 'SessionEnv', 'UmRdpService'] as const;

/** A service's registry `Start` value: 2 automatic, 3 manual (demand/trigger), 4 disabled. */
export type ServiceStart = 2 | 3 | 4;
export type ServiceStatus = 'Running' | 'Stopped';

export interface GuestService {
  name: string;
  displayName: string;
  status: ServiceStatus;
  /** The registry `Start` value. */
  start: ServiceStart;
  /** The start type the Service Control Manager works with: read from the registry at boot, or set through the SCM. */
  scmStart: ServiceStart;
  /** The SCM refuses configuration changes (gpsvc on current Windows, PLAYBOOK errata 11). */
  scmLocked: boolean;
  /** Services this one depends on (stopping one of those with -Force stops this one too). */
  dependsOn: string[];
  /** false: Stop-Service fails (the service does not accept a stop, or its recovery restarts it at once). */
  stoppable: boolean;
  processName: string;
  processId: number;
  /** TCP port a non-RDP service binds when it starts; TermService's port comes from PortNumber. */
  port: number | null;
}

export interface RdpCertificate {
  thumbprint: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  /** false: the private key file is damaged (the key cannot be opened whatever the ACLs say). */
  keyIntact: boolean;
  /**
   * false: the key opens for an administrator (diagnose sees nothing wrong) but TermService's TLS stack cannot
   * use it, e.g. a certificate someone imported with its key in a CNG provider. Only a new certificate helps.
   */
  usableByTermService?: boolean;
  /** A certificate with its own key (LocalMachine\My): whether NETWORK SERVICE may read that key (default true). */
  keyReadableByNetworkService?: boolean;
}

export interface MachineKeysAcl {
  /** The MachineKeys folder lists for SYSTEM (false: a hardened folder; nothing in it can be checked). */
  folderListable: boolean;
  rdpContainerFound: boolean;
  /** Entries on the RDP key container (f686aace...), per principal. */
  grants: KeyContainerAcl;
  /** A deny entry for NETWORK SERVICE: add-only grants (what renew-certificate does) cannot lift it. */
  networkServiceDenied: boolean;
  /**
   * The container file is damaged: its key never opens, and Windows cannot create the RDP key of that name
   * while the file is there (TerminalServices-RemoteConnectionManager events 1057/1058, per [M] in
   * windowsBuilds.ts), so a new self-signed certificate is not issued until the file is moved away.
   */
  containerCorrupt: boolean;
}

export interface FirewallRule {
  name: string;
  enabled: boolean;
  localPorts: string;
}

export type GuestEvent =
  | { kind: 'boot'; atMs: number }
  | { kind: 'shutdown'; atMs: number }
  | { kind: 'gp-refresh'; atMs: number; trigger: 'boot' | 'gpupdate'; revertedTls12: boolean }
  | { kind: 'certificate-created'; atMs: number; thumbprint: string }
  | { kind: 'certificate-creation-failed'; atMs: number; reason: string }
  | { kind: 'script'; atMs: number; script: string; exitCode: number }
  /** The VM was given another OS disk (a swap); the state now is that disk's. */
  | { kind: 'os-disk-adopted'; atMs: number; diskId: string };

export interface WindowsGuestState {
  computerName: string;
  /** The build the defaults came from (windowsBuilds.ts). */
  windowsBuild: WindowsBuild;
  os: { caption: string; build: string };
  /** SCHANNEL protocol default when no Enabled value is set (Windows Server 2022 still enables TLS 1.0/1.1). */
  osDefaultEnabled: Record<TlsVersion, boolean>;
  domain: { joined: boolean; name: string | null; policyDisablesTls12: boolean };
  rdpTcp: {
    portNumber: number;
    fDenyTSConnections: number;
    securityLayer: number | null;
    userAuthentication: number | null;
    allowSecProtocolNegotiation: number | null;
    /** SSLCertificateSHA1Hash, upper-case hex, or null. */
    pinnedThumbprint: string | null;
  };
  /** In start order: a service listed earlier gets its port first at boot. */
  services: GuestService[];
  /** Which service holds which TCP port right now. */
  listeners: Array<{ port: number; service: string }>;
  schannel: { configured: Record<TlsVersion, TlsServerState>; effective: Record<TlsVersion, TlsServerState> };
  firewallRules: FirewallRule[];
  /** Cert:\LocalMachine\Remote Desktop (null: empty). */
  certificate: RdpCertificate | null;
  /** Cert:\LocalMachine\My: certificates an administrator installed (the usual target of a pin). */
  personalCertificates: RdpCertificate[];
  machineKeys: MachineKeysAcl;
  /** The RDP key container file (f686aace...) under MachineKeys. */
  rdpKeyFile: string;
  /** Other registry values the scripts write (the repair's stash), keyed `<path>\\<name>`. */
  registryExtras: Record<string, number>;
  /** Files the scripts wrote (ACL backups), so a test can see the backup exists. */
  files: string[];
  /** What happened, for assertions and the demo. */
  events: GuestEvent[];
  /** Certificates created so far (feeds deterministic thumbprints). */
  certificatesIssued: number;
  /** Win32_OperatingSystem.LastBootUpTime: set by every boot (virtual clock). */
  lastBootUpTimeMs: number;
}
