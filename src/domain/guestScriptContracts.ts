/**
 * The guest scripts' contracts: the parameters each `.ps1` declares in param() and the JSON its result line
 * carries. Shared by the TypeScript wrappers, the orchestration's decisions and the simulated guest, so a
 * mismatch is a compile error rather than a surprise on a broken VM at 3 a.m.
 */

export type GuestScriptName = 'diagnose' | 'fix-port-conflict' | 'renew-certificate' | 'enable-tls' | 'restore-group-policy' | 'boot-time';

/** One registry (or other) value a write script replaced. */
export interface RecordedChange {
  path: string;
  name: string;
  before: string | number | null;
  after: string | number | null;
}

export interface ServiceState {
  /** Running, Stopped, StartPending, ... or null when the service does not exist. */
  status: string | null;
  /** Automatic, Manual, Disabled, or null. */
  startType: string | null;
}

export type TlsVersion = 'TLS 1.0' | 'TLS 1.1' | 'TLS 1.2';

export interface TlsServerState {
  /** SCHANNEL\Protocols\<version>\Server Enabled; null = value absent (the OS default applies). */
  enabled: number | null;
  disabledByDefault: number | null;
}

// ---------------------------------------------------------------- diagnose (read-only)

export type DiagnoseParams = Record<string, never>;

export interface DiagnoseResult {
  script: 'diagnose';
  os: { caption: string | null; build: string | null };
  domain: { joined: boolean; name: string | null };
  rdp: {
    /** WinStations\RDP-Tcp PortNumber. */
    portNumber: number;
    fDenyTSConnections: number | null;
    /** HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services fDenyTSConnections, when a policy sets it. */
    policyDenyTSConnections: number | null;
    securityLayer: number | null;
    userAuthentication: number | null;
    allowSecProtocolNegotiation: number | null;
    /** SSLCertificateSHA1Hash pinned on RDP-Tcp, upper-case hex, or null when none is pinned. */
    pinnedThumbprint: string | null;
  };
  /** Who listens on rdp.portNumber (Get-NetTCPConnection -> process -> service). */
  listener: { processName: string | null; processId: number | null; serviceName: string | null };
  services: { TermService: ServiceState; SessionEnv: ServiceState; UmRdpService: ServiceState };
  certificate: {
    /** A certificate exists in Cert:\LocalMachine\Remote Desktop. */
    present: boolean;
    thumbprint: string | null;
    notAfter: string | null;
    hasPrivateKey: boolean | null;
    /** The private key could be opened (false: corrupt key or unreadable MachineKeys file). */
    privateKeyOpens: boolean | null;
    /** A pinned thumbprint names a certificate that is not in the store. */
    pinnedMissing: boolean;
  };
  machineKeys: {
    /** The RDP key container (f686aace...) exists under C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys. */
    rdpContainerFound: boolean;
    systemFullControl: boolean;
    networkServiceRead: boolean;
    administratorsFullControl: boolean;
  };
  tls: Record<TlsVersion, TlsServerState>;
  /** HKLM\SYSTEM\CurrentControlSet\Services\gpsvc Start (2 automatic, 4 disabled). */
  gpsvcStart: number | null;
  firewall: { ruleName: string; enabled: boolean | null; localPorts: string | null };
}

// ---------------------------------------------------------------- boot-time (read-only)

export type BootTimeParams = Record<string, never>;

/** When Windows last booted, to prove that a restart really happened (the instance view carries no boot time). */
export interface BootTimeResult {
  script: 'boot-time';
  /** Win32_OperatingSystem.LastBootUpTime in UTC, ISO 8601 with seconds ('2026-01-05T03:00:00Z'). */
  lastBootUpTime: string;
}

// ---------------------------------------------------------------- fixes (each records what it replaced)

export interface FixResultBase {
  /** The fix did what it set out to do (the script verifies its own effect). */
  ok: boolean;
  message: string;
  changes: RecordedChange[];
  /** Service actions taken, in order, e.g. "stopped W3SVC", "started TermService". */
  actions: string[];
}

export interface FixPortConflictParams {
  /** The service diagnose saw holding the RDP port; re-checked by the script before it is stopped. */
  ServiceName: string;
  RdpPort: number;
  /** Where RDP moves if ServiceName cannot be stopped. */
  FallbackPort: number;
}

export interface FixPortConflictResult extends FixResultBase {
  script: 'fix-port-conflict';
  /** The holder was stopped and TermService listens on RdpPort. */
  stoppedHolder: boolean;
  /** RDP now listens here (FallbackPort) because the holder could not be stopped; null when unchanged. */
  newPort: number | null;
}

export interface RenewCertificateParams {
  /** Where the MachineKeys ACL backup (icacls /save) is written on the guest. */
  BackupDirectory: string;
}

export interface RenewCertificateResult extends FixResultBase {
  script: 'renew-certificate';
  removedThumbprint: string | null;
  /** Path of the saved ACLs (restore with icacls <dir> /restore <file>). */
  aclBackupPath: string | null;
}

export interface EnableTlsParams {
  /** Also enable TLS 1.0/1.1 Server: only on the caller's explicit request (a security regression). */
  AllowLegacyTls: boolean;
}

export interface EnableTlsResult extends FixResultBase {
  script: 'enable-tls';
  /** gpsvc Start before the script set it to 4, so restore-group-policy can put it back. */
  previousGpsvcStart: number | null;
}

export interface RestoreGroupPolicyParams {
  PreviousStart: number;
}

export interface RestoreGroupPolicyResult extends FixResultBase {
  script: 'restore-group-policy';
  gpupdateExitCode: number | null;
}

export interface GuestScripts {
  diagnose: { params: DiagnoseParams; result: DiagnoseResult };
  'fix-port-conflict': { params: FixPortConflictParams; result: FixPortConflictResult };
  'renew-certificate': { params: RenewCertificateParams; result: RenewCertificateResult };
  'enable-tls': { params: EnableTlsParams; result: EnableTlsResult };
  'restore-group-policy': { params: RestoreGroupPolicyParams; result: RestoreGroupPolicyResult };
  'boot-time': { params: BootTimeParams; result: BootTimeResult };
}
