/**
 * SIMULATED: a broken VM's OS disk copy, built healthy for a Windows Server build and then given the faults a
 * scenario names. Every default carries its source; where the truth is unknown the comment says so and the
 * choice is the one that makes the script do more work (so a test sees the write).
 */
import type { DiskBay, KeyContainerAcl, OfflineDisk, OfflinePartition, OfflineWindows, BcdStoreState } from './disk';
import { buildHive, dword, expandText, text, writeValue, deleteValue, hiveKey, type HiveKey, type HiveValue } from './hive';

export type OfflineFault =
  | 'tls12-disabled'
  | 'listener-invalid'
  | 'pinned-certificate-expired'
  | 'deny-connections'
  | 'deny-connections-policy'
  | 'rdp-service-disabled'
  | 'guest-agent-disabled'
  | 'rdp-certificate-expired'
  | 'rdp-key-missing'
  | 'machinekeys-acl-stripped'
  | 'machinekeys-network-service-denied'
  | 'crash-dump-off'
  | 'ems-off';

export interface OfflineDiskSpec {
  generation?: 1 | 2;
  sizeGiB?: number;
  /** 14393 (Server 2016), 17763 (2019), 20348 (2022), 26100 (2025). */
  build?: number;
  /** Select\Current; Select\Default is the same unless `defaultControlSet` says otherwise. */
  controlSet?: number;
  defaultControlSet?: number;
  /** Windows installations on the disk (0 and 2 are failures for the script). */
  windowsInstalls?: 0 | 1 | 2;
  bitlockerLocked?: boolean;
  faults?: readonly OfflineFault[];
  /** Virtual now, for certificate validity. */
  nowMs?: number;
}

export const MACHINE_GUID = '3c2d1e0f-7a6b-4c5d-9e8f-102132435465';
/** The RDP key container (TSSecKeySet1) is stored as f686aace6942fb7f7ceb231212eef4a4_<MachineGuid>. */
export const RDP_KEY_FILE = `f686aace6942fb7f7ceb231212eef4a4_${MACHINE_GUID}`;
export const RDP_CERT_THUMBPRINT = 'A1B2C3D4E5F60718293A4B5C6D7E8F9012345678';
const PINNED_THUMBPRINT = '0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C';
const DEFAULT_LOADER = '{3d6a1f44-5f5e-11e6-9c2a-00155d000001}';

/**
 * The RDP key container's ACL on a healthy image, per build: field measurements published with the
 * repair-script-library fork mvaferreira/win-fix-rdp-certificate.ps1 (header): SYSTEM Full and NETWORK SERVICE
 * Read on every build, plus BUILTIN\Administrators Read up to 14393 and NT SERVICE\SessionEnv Full from 17763 on.
 * Builds in between were not measured: only the two common entries (pessimistic).
 */
export function healthyKeyAcl(build: number): KeyContainerAcl {
  return {
    system: 'F',
    networkService: 'R',
    administrators: build <= 14393 ? 'R' : null,
    sessionEnv: build >= 17763 ? 'F' : null,
    networkServiceDenied: false,
  };
}

function controlSetValues(): Record<string, Record<string, HiveValue>> {
  return {
    // Microsoft docs, "Change the listening port for Remote Desktop": PortNumber 3389. MinEncryptionLevel 2
    // (client compatible) is the documented default of the "Set client connection encryption level" policy.
    // SecurityLayer on marketplace images was not measured: 2 (TLS) is chosen, the value the script must never
    // lower. UserAuthentication 1: NLA is on by default since Server 2012 (Microsoft docs, "Configure NLA").
    'Control\\Terminal Server\\WinStations\\RDP-Tcp': {
      PortNumber: dword(3389),
      SecurityLayer: dword(2),
      UserAuthentication: dword(1),
      fAllowSecProtocolNegotiation: dword(1),
      MinEncryptionLevel: dword(2),
    },
    // Remote connections allowed: Azure marketplace images accept RDP out of the box.
    'Control\\Terminal Server': { fDenyTSConnections: dword(0) },
    // Microsoft docs, "Overview of memory dump file options": automatic memory dump (7) is the default since
    // Windows 8 / Server 2012, written to %SystemRoot%\MEMORY.DMP; NMICrashDump is absent until set ("Generate a
    // kernel or complete crash dump" article).
    'Control\\CrashControl': { CrashDumpEnabled: dword(7), DumpFile: expandText('%SystemRoot%\\MEMORY.DMP') },
    // SCHANNEL\Protocols has no TLS 1.2 subkey on a default install: the OS default (enabled) applies
    // (Microsoft docs, "TLS registry settings").
    'Control\\SecurityProviders\\SCHANNEL\\Protocols': {},
    // Start 3 (manual, trigger-started while RDP is enabled) for the RDP services (Microsoft docs, "Troubleshoot
    // Remote Desktop Services issues": default startup type Manual); 2 (automatic) for the Azure guest agent's
    // services (Microsoft docs, "Azure Virtual Machine Agent overview").
    'Services\\TermService': { Start: dword(3) },
    'Services\\SessionEnv': { Start: dword(3) },
    'Services\\UmRdpService': { Start: dword(3) },
    'Services\\WindowsAzureGuestAgent': { Start: dword(2) },
    'Services\\RdAgent': { Start: dword(2) },
  };
}

