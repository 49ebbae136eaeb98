import { repairPathOf } from '../../../src/orchestration/decisions/repairPath';

describe('repair path', () => {
  const none = { snapshotId: null, originalOsDiskId: null };
  it.each([
    [none, 'online'],
    [{ ...none, serialConsoleAt: '2026-01-05T03:00:00Z' }, 'serial'],
    [{ ...none, serialConsoleAt: '2026-01-05T03:00:00Z', copyDiskId: '/subscriptions/x/disks/c' }, 'offline'],
    [{ ...none, copyDiskId: '/subscriptions/x/disks/c' }, 'offline'],
    [{ ...none, serialConsoleAt: null }, 'online'],
  ])('%j -> %s', (artifacts, path) => {
    expect(repairPathOf(artifacts)).toBe(path);
  });
});
