/**
 * SIMULATED: offline-repair.ps1 on a rescue VM: finds the disk attached at Lun (by size too), undoes a signature
 * collision with a temporary signature it puts back at the end, refuses a locked volume and zero or several
 * Windows installations, edits the control sets Select\Current and Select\Default name, and for each check
 * reads, then writes only what is broken (nothing in DetectOnly), recording { path, name, before, after }.
 * Its restore folder (\rdp-autorepair\<RunId>) gets a .reg export per key changed, the ACL and BCD backups and
 * the report. The rules are the script's, restated here from the same sources (this model never imports the
 * app's decisions); the result line is capped at 3 KB of serialized bytes as the script caps it.
 * Not modelled: hive load failures (a hive in use), partial writes, the resource disk at the same LUN.
 */
import type { OfflineCheck, OfflineFinding, OfflineRepairResult, OfflineVerdict, RecordedChange } from '../../../guest/scriptContracts';
import type { BcdStoreState, OfflineDisk, OfflinePartition, OfflineWindows } from '../offlineDisk/disk';
import { healthyKeyAcl } from '../offlineDisk/buildOfflineDisk';
import {
  deleteKey,
  deleteValue,
  dword,
  expandText,
  readDword,
  readValue,
  subKeyNames,
  writeValue,
  type HiveKey,
  type HiveValue,
} from '../offlineDisk/hive';
import { ScriptFailure, limitText, type ScriptModel } from './scriptModel';

const RESULT_BYTE_LIMIT = 3000;
const RDP_KEY_PREFIX = 'f686aace6942fb7f7ceb231212eef4a4_';

type Params = { Lun: number; DiskSizeGiB: number; Generation: number; RunId: string; DetectOnly: boolean; AllowLegacyTls: boolean };

class Run {
  readonly findings: OfflineFinding[] = [];
  readonly changes: RecordedChange[] = [];
  readonly planned: RecordedChange[] = [];
  readonly exported = new Set<string>();
  bcdBackedUp = false;

  constructor(
    readonly params: Params,
    readonly windows: OfflineWindows,
    readonly volume: OfflinePartition,
    readonly restoreDir: string,
    readonly nowMs: number,
  ) {}

  hive(name: 'SYSTEM' | 'SOFTWARE'): HiveKey {
    return this.windows.hives[name];
  }

  finding(check: OfflineCheck, broken: string[], enablement = false): void {
    const verdict: OfflineVerdict = broken.length === 0 ? 'healthy' : this.params.DetectOnly ? 'broken' : enablement ? 'enabled' : 'fixed';
    this.findings.push({ check, verdict, detail: broken.length === 0 ? null : limitText(broken.join('; '), 160) });
  }

  add(check: OfflineCheck, verdict: OfflineVerdict, detail: string | null): void {
    this.findings.push({ check, verdict, detail: detail === null ? null : limitText(detail, 160) });
  }

  private exportOnce(hive: string, path: string): void {
    const key = `${hive}\\${path}`;
    if (this.exported.has(key)) return;
    this.exported.add(key);
    this.volume.files[`${this.restoreDir}\\${String(this.exported.size).padStart(2, '0')}.reg`] = `SIMULATED reg export of ${key}`;
  }

  set(hive: 'SYSTEM' | 'SOFTWARE', path: string, name: string, value: HiveValue): void {
    const before = recordOf(readValue(this.hive(hive), path, name));
    const after = recordOf(value);
    const record = { path: `${hive}\\${path}`, name, before, after };
    if (this.params.DetectOnly) {
      this.planned.push(record);
      return;
    }
    this.exportOnce(hive, path);
    writeValue(this.hive(hive), path, name, value);
    this.changes.push(record);
  }

  removeValue(hive: 'SYSTEM' | 'SOFTWARE', path: string, name: string): void {
    const record = { path: `${hive}\\${path}`, name, before: recordOf(readValue(this.hive(hive), path, name)), after: null };
    if (this.params.DetectOnly) {
      this.planned.push(record);
      return;
    }
    this.exportOnce(hive, path);
    deleteValue(this.hive(hive), path, name);
    this.changes.push(record);
  }

