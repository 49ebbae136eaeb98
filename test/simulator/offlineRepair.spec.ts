/**
 * The simulated offline repair: the attached disk's layouts (Gen1 MBR, Gen2 GPT), a signature collision, two
 * Windows installations, a BitLocker-locked volume, and each finding kind found -> fixed -> found again healthy,
 * through Run Command's protocol (string parameters in, the result line out, parsed by the app's own parser).
 */
import { parseGuestResult } from '../../src/guest/scriptResults';
import { toRunCommandParameters } from '../../src/guest/scriptParameters';
import type { OfflineCheck, OfflineRepairParams, OfflineRepairResult } from '../../src/guest/scriptContracts';
import { SimulatedWindowsGuest, runGuestScript } from '../../src/simulator/guest';
import {
  attachOfflineDisk,
  buildOfflineDisk,
  guestViewOfDisk,
  offlineDiskFromGuest,
  readDword,
  readValue,
  RDP_CERT_THUMBPRINT,
  subKeyNames,
  type OfflineDisk,
  type OfflineDiskSpec,
  type OfflineFault,
} from '../../src/simulator/guest/offlineDisk';

const NOW = Date.UTC(2026, 0, 5, 3);
const LUN = 3;

function rescueWith(spec: OfflineDiskSpec, collide = false): { rescue: SimulatedWindowsGuest; disk: OfflineDisk } {
  const rescue = new SimulatedWindowsGuest({}, { nowMs: NOW });
  const disk = buildOfflineDisk({ nowMs: NOW, ...spec });
  attachOfflineDisk(rescue.disks, LUN, disk, { collidesWithRescueOsDisk: collide });
  return { rescue, disk };
}

function run(rescue: SimulatedWindowsGuest, overrides: Partial<OfflineRepairParams> = {}): OfflineRepairResult {
  const params: OfflineRepairParams = {
    Lun: LUN,
    DiskSizeGiB: 127,
    Generation: 2,
    RunId: 'run-1',
    DetectOnly: false,
    AllowLegacyTls: false,
    ...overrides,
  };
  const outcome = runGuestScript(rescue, 'offline-repair', toRunCommandParameters('offline-repair', params), NOW);
  expect(outcome.exitCode).toBe(0);
  const lastLine = outcome.stdout.trimEnd().split('\n').pop()!;
  expect(Buffer.byteLength(lastLine, 'utf8')).toBeLessThan(3 * 1024);
  const parsed = parseGuestResult('offline-repair', outcome.stdout);
  if (!parsed.ok) throw new Error(`result did not parse: ${parsed.detail}`);
  return parsed.result;
}

function verdictOf(result: OfflineRepairResult, check: OfflineCheck): string | undefined {
  return result.findings.find((f) => f.check === check)?.verdict;
}

function windowsOf(disk: OfflineDisk) {
  return disk.partitions.find((p) => p.windows !== null)!;
}

