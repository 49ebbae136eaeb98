/**
 * The activity boundary is checked at compile time: `npm test` type-checks this file, and each
 * `@ts-expect-error` below fails the type check if the call it marks ever compiles.
 */
import { ACTIVITY_NAMES, type ActivityContracts } from '../../src/domain/activityContracts';
import type { Flow, Gen } from '../../src/orchestration/flow';

// Never run: only type-checked.
function* misuses(flow: Flow): Gen<void> {
  // @ts-expect-error an activity that does not exist
  yield* flow.call('deleteVm', { vmId: 'x' }, 'step');
  // @ts-expect-error readVm takes { vmResourceId }, not { vmId }
  yield* flow.call('readVm', { vmId: 'x' }, 'step');
  // @ts-expect-error restartVm needs decidedAt
  yield* flow.call('restartVm', { vmId: 'x' }, 'step');
  const read = yield* flow.call('readVmPower', { vmId: 'x' }, 'step');
  // @ts-expect-error the output is typed: a power reading has no snapshotId
  if (read.kind === 'continue') void read.facts.snapshotId;
}

void misuses;

describe('activity contracts', () => {
  it('lists every activity once', () => {
    expect(new Set(ACTIVITY_NAMES).size).toBe(ACTIVITY_NAMES.length);
    const keys: Array<keyof ActivityContracts> = [...ACTIVITY_NAMES];
    expect(keys.length).toBe(29);
  });
});