  removeKey(hive: 'SYSTEM' | 'SOFTWARE', parent: string, name: string): void {
    const record = { path: `${hive}\\${parent}\\${name}`, name: 'Certificate', before: 'present', after: null };
    if (this.params.DetectOnly) {
      this.planned.push(record);
      return;
    }
    this.exportOnce(hive, `${parent}\\${name}`);
    deleteKey(this.hive(hive), parent, name);
    this.changes.push(record);
  }
}

function recordOf(value: HiveValue | undefined): string | number | null {
  if (value === undefined) return null;
  if (value.kind === 'dword') return value.data;
  if (value.kind === 'certificate') return 'certificate';
  return limitText(value.data, 100);
}

function certificateState(run: Run, store: string, thumbprint: string): 'missing' | 'unreadable' | 'expired' | 'valid' {
  const blob = readValue(run.hive('SOFTWARE'), `Microsoft\\SystemCertificates\\${store}\\Certificates\\${thumbprint}`, 'Blob');
  if (blob === undefined) return 'missing';
  if (blob.kind !== 'certificate') return 'unreadable';
  return Date.parse(blob.notAfter) < run.nowMs ? 'expired' : 'valid';
}

function checkTls(run: Run, sets: string[]): void {
  const versions = run.params.AllowLegacyTls ? ['TLS 1.2', 'TLS 1.0', 'TLS 1.1'] : ['TLS 1.2'];
  const broken: string[] = [];
  for (const set of sets) {
    for (const version of versions) {
      const path = `${set}\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\${version}\\Server`;
      const enabled = readDword(run.hive('SYSTEM'), path, 'Enabled');
      const disabledByDefault = readDword(run.hive('SYSTEM'), path, 'DisabledByDefault');
      if (enabled === 0) {
        broken.push(`${version} Enabled=0`);
        run.set('SYSTEM', path, 'Enabled', dword(1));
      }
      if (disabledByDefault !== null && disabledByDefault !== 0) {
        broken.push(`${version} DisabledByDefault=${disabledByDefault}`);
        run.set('SYSTEM', path, 'DisabledByDefault', dword(0));
      }
    }
  }
  run.finding('tls', broken);
}

const LISTENER_RULES: { name: string; min: number; max: number; repair: number }[] = [
  { name: 'PortNumber', min: 1, max: 65535, repair: 3389 },
  { name: 'SecurityLayer', min: 0, max: 2, repair: 1 },
  { name: 'UserAuthentication', min: 0, max: 1, repair: 1 },
  { name: 'fAllowSecProtocolNegotiation', min: 0, max: 1, repair: 1 },
  { name: 'MinEncryptionLevel', min: 1, max: 4, repair: 2 },
];

function checkListener(run: Run, sets: string[]): void {
  const broken: string[] = [];
  for (const set of sets) {
    const path = `${set}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`;
    if (subKeyNames(run.hive('SYSTEM'), path) === null) {
      run.add('rdp-listener', 'broken', 'the RDP-Tcp key is missing; not recreated');
      return;
    }
    for (const rule of LISTENER_RULES) {
      const value = readDword(run.hive('SYSTEM'), path, rule.name);
      if (value === null || value < rule.min || value > rule.max) {
        broken.push(`${rule.name}=${value ?? ''}`);
        run.set('SYSTEM', path, rule.name, dword(rule.repair));
      }
    }
  }
  run.finding('rdp-listener', broken);
}

function checkPin(run: Run, sets: string[]): void {
  const broken: string[] = [];
  for (const set of sets) {
    const path = `${set}\\Control\\Terminal Server\\WinStations\\RDP-Tcp`;
    const pin = readValue(run.hive('SYSTEM'), path, 'SSLCertificateSHA1Hash');
    if (pin?.kind !== 'binary') continue;
    const state = certificateState(run, 'My', pin.data.toUpperCase());
    if (state !== 'valid') {
      broken.push(`pinned ${pin.data.slice(0, 8)} is ${state}`);
      run.removeValue('SYSTEM', path, 'SSLCertificateSHA1Hash');
    }
  }
  run.finding('rdp-certificate-pin', broken);
}