/** Each fault, the check that must find it, and what the disk must look like once fixed. */
const FAULTS: [OfflineFault, OfflineCheck, 'fixed' | 'enabled', (disk: OfflineDisk) => void][] = [
  [
    'tls12-disabled',
    'tls',
    'fixed',
    (d) => {
      const path = 'ControlSet001\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server';
      expect(readDword(windowsOf(d).windows!.hives.SYSTEM, path, 'Enabled')).toBe(1);
      expect(readDword(windowsOf(d).windows!.hives.SYSTEM, path, 'DisabledByDefault')).toBe(0);
    },
  ],
  [
    'listener-invalid',
    'rdp-listener',
    'fixed',
    (d) => {
      const path = 'ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
      const hive = windowsOf(d).windows!.hives.SYSTEM;
      expect([
        readDword(hive, path, 'PortNumber'),
        readDword(hive, path, 'SecurityLayer'),
        readDword(hive, path, 'UserAuthentication'),
      ]).toEqual([3389, 1, 1]);
    },
  ],
  [
    'pinned-certificate-expired',
    'rdp-certificate-pin',
    'fixed',
    (d) => {
      expect(
        readValue(
          windowsOf(d).windows!.hives.SYSTEM,
          'ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp',
          'SSLCertificateSHA1Hash',
        ),
      ).toBeUndefined();
    },
  ],
  [
    'deny-connections',
    'deny-ts-connections',
    'fixed',
    (d) => {
      expect(readDword(windowsOf(d).windows!.hives.SYSTEM, 'ControlSet001\\Control\\Terminal Server', 'fDenyTSConnections')).toBe(0);
    },
  ],
  [
    'deny-connections-policy',
    'deny-ts-connections',
    'fixed',
    (d) => {
      expect(
        readDword(windowsOf(d).windows!.hives.SOFTWARE, 'Policies\\Microsoft\\Windows NT\\Terminal Services', 'fDenyTSConnections'),
      ).toBe(0);
    },
  ],
  [
    'rdp-service-disabled',
    'services',
    'fixed',
    (d) => {
      expect(readDword(windowsOf(d).windows!.hives.SYSTEM, 'ControlSet001\\Services\\TermService', 'Start')).toBe(3);
    },
  ],
  [
    'guest-agent-disabled',
    'services',
    'fixed',
    (d) => {
      const hive = windowsOf(d).windows!.hives.SYSTEM;
      expect([
        readDword(hive, 'ControlSet001\\Services\\WindowsAzureGuestAgent', 'Start'),
        readDword(hive, 'ControlSet001\\Services\\RdAgent', 'Start'),
      ]).toEqual([2, 2]);
    },
  ],
  [
    'rdp-certificate-expired',
    'rdp-certificate',
    'fixed',
    (d) => {
      expect(subKeyNames(windowsOf(d).windows!.hives.SOFTWARE, 'Microsoft\\SystemCertificates\\Remote Desktop\\Certificates')).toEqual([]);
    },
  ],
  [
    'rdp-key-missing',
    'rdp-certificate',
    'fixed',
    (d) => {
      expect(
        subKeyNames(windowsOf(d).windows!.hives.SOFTWARE, 'Microsoft\\SystemCertificates\\Remote Desktop\\Certificates'),
      ).not.toContain(RDP_CERT_THUMBPRINT);
    },
  ],
  [
    'machinekeys-acl-stripped',
    'machinekeys-acl',
    'fixed',
    (d) => {
      const acl = windowsOf(d).windows!.machineKeys[0]!.acl;
      // Build 20348: the build's own third entry is NT SERVICE\SessionEnv Full, never Administrators Full.
      expect(acl).toMatchObject({ system: 'F', networkService: 'R', sessionEnv: 'F', administrators: null });
    },
  ],
  [
    'crash-dump-off',
    'crash-dump',
    'enabled',
    (d) => {
      expect(readDword(windowsOf(d).windows!.hives.SYSTEM, 'ControlSet001\\Control\\CrashControl', 'CrashDumpEnabled')).toBe(1);
    },
  ],
  [
    'ems-off',
    'boot-ems',
    'enabled',
    (d) => {
      const bcd = d.partitions.find((p) => p.bcd !== null)!.bcd!;
      expect(bcd.bootmgr.timeout).toBe(5);
      expect(Object.values(bcd.loaders).every((l) => l.ems === true)).toBe(true);
      expect(bcd.emssettings).toEqual({ emsport: 1, emsbaudrate: 115200 });
    },
  ],
];

describe('offline-repair: each finding is found, fixed, then found healthy', () => {
  it.each(FAULTS)('%s -> %s', (fault, check, fixedVerdict, isFixed) => {
    const { rescue, disk } = rescueWith({ faults: [fault] });
    const detected = run(rescue, { DetectOnly: true });
    expect(verdictOf(detected, check)).toBe('broken');
    expect(detected.changes).toEqual([]);
    expect(detected.planned.length).toBeGreaterThan(0);

    const fixed = run(rescue);
    expect(fixed.ok).toBe(true);
    expect(verdictOf(fixed, check)).toBe(fixedVerdict);
    expect(fixed.changes.length).toBeGreaterThan(0);
    for (const change of fixed.changes) expect(Object.keys(change).sort()).toEqual(['after', 'before', 'name', 'path']);
    isFixed(disk);

    const again = run(rescue, { RunId: 'run-2' });
    expect(verdictOf(again, check)).toBe('healthy');
    expect(again.changes).toEqual([]);
    expect(again.findings.every((f) => f.verdict === 'healthy')).toBe(true);
  });
});

