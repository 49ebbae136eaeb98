/**
 * SIMULATED: the bridge between a simulated Windows guest and the copy of its OS disk. `offlineDiskFromGuest`
 * writes what the guest's state says into the hives, key container and BCD of a disk image (what a disk copy
 * taken while the VM is deallocated holds); `guestViewOfDisk` reads back, in the guest's vocabulary, what a VM
 * booting from that disk would find, so the disk-swap simulation can apply it to the guest. Only reads the
 * guest (DeepReadonly): nothing here changes a running guest.
 */
import type { TlsServerState, TlsVersion } from '../../../guest/scriptContracts';
import type { DeepReadonly } from '../windowsGuest';
import type { WindowsGuestState } from '../guestState';
import { TLS_VERSIONS } from '../guestState';
import { buildOfflineDisk } from './buildOfflineDisk';
import type { OfflineDisk, OfflineWindows } from './disk';
import { deleteKey, deleteValue, dword, readDword, readValue, subKeyNames, writeValue } from './hive';

export interface DiskCopyOptions {
  generation: 1 | 2;
  sizeGiB: number;
  nowMs: number;
}

function windowsOf(disk: OfflineDisk): OfflineWindows {
  const found = disk.partitions.filter((p) => p.windows !== null);
  if (found.length !== 1) throw new Error(`SIMULATED: the disk holds ${found.length} Windows installations, expected one`);
  return found[0]!.windows!;
}

function currentSet(windows: OfflineWindows): string {
  const current = readDword(windows.hives.SYSTEM, 'Select', 'Current') ?? 1;
  return `ControlSet${String(current).padStart(3, '0')}`;
}

/** A disk image holding the guest's registry, certificate and key container state. */
export function offlineDiskFromGuest(state: DeepReadonly<WindowsGuestState>, options: DiskCopyOptions): OfflineDisk {
  const build = Number.parseInt(state.os.build, 10);
  const disk = buildOfflineDisk({
    generation: options.generation,
    sizeGiB: options.sizeGiB,
    build: Number.isFinite(build) ? build : 20348,
    nowMs: options.nowMs,
  });
  const windows = windowsOf(disk);
  const system = windows.hives.SYSTEM;
  const software = windows.hives.SOFTWARE;
  const set = currentSet(windows);
  const rdpTcp = `${set}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`;
  writeValue(system, rdpTcp, 'PortNumber', dword(state.rdpTcp.portNumber));
  const nla: [string, number | null][] = [
    ['SecurityLayer', state.rdpTcp.securityLayer],
    ['UserAuthentication', state.rdpTcp.userAuthentication],
    ['fAllowSecProtocolNegotiation', state.rdpTcp.allowSecProtocolNegotiation],
  ];
  for (const [name, value] of nla) {
    if (value === null) deleteValue(system, rdpTcp, name);
    else writeValue(system, rdpTcp, name, dword(value));
  }
  if (state.rdpTcp.pinnedThumbprint !== null)
    writeValue(system, rdpTcp, 'SSLCertificateSHA1Hash', { kind: 'binary', data: state.rdpTcp.pinnedThumbprint });
  writeValue(system, `${set}\\Control\\Terminal Server`, 'fDenyTSConnections', dword(state.rdpTcp.fDenyTSConnections));
  for (const version of TLS_VERSIONS) {
    const configured = state.schannel.configured[version];
    const path = `${set}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${version}\\Server`;
    if (configured.enabled !== null) writeValue(system, path, 'Enabled', dword(configured.enabled));
    if (configured.disabledByDefault !== null) writeValue(system, path, 'DisabledByDefault', dword(configured.disabledByDefault));
  }
  for (const service of state.services) writeValue(system, `${set}\\Services\\${service.name}`, 'Start', dword(service.start));

  const store = 'Microsoft\\SystemCertificates\\Remote Desktop\\Certificates';
  for (const name of subKeyNames(software, store) ?? []) deleteKey(software, store, name);
  if (state.certificate !== null) {
    writeValue(software, `${store}\\${state.certificate.thumbprint}`, 'Blob', {
      kind: 'certificate',
      notAfter: state.certificate.notAfter,
    });
  }

  if (!state.machineKeys.rdpContainerFound) {
    windows.machineKeys = [];
  } else {
    const keyFile = windows.machineKeys[0]!;
    // A key that cannot be opened is modelled as an empty container file (what a damaged key looks like offline).
    if (state.certificate !== null && !state.certificate.keyIntact) keyFile.sizeBytes = 0;
    // The guest's icacls view ('-' = no entry) becomes the disk file's entries (null = no entry).
    const entry = (grant: 'F' | 'R' | '-'): 'F' | 'R' | null => (grant === '-' ? null : grant);
    const grants = state.machineKeys.grants;
    keyFile.acl = {
      system: entry(grants.system),
      networkService: entry(grants.networkService),
      administrators: entry(grants.administrators),
      sessionEnv: entry(grants.sessionEnv),
      networkServiceDenied: state.machineKeys.networkServiceDenied,
    };
  }
  return disk;
}