function checkDeny(run: Run, sets: string[]): void {
  const broken: string[] = [];
  for (const set of sets) {
    const path = `${set}\\Control\\Terminal Server`;
    const deny = readDword(run.hive('SYSTEM'), path, 'fDenyTSConnections');
    if (deny !== null && deny !== 0) {
      broken.push(`fDenyTSConnections=${deny}`);
      run.set('SYSTEM', path, 'fDenyTSConnections', dword(0));
    }
  }
  const policyPath = 'Policies\\Microsoft\\Windows NT\\Terminal Services';
  const policy = readDword(run.hive('SOFTWARE'), policyPath, 'fDenyTSConnections');
  if (policy !== null && policy !== 0) {
    broken.push(`policy fDenyTSConnections=${policy} (a domain GPO may set it again)`);
    run.set('SOFTWARE', policyPath, 'fDenyTSConnections', dword(0));
  }
  run.finding('deny-ts-connections', broken);
}

const SERVICE_RULES: { name: string; allowed: number[]; repair: number }[] = [
  { name: 'TermService', allowed: [2, 3], repair: 3 },
  { name: 'SessionEnv', allowed: [2, 3], repair: 3 },
  { name: 'UmRdpService', allowed: [2, 3], repair: 3 },
  { name: 'WindowsAzureGuestAgent', allowed: [2], repair: 2 },
  { name: 'RdAgent', allowed: [2], repair: 2 },
];

function checkServices(run: Run, sets: string[]): void {
  const broken: string[] = [];
  const missing = new Set<string>();
  for (const set of sets) {
    for (const rule of SERVICE_RULES) {
      const path = `${set}\\Services\\${rule.name}`;
      const start = readDword(run.hive('SYSTEM'), path, 'Start');
      if (start === null) {
        missing.add(rule.name);
        continue;
      }
      if (!rule.allowed.includes(start)) {
        broken.push(`${rule.name} Start=${start}`);
        run.set('SYSTEM', path, 'Start', dword(rule.repair));
      }
    }
  }
  if (missing.size > 0) {
    run.add('services', 'broken', `not installed: ${[...missing].sort().join(', ')}; ${broken.join('; ')}`);
    return;
  }
  run.finding('services', broken);
}

function checkCertificate(run: Run): void {
  const store = 'Microsoft\\SystemCertificates\\Remote Desktop\\Certificates';
  const thumbprints = subKeyNames(run.hive('SOFTWARE'), store) ?? [];
  if (thumbprints.length === 0) {
    run.add('rdp-certificate', 'healthy', 'no self-signed RDP certificate');
    return;
  }
  const guid = readValue(run.hive('SOFTWARE'), 'Microsoft\\Cryptography', 'MachineGuid');
  const keyName = guid?.kind === 'string' ? RDP_KEY_PREFIX + guid.data : null;
  const keyUsable =
    keyName !== null && run.windows.machineKeys.some((f) => f.name.toLowerCase() === keyName.toLowerCase() && f.sizeBytes > 0);
  const broken: string[] = [];
  for (const thumbprint of thumbprints) {
    const state = certificateState(run, 'Remote Desktop', thumbprint);
    const why = state !== 'valid' ? state : keyUsable ? null : 'key container missing or empty';
    if (why !== null) {
      broken.push(`${thumbprint.slice(0, 8)} ${why}`);
      run.removeKey('SOFTWARE', store, thumbprint);
    }
  }
  run.finding('rdp-certificate', broken);
}

function accessSummary(acl: OfflineWindows['machineKeys'][number]['acl']): string {
  const network = !acl.networkServiceDenied && (acl.networkService === 'R' || acl.networkService === 'F') ? 'R' : '-';
  return `SYSTEM=${acl.system === 'F' ? 'F' : '-'};NETWORK SERVICE=${network}`;
}