describe('offline-repair: the attached disk', () => {
  it('Gen1 (MBR): the BCD store on the active System Reserved partition is the one enabled', () => {
    const { rescue, disk } = rescueWith({ generation: 1, faults: ['ems-off'] });
    const result = run(rescue, { Generation: 1 });
    expect(result.disk.partitionStyle).toBe('MBR');
    expect(verdictOf(result, 'boot-ems')).toBe('enabled');
    expect(disk.partitions.find((p) => p.active)!.bcd!.bootmgr.bootems).toBe(true);
  });

  it('a generation that does not match the partition style changes nothing', () => {
    const { rescue, disk } = rescueWith({ generation: 1, faults: ['tls12-disabled'] });
    const before = structuredClone(disk);
    const result = run(rescue, { Generation: 2 });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/MBR.*generation 2/);
    expect(disk).toEqual(before);
  });

  it.each([1, 2] as const)('a signature collision (Gen%s) is resolved for the run and the original put back', (generation) => {
    const { rescue, disk } = rescueWith({ generation, faults: ['deny-connections'] }, true);
    const identity = { signature: disk.signature, guid: disk.guid };
    const result = run(rescue, { Generation: generation });
    expect(result.disk).toMatchObject({ signatureCollision: true, signatureRestored: true });
    expect(verdictOf(result, 'deny-ts-connections')).toBe('fixed');
    expect({ signature: disk.signature, guid: disk.guid }).toEqual(identity);
  });

  it('two Windows installations are a clear failure naming both, with no change', () => {
    const { rescue, disk } = rescueWith({ windowsInstalls: 2, faults: ['tls12-disabled'] });
    const before = structuredClone(disk);
    const result = run(rescue);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/found 2 partition \d+, partition \d+/);
    expect(result.changes).toEqual([]);
    expect(disk).toEqual(before);
  });

  it('no Windows at all is a clear failure', () => {
    const { rescue } = rescueWith({ windowsInstalls: 0 });
    expect(run(rescue).message).toMatch(/expected one Windows installation on disk \d+, found 0/);
  });

  it('a BitLocker-locked volume is a clear failure, nothing changed', () => {
    const { rescue, disk } = rescueWith({ bitlockerLocked: true, faults: ['tls12-disabled'] });
    const before = structuredClone(disk);
    const result = run(rescue);
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/BitLocker-locked/);
    expect(disk).toEqual(before);
  });

  it('a disk of another size at the LUN is not touched', () => {
    const { rescue, disk } = rescueWith({ sizeGiB: 256, faults: ['tls12-disabled'] });
    const before = structuredClone(disk);
    const result = run(rescue, { DiskSizeGiB: 127 });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/expected one 127 GiB disk at LUN 3/);
    expect(disk).toEqual(before);
  });

  it('edits the control set Select\\Current names, not ControlSet001', () => {
    const { rescue, disk } = rescueWith({ controlSet: 2, faults: ['deny-connections'] });
    const result = run(rescue);
    expect(result.windows.controlSets).toEqual(['ControlSet002']);
    const system = windowsOf(disk).windows!.hives.SYSTEM;
    expect(readDword(system, 'ControlSet002\\Control\\Terminal Server', 'fDenyTSConnections')).toBe(0);
    expect(result.changes.map((c) => c.path)).toContain('SYSTEM\\ControlSet002\\Control\\Terminal Server');
  });

  it('writes its restore folder: a .reg export per key changed, the ACL backup and the report', () => {
    const { rescue, disk } = rescueWith({ faults: ['deny-connections', 'machinekeys-acl-stripped'] });
    const result = run(rescue);
    const files = Object.keys(windowsOf(disk).files);
    expect(result.restorePath).toBe('\\rdp-autorepair\\run-1');
    expect(files).toEqual(
      expect.arrayContaining([
        '\\rdp-autorepair\\run-1\\report.json',
        '\\rdp-autorepair\\run-1\\machinekeys.acl',
        '\\rdp-autorepair\\run-1\\01.reg',
      ]),
    );
  });

  it('a detect-only run changes nothing but its report; a second fix run changes no value, only writes its report and BCD copy', () => {
    const all = FAULTS.map(([fault]) => fault);
    const { rescue, disk } = rescueWith({ faults: all });
    const withoutFiles = (d: OfflineDisk) => ({ ...d, partitions: d.partitions.map((p) => ({ ...p, files: {} })) });
    const pristine = structuredClone(disk);
    const detected = run(rescue, { DetectOnly: true });
    expect(detected.planned.length + detected.omitted).toBeGreaterThan(10);
    expect(withoutFiles(disk)).toEqual(withoutFiles(pristine));
    expect(Object.keys(windowsOf(disk).files)).toEqual(['\\rdp-autorepair\\run-1\\report.json']);

    expect(run(rescue, { RunId: 'run-2' }).changes.length).toBeGreaterThan(0);
    const afterFirst = structuredClone(disk);
    const second = run(rescue, { RunId: 'run-3' });
    expect(second.changes).toEqual([]);
    expect(withoutFiles(disk)).toEqual(withoutFiles(afterFirst));
    // The BCD store is copied before the WMI provider opens it, whether or not an element then changes.
    expect(
      Object.keys(windowsOf(disk).files)
        .filter((f) => f.startsWith('\\rdp-autorepair\\run-3\\'))
        .sort(),
    ).toEqual(['\\rdp-autorepair\\run-3\\BCD.backup', '\\rdp-autorepair\\run-3\\report.json']);
  });

  it('never lowers a valid stricter value (SecurityLayer 2 stays)', () => {
    const { rescue, disk } = rescueWith({});
    const result = run(rescue);
    expect(verdictOf(result, 'rdp-listener')).toBe('healthy');
    expect(
      readDword(windowsOf(disk).windows!.hives.SYSTEM, 'ControlSet001\\Control\\Terminal Server\\WinStations\\RDP-Tcp', 'SecurityLayer'),
    ).toBe(2);
  });

  it('MachineKeys per build: 14393 gets Administrators Read, never Full control', () => {
    const { rescue, disk } = rescueWith({ build: 14393, faults: ['machinekeys-acl-stripped'] });
    run(rescue);
    expect(windowsOf(disk).windows!.machineKeys[0]!.acl).toMatchObject({
      system: 'F',
      networkService: 'R',
      administrators: 'R',
      sessionEnv: null,
    });
  });

  it('a deny entry for NETWORK SERVICE is reported as failed, not hidden', () => {
    const { rescue } = rescueWith({ faults: ['machinekeys-network-service-denied'] });
    const result = run(rescue);
    expect(verdictOf(result, 'machinekeys-acl')).toBe('failed');
    expect(result.ok).toBe(false);
  });

  it('keeps the result line under 3 KB with every fault at once and counts what it left out', () => {
    const all = FAULTS.map(([fault]) => fault);
    const { rescue } = rescueWith({ faults: all, defaultControlSet: 2 });
    const result = run(rescue, { AllowLegacyTls: true });
    expect(result.windows.controlSets).toEqual(['ControlSet001', 'ControlSet002']);
    expect(result.omitted).toBeGreaterThan(0);
  });

  it('a parameter outside its contract stops the script before it starts (exit 1, nothing changed)', () => {
    const { rescue, disk } = rescueWith({ faults: ['tls12-disabled'] });
    const before = structuredClone(disk);
    const outcome = runGuestScript(
      rescue,
      'offline-repair',
      [
        { name: 'Lun', value: '64' },
        { name: 'DiskSizeGiB', value: '127' },
        { name: 'Generation', value: '2' },
        { name: 'RunId', value: 'r' },
        { name: 'DetectOnly', value: 'false' },
        { name: 'AllowLegacyTls', value: 'false' },
      ],
      NOW,
    );
    expect(outcome.exitCode).toBe(1);
    expect(disk).toEqual(before);
  });
});

