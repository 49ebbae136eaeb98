import { snapshotProgress, snapshotReadiness } from '../../../src/orchestration/decisions/snapshotReadiness';

const id = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/snapshots/web01-snap';
const state = (provisioningState: string, completionPercent: number | null) => ({ snapshotId: id, provisioningState, completionPercent });

test.each([
  ['Succeeded', null, 'usable'], // Standard/Premium: Azure reports no completionPercent
  ['Succeeded', 100, 'usable'],
  ['Succeeded', 42, 'waiting'], // a background copy is still running (Premium SSD v2, Ultra, cross-region)
  ['Succeeded', Number.NaN, 'usable'],
  ['Creating', null, 'waiting'],
  ['Updating', 100, 'waiting'],
  ['Failed', null, 'failed'],
  ['Canceled', 100, 'failed'],
] as const)('%s with completionPercent %s is %s', (provisioning, percent, expected) => {
  expect(snapshotReadiness(state(provisioning, percent))).toBe(expected);
});

test('the progress text says what is awaited', () => {
  expect(snapshotProgress(state('Creating', null))).toBe('web01-snap: Creating, waiting for the snapshot operation');
  expect(snapshotProgress(state('Succeeded', 42))).toBe('web01-snap: background copy 42% complete');
});