function checkMachineKeys(run: Run, build: number | null): void {
  const files = run.windows.machineKeys.filter((f) => f.name.toLowerCase().startsWith('f686aace'));
  if (files.length === 0) {
    run.add('machinekeys-acl', 'healthy', 'no RDP key container (Windows creates one)');
    return;
  }
  const needing = files.filter((f) => accessSummary(f.acl) !== 'SYSTEM=F;NETWORK SERVICE=R');
  if (needing.length === 0) {
    run.add('machinekeys-acl', 'healthy', null);
    return;
  }
  const broken = needing.map((f) => `${f.name.slice(0, 8)} ${accessSummary(f.acl)}`);
  // The build's own entries, added (icacls /grant): what a healthy image of that build has (healthyKeyAcl).
  const wanted = healthyKeyAcl(build ?? 0);
  const grants = ['*S-1-5-18:(F)', '*S-1-5-20:(R)'];
  if (build !== null && build <= 14393) grants.push('*S-1-5-32-544:(R)');
  if (build !== null && build >= 17763) grants.push('*S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833:(F)');
  const relative = '\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys';
  if (run.params.DetectOnly) {
    for (const file of needing)
      run.planned.push({ path: `${relative}\\${file.name}`, name: 'ACL', before: accessSummary(file.acl), after: grants.join(' ') });
    run.add('machinekeys-acl', 'broken', broken.join('; '));
    return;
  }
  run.volume.files[`${run.restoreDir}\\machinekeys.acl`] = `SIMULATED icacls /save of ${files.length} f686aace* file(s)`;
  const stillBroken: string[] = [];
  for (const file of needing) {
    const before = accessSummary(file.acl);
    file.acl = {
      system: 'F',
      networkService: file.acl.networkService === 'F' ? 'F' : 'R',
      administrators: file.acl.administrators ?? (build !== null && build <= 14393 ? wanted.administrators : null),
      sessionEnv: file.acl.sessionEnv ?? (build !== null && build >= 17763 ? wanted.sessionEnv : null),
      networkServiceDenied: file.acl.networkServiceDenied,
    };
    const after = accessSummary(file.acl);
    run.changes.push({ path: `${relative}\\${file.name}`, name: 'ACL', before, after });
    if (after !== 'SYSTEM=F;NETWORK SERVICE=R') stillBroken.push(`${file.name.slice(0, 8)} ${after}`);
  }
  if (stillBroken.length > 0) run.add('machinekeys-acl', 'failed', `still denied or missing: ${stillBroken.join('; ')}`);
  else run.add('machinekeys-acl', 'fixed', broken.join('; '));
}

function checkCrashDump(run: Run, sets: string[]): void {
  const enabled: string[] = [];
  for (const set of sets) {
    const path = `${set}\\Control\\CrashControl`;
    const dump = readDword(run.hive('SYSTEM'), path, 'CrashDumpEnabled');
    if (dump === null || dump === 0) {
      enabled.push(`CrashDumpEnabled=${dump ?? ''}`);
      run.set('SYSTEM', path, 'CrashDumpEnabled', dword(1));
    }
    const file = readValue(run.hive('SYSTEM'), path, 'DumpFile');
    if (file === undefined || (file.kind !== 'dword' && file.kind !== 'certificate' && file.data === '')) {
      enabled.push('DumpFile absent');
      run.set('SYSTEM', path, 'DumpFile', expandText('%SystemRoot%\\MEMORY.DMP'));
    }
    const nmi = readDword(run.hive('SYSTEM'), path, 'NMICrashDump');
    if (nmi === null || nmi === 0) {
      enabled.push(`NMICrashDump=${nmi ?? ''}`);
      run.set('SYSTEM', path, 'NMICrashDump', dword(1));
    }
  }
  run.finding('crash-dump', enabled, true);
}