function buildSystemHive(current: number, defaultSet: number): HiveKey {
  const sets = [...new Set([current, defaultSet, current === 1 ? 2 : 1])];
  const entries: Record<string, Record<string, HiveValue>> = {
    Select: { Current: dword(current), Default: dword(defaultSet), LastKnownGood: dword(current), Failed: dword(0) },
  };
  for (const set of sets) {
    const name = `ControlSet${String(set).padStart(3, '0')}`;
    for (const [path, values] of Object.entries(controlSetValues())) entries[`${name}\\${path}`] = values;
  }
  return buildHive(entries);
}

function buildSoftwareHive(build: number, nowMs: number): HiveKey {
  const validUntil = new Date(nowMs + 150 * 86_400_000).toISOString();
  return buildHive({
    'Microsoft\\Windows NT\\CurrentVersion': { CurrentBuildNumber: text(String(build)) },
    'Microsoft\\Cryptography': { MachineGuid: text(MACHINE_GUID) },
    // The self-signed RDP certificate, valid for six months from its creation (as Windows makes it).
    [`Microsoft\\SystemCertificates\\Remote Desktop\\Certificates\\${RDP_CERT_THUMBPRINT}`]: {
      Blob: { kind: 'certificate', notAfter: validUntil },
    },
    'Microsoft\\SystemCertificates\\My\\Certificates': {},
  });
}

/**
 * Marketplace images have EMS on for {default} with EMSPORT 1 at 115200 baud (Microsoft docs, "Azure Serial
 * Console for Windows": SAC is enabled by default on Windows Server images). Whether {bootmgr} displaybootmenu
 * and bootems are set is not documented: absent (so the enablement path runs). timeout 30: bcdedit's default.
 */
function healthyBcd(): BcdStoreState {
  return {
    bootmgr: { displaybootmenu: null, timeout: 30, bootems: null, defaultLoader: DEFAULT_LOADER },
    loaders: { [DEFAULT_LOADER]: { ems: true } },
    emssettings: { emsport: 1, emsbaudrate: 115200 },
  };
}

function buildWindows(build: number, spec: OfflineDiskSpec, nowMs: number): OfflineWindows {
  const current = spec.controlSet ?? 1;
  return {
    hives: { SYSTEM: buildSystemHive(current, spec.defaultControlSet ?? current), SOFTWARE: buildSoftwareHive(build, nowMs) },
    machineKeys: [{ name: RDP_KEY_FILE, sizeBytes: 2_400, acl: healthyKeyAcl(build) }],
  };
}

function partition(
  number: number,
  role: OfflinePartition['role'],
  sizeGiB: number,
  extra: Partial<OfflinePartition> = {},
): OfflinePartition {
  return {
    number,
    role,
    sizeGiB,
    active: false,
    fileSystem: 'NTFS',
    bitlockerLocked: false,
    driveLetter: null,
    windows: null,
    bcd: null,
    files: {},
    ...extra,
  };
}

