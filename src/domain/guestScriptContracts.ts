/**
 * The guest scripts' contracts: the parameters each `.ps1` declares in param() and the JSON its result line
 * carries. Shared by the TypeScript wrappers, the orchestration's decisions and the simulated guest, so a
 * mismatch is a compile error rather than a surprise on a broken VM at 3 a.m.
 */

export type GuestScriptName =
  | 'diagnose'
  | 'fix-port-conflict'
  | 'renew-certificate'
  | 'enable-tls'
  | 'restore-group-policy'
  | 'boot-time'
  | 'offline-repair';

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
  /**
   * Win32_OperatingSystem.LastBootUpTime as boot-time reports it (UTC, ISO 8601 with seconds), or null when it could
   * not be read: the "before" value of the repair's first restart, so no boot-time run is needed before it.
   */
  lastBootUpTime: string | null;
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
  /** Who listens on rdp.portNumber (Get-NetTCPConnection -> process -> services hosted in that process). */
  listener: {
    processName: string | null;
    processId: number | null;
    /**
     * The service that owns the socket, only when that is certain: the one the socket's service tag names
     * (GetOwnerModuleFromTcpEntry, checked against the process's services), else the one service the process
     * hosts, else TermService when the process hosts it (a shared svchost on Server 2016). Null otherwise.
     * Even a named owner is never stopped when `hostedServices` has others: they share its process.
     */
    serviceName: string | null;
    /** Every service the listening process hosts, sorted (at most 8): more than one is a shared process. */
    hostedServices: string[];
  };
  services: { TermService: ServiceState; SessionEnv: ServiceState; UmRdpService: ServiceState };
  /**
   * The certificate RDP serves: the one Win32_TSGeneralSetting (RDP-Tcp) names, looked up in LocalMachine\My
   * and LocalMachine\Remote Desktop; without a usable answer from CIM, the pin or else the newest certificate
   * in Remote Desktop.
   */
  certificate: {
    /** That certificate was found. */
    present: boolean;
    /** Where it was found: 'personal' (LocalMachine\My, usually CA-issued and pinned) or 'remote-desktop'. */
    store: 'personal' | 'remote-desktop' | null;
    thumbprint: string | null;
    notAfter: string | null;
    hasPrivateKey: boolean | null;
    /** The private key could be opened and used to sign, RSA or ECDSA (false: corrupt or unreadable key). */
    privateKeyOpens: boolean | null;
    /**
     * NETWORK SERVICE (TermService's account) may read the key's file: a CAPI key under Crypto\RSA\MachineKeys,
     * a CNG key under Crypto\Keys. Null when the file could not be found or its ACL read.
     */
    networkServiceKeyRead: boolean | null;
    /** A pinned thumbprint names a certificate that is in neither store. */
    pinnedMissing: boolean;
    /** The pinned certificate exists but has expired (treated like a missing one). */
    pinnedExpired: boolean;
  };
  machineKeys: {
    /** The MachineKeys folder could be listed; false: nothing below could be checked (a finding of its own). */
    listable: boolean;
    /** The RDP key container (f686aace...) exists under C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys. */
    rdpContainerFound: boolean;
    systemFullControl: boolean;
    /** NETWORK SERVICE may read every RDP container, with no deny entry in the way: what TermService needs. */
    networkServiceRead: boolean;
    /**
     * The entry this build ships besides SYSTEM and NETWORK SERVICE: BUILTIN\Administrators Read up to build
     * 14393, NT SERVICE\SessionEnv Full control from 17763. Restored by a repair, never a reason for one.
     */
    buildEntryPresent: boolean;
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
  'offline-repair': { params: OfflineRepairParams; result: OfflineRepairResult };
  'boot-time': { params: BootTimeParams; result: BootTimeResult };
}

// ---------------------------------------------------------------- offline repair (runs on a rescue VM)

export interface OfflineRepairParams {
  /** The LUN at which the copy of the broken VM's OS disk is attached to the rescue VM. */
  Lun: number;
  /** The copy's size in GiB: a second identity check, so a wrong LUN never edits another disk. */
  DiskSizeGiB: number;
  /** The broken VM's Hyper-V generation (1: BIOS/MBR, \Boot\BCD; 2: UEFI/GPT, \EFI\Microsoft\Boot\BCD). */
  Generation: number;
  /** Names the hives this run loads and the restore folder it writes on the offline volume. */
  RunId: string;
  /** Read and judge only: no write to the disk's Windows (the report file is still written). */
  DetectOnly: boolean;
  /** Also enable TLS 1.0/1.1 Server: only on the caller's explicit request (a security regression). */
  AllowLegacyTls: boolean;
}

/** One thing the offline script checks, in the order it checks them. */
export type OfflineCheck =
  | 'tls'
  | 'rdp-listener'
  | 'rdp-certificate-pin'
  | 'deny-ts-connections'
  | 'services'
  | 'rdp-certificate'
  | 'machinekeys-acl'
  | 'crash-dump'
  | 'boot-ems';

/**
 * healthy: nothing to do; broken: found broken, not changed (detectOnly, or no safe write exists: detail says
 * why); fixed: repaired here; enabled: a diagnostic aid switched on (crash dump, EMS), not a repair; failed: a
 * write was attempted and did not take; not-checked: the check could not run (detail says why).
 */
export type OfflineVerdict = 'healthy' | 'broken' | 'fixed' | 'enabled' | 'failed' | 'not-checked';

export interface OfflineFinding {
  check: OfflineCheck;
  verdict: OfflineVerdict;
  /** Short evidence, e.g. "SecurityLayer=7"; the full values read are in the report file. */
  detail: string | null;
}

export interface OfflineRepairResult {
  script: 'offline-repair';
  /**
   * No write failed, every hive was unloaded, every temporary drive letter removed and the disk signature is as
   * it was. It does not mean everything is healthy: `findings` say what is still broken or was not checked.
   */
  ok: boolean;
  message: string;
  detectOnly: boolean;
  disk: {
    /** Windows' disk number on the rescue VM, or null when no disk was found at the LUN. */
    number: number | null;
    partitionStyle: 'MBR' | 'GPT' | null;
    /** Another disk of the rescue VM had the same signature (MBR) or GUID (GPT): erratum 13. */
    signatureCollision: boolean;
    /** The original signature or GUID is back (null when it never had to change). */
    signatureRestored: boolean | null;
  };
  windows: {
    /** CurrentBuildNumber from the offline SOFTWARE hive. */
    build: number | null;
    /** The control sets edited: the one Select\Current names, and Select\Default when it differs. */
    controlSets: string[];
  };
  findings: OfflineFinding[];
  /** The writes made (fix mode), each with the value it replaced. */
  changes: RecordedChange[];
  /** The writes a fix run would make (detectOnly), with the value now there. */
  planned: RecordedChange[];
  /** Changes (or planned writes) left out of this line to keep it under 3 KB; all of them are in the report. */
  omitted: number;
  /** The folder on the offline volume with the .reg exports, the ACL backup and the report. */
  restorePath: string | null;
  reportPath: string | null;
}
