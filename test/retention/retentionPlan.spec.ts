import type { RetainedResource, RetentionSettings } from '../../src/domain/retention';
import { readRetentionSettings } from '../../src/domain/config';
import { ConfigurationError } from '../../src/domain/errors';
import { planRetention } from '../../src/retention/retentionPlan';

const VM = '/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm1';
const now = new Date('2026-03-01T00:00:00.000Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString();

function snapshot(name: string, age: number | null, extra: Partial<RetainedResource> = {}): RetainedResource {
  return {
    kind: 'snapshot',
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/snapshots/${name}`,
    name,
    vmId: VM,
    repairId: `repair-${name}`,
    sizeGb: 127,
    timeCreated: age === null ? null : daysAgo(age),
    attachedTo: null,
    diskState: null,
    ...extra,
  };
}

function disk(name: string, age: number, extra: Partial<RetainedResource> = {}): RetainedResource {
  return {
    ...snapshot(name, age),
    kind: 'originalDisk',
    id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/${name}`,
    diskState: 'Unattached',
    ...extra,
  };
}

const on: RetentionSettings = { snapshotDays: 7, originalDiskDays: 30 };

function verdicts(resources: RetainedResource[], settings = on, holds: Parameters<typeof planRetention>[2] = []) {
  return Object.fromEntries(planRetention(resources, settings, holds, now).map((p) => [p.resource.name, p.verdict]));
}

describe('planRetention', () => {
  it('keeps everything when the settings are unset (the default)', () => {
    const v = verdicts([snapshot('a', 400), snapshot('b', 300), disk('d', 400)], { snapshotDays: null, originalDiskDays: null });
    expect(Object.values(v).every((x) => x.action === 'keep')).toBe(true);
    expect(v.a.why).toMatch(/SNAPSHOT_RETENTION_DAYS is not set/);
    expect(v.d.why).toMatch(/ORIGINAL_DISK_RETENTION_DAYS is not set/);
  });

  it('deletes snapshots older than the setting but never the newest of a VM', () => {
    const v = verdicts([snapshot('old', 20), snapshot('older', 30), snapshot('tenDays', 10), snapshot('young', 3)]);
    expect(v.old).toMatchObject({ action: 'delete' });
    expect(v.older).toMatchObject({ action: 'delete' });
    // 'young' is the VM's newest snapshot, so the ten-day-old one is no longer the last copy and may go.
    expect(v.tenDays).toMatchObject({ action: 'delete' });
    expect(v.young).toMatchObject({ action: 'keep', why: '3 days old, SNAPSHOT_RETENTION_DAYS is 7' });
    const only = verdicts([snapshot('only', 90)]);
    expect(only.only).toEqual({ action: 'keep', why: 'the newest snapshot of its VM is always kept' });
  });

  it('judges the newest snapshot per VM', () => {
    const other = '/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm2';
    const v = verdicts([snapshot('a1', 20), snapshot('a2', 10), snapshot('b1', 20, { vmId: other })]);
    expect([v.a1.action, v.a2.action, v.b1.action]).toEqual(['delete', 'keep', 'keep']);
  });

  it('keeps a snapshot without a creation time, and counts it as the newest', () => {
    const v = verdicts([snapshot('unknown', null), snapshot('old', 20)]);
    expect(v.unknown.why).toMatch(/no creation time/);
    expect(v.old.action).toBe('delete');
  });

  it('keeps what a running repair holds: by its repair id, by its VM, or by a resource its status names', () => {
    const byId = verdicts([snapshot('a', 20), snapshot('b', 1)], on, [{ repairId: 'repair-a', vmId: null, resourceIds: [] }]);
    expect(byId.a).toEqual({ action: 'keep', why: 'repair repair-a is still running on this VM' });
    const byVm = verdicts([snapshot('a', 20), snapshot('b', 1)], on, [{ repairId: 'r9', vmId: VM.toUpperCase(), resourceIds: [] }]);
    expect(byVm.a.action).toBe('keep');
    const named = snapshot('a', 20);
    const byResource = verdicts([named, snapshot('b', 1)], on, [{ repairId: 'r9', vmId: 'other', resourceIds: [named.id] }]);
    expect(byResource.a.action).toBe('keep');
  });

  it('deletes an old unattached original disk and never an attached one (or one whose state ARM did not give)', () => {
    const v = verdicts([
      disk('gone', 40),
      disk('young', 10),
      disk('attached', 40, { attachedTo: '/subscriptions/s/vm1', diskState: 'Attached' }),
      disk('reserved', 40, { diskState: 'Reserved' }),
      disk('unknown', 40, { diskState: null }),
    ]);
    expect(v.gone).toEqual({ action: 'delete', why: '40 days old, older than ORIGINAL_DISK_RETENTION_DAYS=30' });
    expect(v.young.action).toBe('keep');
    expect(v.attached).toEqual({ action: 'keep', why: 'attached to /subscriptions/s/vm1 (Attached)' });
    expect(v.reserved.why).toBe('attached to a VM (Reserved)');
    expect(v.unknown.why).toBe('attached to a VM (state unknown)');
  });
});

describe('readRetentionSettings', () => {
  it('is unset (keep for ever) by default and reads whole days', () => {
    expect(readRetentionSettings({})).toEqual({ snapshotDays: null, originalDiskDays: null });
    expect(readRetentionSettings({ SNAPSHOT_RETENTION_DAYS: ' ', ORIGINAL_DISK_RETENTION_DAYS: '' })).toEqual({
      snapshotDays: null,
      originalDiskDays: null,
    });
    expect(readRetentionSettings({ SNAPSHOT_RETENTION_DAYS: '30', ORIGINAL_DISK_RETENTION_DAYS: '90' })).toEqual({
      snapshotDays: 30,
      originalDiskDays: 90,
    });
  });

  it.each([
    ['SNAPSHOT_RETENTION_DAYS', '0'],
    ['SNAPSHOT_RETENTION_DAYS', '7.5'],
    ['ORIGINAL_DISK_RETENTION_DAYS', 'thirty'],
    ['ORIGINAL_DISK_RETENTION_DAYS', '-1'],
    ['SNAPSHOT_RETENTION_DAYS', '3651'],
  ])('refuses %s=%s with an error that names the setting and the range', (name, value) => {
    const read = () => readRetentionSettings({ [name]: value });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(`${name} must be a whole number from 1 to 3650, got '${value}'`);
  });
});