function checkBcd(run: Run, bcd: BcdStoreState | null, systemPartition: OfflinePartition | null): void {
  if (bcd === null || systemPartition === null) {
    run.add('boot-ems', 'not-checked', 'no BCD store on the disk');
    return;
  }
  if (!run.params.DetectOnly) run.volume.files[`${run.restoreDir}\\BCD.backup`] = 'SIMULATED copy of the BCD store';
  const enabled: string[] = [];
  const write = (label: string, name: string, before: boolean | number | null, after: number, apply: () => void): void => {
    enabled.push(name);
    const beforeRecord = typeof before === 'boolean' ? Number(before) : before;
    const record = { path: `BCD ${label}`, name, before: beforeRecord, after };
    if (run.params.DetectOnly) {
      run.planned.push(record);
      return;
    }
    apply();
    run.changes.push(record);
  };
  if (bcd.bootmgr.displaybootmenu !== true)
    write('{bootmgr}', 'displaybootmenu', bcd.bootmgr.displaybootmenu, 1, () => (bcd.bootmgr.displaybootmenu = true));
  if (bcd.bootmgr.timeout === null || bcd.bootmgr.timeout === 0)
    write('{bootmgr}', 'timeout', bcd.bootmgr.timeout, 5, () => (bcd.bootmgr.timeout = 5));
  if (bcd.bootmgr.bootems !== true) write('{bootmgr}', 'bootems', bcd.bootmgr.bootems, 1, () => (bcd.bootmgr.bootems = true));
  const loaderId = bcd.bootmgr.defaultLoader;
  const loader = loaderId === null ? undefined : bcd.loaders[loaderId];
  if (loader === undefined) {
    run.add('boot-ems', 'not-checked', 'no {default} boot loader in the BCD store');
    return;
  }
  if (loader.ems !== true) write('{default}', 'ems', loader.ems, 1, () => (loader.ems = true));
  const ems = bcd.emssettings;
  if (ems !== null) {
    if (ems.emsport === null) write('{emssettings}', 'emsport', null, 1, () => (ems.emsport = 1));
    if (ems.emsbaudrate === null) write('{emssettings}', 'emsbaudrate', null, 115200, () => (ems.emsbaudrate = 115200));
  }
  run.finding('boot-ems', enabled, true);
}

