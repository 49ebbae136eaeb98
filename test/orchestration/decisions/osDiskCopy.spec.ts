import type { OsDiskProperties } from '../../../src/domain/offlineRepair';
import { healthyOsDisk } from '../../support/osDisk';
import { copyDiskNameFor, copyDiskPlan, REPAIR_TAG, swapMismatches } from '../../../src/orchestration/decisions/osDiskCopy';

const original: OsDiskProperties = healthyOsDisk;
const copy: OsDiskProperties = { ...original, id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/copy' };
const startedAt = new Date('2026-12-01T10:00:00.123Z');

describe('the OS disk copy', () => {
  it('has a deterministic name within DiskRP rules', () => {
    const name = copyDiskNameFor('vm with spaces', startedAt);
    expect(name).toBe('rdprepair-copy-vm-with-spaces-20261201T100000Z');
    expect(copyDiskNameFor('x'.repeat(64), startedAt).length).toBeLessThanOrEqual(80);
    expect(copyDiskNameFor('vm', startedAt)).toBe(copyDiskNameFor('vm', new Date(startedAt)));
  });

  it('carries every property a swap needs and is tagged with the repair', () => {
    const plan = copyDiskPlan(original, 'vm1', 'rdprepair-vm1-0123456789abcdef', startedAt);
    expect(plan.carry).toEqual({
      location: 'westeurope',
      zone: '1',
      skuName: 'Premium_LRS',
      sizeGiB: 127,
      hyperVGeneration: 'V2',
      osType: 'Windows',
      securityType: 'TrustedLaunch',
      diskControllerTypes: 'SCSI, NVMe',
      architecture: 'x64',
      networkAccessPolicy: 'AllowAll',
      diskEncryptionSetId: null,
    });
    expect(plan.tags[REPAIR_TAG]).toBe('rdprepair-vm1-0123456789abcdef');
  });
});

describe('swapMismatches', () => {
  it('finds nothing for a faithful copy, whatever the order of controller types', () => {
    expect(swapMismatches(original, copy)).toEqual([]);
    expect(swapMismatches(original, { ...copy, diskControllerTypes: 'NVMe,SCSI' })).toEqual([]);
  });

  it.each([
    ['generation', { hyperVGeneration: 'V1' }, /hyperVGeneration: original V2, copy V1/],
    ['security type', { securityType: null }, /security type: original TrustedLaunch, copy \(none\)/],
    ['controller', { diskControllerTypes: 'SCSI' }, /disk controller types/],
    ['size', { sizeGiB: 128 }, /ResizeDiskError/],
    ['zone', { zone: '2' }, /zone/],
    ['encryption set', { diskEncryptionSetId: '/des' }, /disk encryption set/],
    ['the original itself', { id: original.id.toUpperCase() }, /the original disk itself/],
  ] as const)('names a %s mismatch', (_name, change, message) => {
    expect(swapMismatches(original, { ...copy, ...(change as Partial<OsDiskProperties>) }).join('; ')).toMatch(message);
  });
});