function applyFault(windows: OfflineWindows, bcd: BcdStoreState, fault: OfflineFault, current: string, nowMs: number): void {
  const system = windows.hives.SYSTEM;
  const software = windows.hives.SOFTWARE;
  const rdpTcp = `${current}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`;
  switch (fault) {
    case 'tls12-disabled':
      writeValue(system, `${current}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server`, 'Enabled', dword(0));
      writeValue(system, `${current}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server`, 'DisabledByDefault', dword(1));
      return;
    case 'listener-invalid':
      writeValue(system, rdpTcp, 'SecurityLayer', dword(7));
      deleteValue(system, rdpTcp, 'UserAuthentication');
      writeValue(system, rdpTcp, 'PortNumber', dword(0));
      return;
    case 'pinned-certificate-expired':
      writeValue(system, rdpTcp, 'SSLCertificateSHA1Hash', { kind: 'binary', data: PINNED_THUMBPRINT });
      writeValue(software, `Microsoft\\SystemCertificates\\My\\Certificates\\${PINNED_THUMBPRINT}`, 'Blob', {
        kind: 'certificate',
        notAfter: new Date(nowMs - 86_400_000).toISOString(),
      });
      return;
    case 'deny-connections':
      writeValue(system, `${current}\\Control\\Terminal Server`, 'fDenyTSConnections', dword(1));
      return;
    case 'deny-connections-policy':
      writeValue(software, 'Policies\\Microsoft\\Windows NT\\Terminal Services', 'fDenyTSConnections', dword(1));
      return;
    case 'rdp-service-disabled':
      writeValue(system, `${current}\\Services\\TermService`, 'Start', dword(4));
      return;
    case 'guest-agent-disabled':
      writeValue(system, `${current}\\Services\\WindowsAzureGuestAgent`, 'Start', dword(4));
      writeValue(system, `${current}\\Services\\RdAgent`, 'Start', dword(3));
      return;
    case 'rdp-certificate-expired':
      writeValue(software, `Microsoft\\SystemCertificates\\Remote Desktop\\Certificates\\${RDP_CERT_THUMBPRINT}`, 'Blob', {
        kind: 'certificate',
        notAfter: new Date(nowMs - 86_400_000).toISOString(),
      });
      return;
    case 'rdp-key-missing':
      windows.machineKeys = windows.machineKeys.filter((f) => f.name !== RDP_KEY_FILE);
      return;
    case 'machinekeys-acl-stripped':
      for (const file of windows.machineKeys)
        file.acl = { system: null, networkService: null, administrators: null, sessionEnv: null, networkServiceDenied: false };
      return;
    case 'machinekeys-network-service-denied':
      for (const file of windows.machineKeys) file.acl = { ...file.acl, networkServiceDenied: true };
      return;
    case 'crash-dump-off':
      writeValue(system, `${current}\\Control\\CrashControl`, 'CrashDumpEnabled', dword(0));
      return;
    case 'ems-off':
      bcd.bootmgr.timeout = 0;
      for (const loader of Object.values(bcd.loaders)) loader.ems = false;
      bcd.emssettings = { emsport: null, emsbaudrate: null };
      return;
  }
}

export function buildOfflineDisk(spec: OfflineDiskSpec = {}): OfflineDisk {
  const generation = spec.generation ?? 2;
  const build = spec.build ?? 20348;
  const nowMs = spec.nowMs ?? Date.UTC(2026, 0, 5, 3);
  const sizeGiB = spec.sizeGiB ?? 127;
  const installs = spec.windowsInstalls ?? 1;
  const current = `ControlSet${String(spec.controlSet ?? 1).padStart(3, '0')}`;
  const bcd = healthyBcd();
  const windowsList = Array.from({ length: installs }, () => buildWindows(build, spec, nowMs));
  for (const windows of windowsList) for (const fault of spec.faults ?? []) applyFault(windows, bcd, fault, current, nowMs);
  // Azure images: a 500 MB system partition (Gen1 "System Reserved", Gen2 EFI 100 MB + MSR 16 MB), then Windows.
  const partitions: OfflinePartition[] =
    generation === 1
      ? [partition(1, 'system-reserved', 0.5, { active: true, bcd })]
      : [partition(1, 'efi', 0.1, { fileSystem: 'FAT32', bcd }), partition(2, 'msr', 0.016, { fileSystem: null })];
  const windowsSize = (sizeGiB - 1) / Math.max(installs, 1);
  if (installs === 0) partitions.push(partition(partitions.length + 1, 'windows', sizeGiB - 1));
  for (const windows of windowsList) {
    partitions.push(partition(partitions.length + 1, 'windows', windowsSize, { windows, bitlockerLocked: spec.bitlockerLocked === true }));
  }
  // A copy of a VM's disk attached as a data disk is offline until someone brings it online (SAN policy
  // "Offline Shared" on Windows Server: Microsoft docs, "SAN policy").
  return {
    sizeGiB,
    partitionStyle: generation === 1 ? 'MBR' : 'GPT',
    signature: generation === 1 ? 0x1a2b3c4d : 0,
    guid: generation === 2 ? '{0b8e6c2d-1f3a-4b5c-8d7e-9f0a1b2c3d4e}' : '',
    online: false,
    readOnly: false,
    partitions,
  };
}

/** Attaches `disk` to the rescue VM's bay at `lun`, giving it the rescue OS disk's identity when asked to collide. */
export function attachOfflineDisk(
  bay: DiskBay,
  lun: number,
  disk: OfflineDisk,
  options: { collidesWithRescueOsDisk?: boolean } = {},
): void {
  if (bay.byLun.has(lun)) throw new Error(`SIMULATED: LUN ${lun} is already in use`);
  if (options.collidesWithRescueOsDisk) {
    if (disk.partitionStyle === 'MBR') disk.signature = bay.osDisk.signature;
    else disk.guid = bay.osDisk.guid;
  }
  bay.byLun.set(lun, disk);
}

export { hiveKey };