/** Bytes of the line as Windows PowerShell 5.1 writes it: ConvertTo-Json escapes ' < > & as \u00XX. */
function serializedBytes(value: unknown): number {
  const json = JSON.stringify(value);
  return Buffer.byteLength(json, 'utf8') + 5 * (json.match(/['<>&]/g)?.length ?? 0);
}

function findDisk(disks: Map<number, OfflineDisk>, params: Params): OfflineDisk {
  const disk = disks.get(params.Lun);
  if (disk === undefined || Math.round(disk.sizeGiB) !== params.DiskSizeGiB) {
    const seen = disk === undefined ? '' : `disk 2 (${Math.round(disk.sizeGiB)} GiB)`;
    throw new ScriptFailure(`expected one ${params.DiskSizeGiB} GiB disk at LUN ${params.Lun}, found 0: ${seen}`);
  }
  return disk;
}

export const offlineRepairModel: ScriptModel<'offline-repair'> = {
  name: 'offline-repair',
  readOnly: false,
  // Estimate: disk online, letters, two hive loads and unloads, a few hundred registry reads: ~20 s.
  workMs: 20_000,
  run: (guest, params, context) => {
    const result: OfflineRepairResult = {
      script: 'offline-repair',
      ok: false,
      message: '',
      detectOnly: params.DetectOnly,
      disk: { number: null, partitionStyle: null, signatureCollision: false, signatureRestored: null },
      windows: { build: null, controlSets: [] },
      findings: [],
      changes: [],
      planned: [],
      omitted: 0,
      restorePath: null,
      reportPath: null,
    };
    let disk: OfflineDisk | undefined;
    let original: { signature: number; guid: string } | null = null;
    let run: Run | null = null;
    const lettered: OfflinePartition[] = [];
    try {
      disk = findDisk(guest.disks.byLun, params);
      // Disk numbers on the rescue VM: 0 its OS disk, 1 its resource disk, data disks after them.
      result.disk.number = 2;
      result.disk.partitionStyle = disk.partitionStyle;
      const expected = params.Generation === 2 ? 'GPT' : 'MBR';
      if (disk.partitionStyle !== expected) {
        throw new ScriptFailure(
          `disk 2 is ${disk.partitionStyle}, a generation ${params.Generation} VM boots from ${expected}: wrong disk or wrong generation`,
        );
      }
      const os = guest.disks.osDisk;
      const collides = disk.partitionStyle === 'MBR' ? disk.signature !== 0 && disk.signature === os.signature : disk.guid === os.guid;
      if (collides) {
        result.disk.signatureCollision = true;
        result.disk.signatureRestored = false;
        original = { signature: disk.signature, guid: disk.guid };
        if (disk.partitionStyle === 'MBR') disk.signature = (os.signature + 1) >>> 0;
        else disk.guid = '{00000000-0000-4000-8000-0000000000ff}';
      }
      disk.online = true;
      disk.readOnly = false;

      const unreadable: string[] = [];
      const installs: OfflinePartition[] = [];
      for (const partition of disk.partitions) {
        if (partition.role === 'efi') continue;
        if (partition.bitlockerLocked) {
          unreadable.push(`partition ${partition.number} is BitLocker-locked`);
          continue;
        }
        if (partition.fileSystem === null) continue;
        if (partition.driveLetter === null) lettered.push(partition);
        if (partition.windows !== null) installs.push(partition);
      }
      if (unreadable.length > 0) throw new ScriptFailure(`cannot repair: ${unreadable.join('; ')}; an encrypted disk needs its key first`);
      if (installs.length !== 1) {
        throw new ScriptFailure(
          `expected one Windows installation on disk 2, found ${installs.length} ` +
            `${installs.map((p) => `partition ${p.number}`).join(', ')}`,
        );
      }
      const volume = installs[0]!;
      const windows = volume.windows!;
      const systemPartitions = disk.partitions.filter((p) => (params.Generation === 2 ? p.role === 'efi' : p.active));
      const systemPartition = systemPartitions.length === 1 ? systemPartitions[0]! : null;

      const restoreDir = `\\rdp-autorepair\\${params.RunId}`;
      result.restorePath = restoreDir;
      result.reportPath = `${restoreDir}\\report.json`;
      run = new Run(params, windows, volume, restoreDir, context.nowMs);

      const system = windows.hives.SYSTEM;
      const sets: string[] = [];
      for (const selector of ['Current', 'Default']) {
        const number = readDword(system, 'Select', selector);
        if (number === null) continue;
        const name = `ControlSet${String(number).padStart(3, '0')}`;
        if (!sets.includes(name) && subKeyNames(system, name) !== null) sets.push(name);
      }
      if (sets.length === 0) throw new ScriptFailure('the SYSTEM hive names no existing control set in Select\\Current');
      result.windows.controlSets = sets;
      const buildValue = readValue(windows.hives.SOFTWARE, 'Microsoft\\Windows NT\\CurrentVersion', 'CurrentBuildNumber');
      const build = buildValue?.kind === 'string' && /^\d+$/.test(buildValue.data) ? Number(buildValue.data) : null;
      result.windows.build = build;

      checkTls(run, sets);
      checkListener(run, sets);
      checkPin(run, sets);
      checkDeny(run, sets);
      checkServices(run, sets);
      checkCertificate(run);
      checkMachineKeys(run, build);
      checkCrashDump(run, sets);
      if (systemPartition === null) run.add('boot-ems', 'not-checked', `expected one system partition, found ${systemPartitions.length}`);
      else checkBcd(run, systemPartition.bcd, systemPartition);

      const failed = run.findings.filter((f) => f.verdict === 'failed');
      result.ok = failed.length === 0;
      result.message = params.DetectOnly
        ? 'detect only: nothing changed on the disk but the report'
        : run.changes.length === 0
          ? 'every check healthy: nothing changed'
          : `${run.changes.length} value(s) changed; the restore folder holds the .reg exports, ACL and BCD backups`;
      if (!result.ok) result.message = `some writes did not take: ${failed.map((f) => f.check).join(', ')}`;
    } catch (err) {
      if (!(err instanceof ScriptFailure)) throw err;
      result.ok = false;
      result.message = limitText(`offline-repair failed: ${err.message}`, 400);
    } finally {
      if (run !== null) {
        run.volume.files[`${run.restoreDir}\\report.json`] = JSON.stringify({
          result,
          findings: run.findings,
          changes: run.changes,
          planned: run.planned,
        });
      }
      // Letters given for the run are removed again; the original signature goes back; the disk goes offline again.
      for (const partition of lettered) partition.driveLetter = null;
      if (disk !== undefined && original !== null) {
        disk.signature = original.signature;
        disk.guid = original.guid;
        result.disk.signatureRestored = true;
      }
      if (disk !== undefined) disk.online = false;
    }
    result.findings = run?.findings ?? [];
    const changes = [...(run?.changes ?? [])];
    const planned = [...(run?.planned ?? [])];
    result.changes = changes;
    result.planned = planned;
    while (serializedBytes(result) > RESULT_BYTE_LIMIT && changes.length + planned.length > 0) {
      if (planned.length > 0) planned.pop();
      else changes.pop();
      result.omitted += 1;
      result.changes = [...changes];
      result.planned = [...planned];
    }
    return { result, lines: [] };
  },
};