describe("offline-repair on a copy of a simulated guest's OS disk", () => {
  it("the copy carries the guest's faults, the script repairs them, and a VM booting from it would find them repaired", () => {
    const broken = new SimulatedWindowsGuest(
      {
        tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
        certificate: 'corrupt-private-key',
        machineKeysAcl: 'broken',
        nla: { securityLayer: 2 },
      },
      { nowMs: NOW },
    );
    const copy = offlineDiskFromGuest(broken.read(), { generation: 2, sizeGiB: 127, nowMs: NOW });
    const rescue = new SimulatedWindowsGuest({}, { nowMs: NOW });
    attachOfflineDisk(rescue.disks, LUN, copy);

    const before = guestViewOfDisk(copy, ['TermService']);
    expect(before.tls['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
    expect(before.certificate).not.toBeNull();

    const result = run(rescue);
    expect(result.ok).toBe(true);
    expect(verdictOf(result, 'tls')).toBe('fixed');
    expect(verdictOf(result, 'rdp-certificate')).toBe('fixed');
    expect(verdictOf(result, 'machinekeys-acl')).toBe('fixed');

    const booted = guestViewOfDisk(copy, ['TermService']);
    expect(booted.tls['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
    expect(booted.certificate).toBeNull();
    expect(booted.machineKeys).toMatchObject({ systemFullControl: true, networkServiceRead: true });
    expect(booted.rdpTcp.securityLayer).toBe(2);
    // The broken guest itself is untouched: the repair worked on the copy.
    expect(broken.read().schannel.configured['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
  });
});