/** What a VM booting from `disk` would find, in the guest state's terms. */
export interface BootedDiskView {
  rdpTcp: {
    portNumber: number | null;
    fDenyTSConnections: number | null;
    securityLayer: number | null;
    userAuthentication: number | null;
    allowSecProtocolNegotiation: number | null;
    pinnedThumbprint: string | null;
  };
  /** fDenyTSConnections as the Group Policy copy sets it, or null when no policy sets it. */
  policyDenyTSConnections: number | null;
  tls: Record<TlsVersion, TlsServerState>;
  /** Start values by service name (null: the service key has no Start value). */
  serviceStarts: Record<string, number | null>;
  /** The Remote Desktop store's certificate (null: empty, Windows makes a new one at boot). */
  certificate: { thumbprint: string; notAfter: string } | null;
  machineKeys: { rdpContainerFound: boolean; systemFullControl: boolean; networkServiceRead: boolean; networkServiceDenied: boolean };
}

export function guestViewOfDisk(disk: OfflineDisk, serviceNames: readonly string[]): BootedDiskView {
  const windows = windowsOf(disk);
  const system = windows.hives.SYSTEM;
  const software = windows.hives.SOFTWARE;
  const set = currentSet(windows);
  const rdpTcp = `${set}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`;
  const pin = readValue(system, rdpTcp, 'SSLCertificateSHA1Hash');
  const tls = {} as Record<TlsVersion, TlsServerState>;
  for (const version of TLS_VERSIONS) {
    const path = `${set}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${version}\\Server`;
    tls[version] = { enabled: readDword(system, path, 'Enabled'), disabledByDefault: readDword(system, path, 'DisabledByDefault') };
  }
  const store = 'Microsoft\\SystemCertificates\\Remote Desktop\\Certificates';
  const thumbprint = (subKeyNames(software, store) ?? [])[0];
  const blob = thumbprint === undefined ? undefined : readValue(software, `${store}\\${thumbprint}`, 'Blob');
  const keyFile = windows.machineKeys.find((f) => f.name.toLowerCase().startsWith('f686aace'));
  return {
    rdpTcp: {
      portNumber: readDword(system, rdpTcp, 'PortNumber'),
      fDenyTSConnections: readDword(system, `${set}\\Control\\Terminal Server`, 'fDenyTSConnections'),
      securityLayer: readDword(system, rdpTcp, 'SecurityLayer'),
      userAuthentication: readDword(system, rdpTcp, 'UserAuthentication'),
      allowSecProtocolNegotiation: readDword(system, rdpTcp, 'fAllowSecProtocolNegotiation'),
      pinnedThumbprint: pin?.kind === 'binary' ? pin.data.toUpperCase() : null,
    },
    policyDenyTSConnections: readDword(software, 'Policies\\Microsoft\\Windows NT\\Terminal Services', 'fDenyTSConnections'),
    tls,
    serviceStarts: Object.fromEntries(serviceNames.map((name) => [name, readDword(system, `${set}\\Services\\${name}`, 'Start')])),
    certificate: thumbprint !== undefined && blob?.kind === 'certificate' ? { thumbprint, notAfter: blob.notAfter } : null,
    machineKeys: {
      rdpContainerFound: keyFile !== undefined,
      systemFullControl: keyFile?.acl.system === 'F',
      networkServiceRead: keyFile !== undefined && (keyFile.acl.networkService === 'R' || keyFile.acl.networkService === 'F'),
      networkServiceDenied: keyFile?.acl.networkServiceDenied ?? false,
    },
  };
}
