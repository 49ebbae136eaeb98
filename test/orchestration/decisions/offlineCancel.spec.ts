import { type OfflineCancelFacts, offlineCancelled } from '../../../src/orchestration/decisions/offlineCancel';

const base: OfflineCancelFacts = {
  cancel: { by: 'carol', at: '2026-01-05T03:00:00.000Z', stoppedAt: '2026-01-05T03:01:00.000Z', before: 'swapOsDisk' },
  stage: 'beforeSwap',
  restored: true,
  failure: null,
  originalDiskId: '/disks/original',
  copyDiskId: '/disks/copy',
};

describe('offlineCancelled', () => {
  it.each<[string, Partial<OfflineCancelFacts>, RegExp[], number]>([
    ['before the deallocation: nothing changed', { stage: 'beforeDeallocate', copyDiskId: null }, [/changed nothing/], 0],
    ['before the swap: the deallocation undone, the copy kept', {}, [/Undone: the deallocation/, /Kept: the copy \/disks\/copy/], 0],
    ['after the swap: the swap and the deallocation undone', { stage: 'afterSwap' }, [/Undone: the disk swap .* and the deallocation/], 0],
    [
      'an undo that failed says what state the VM may be in and how to fix it by hand',
      { stage: 'afterSwap', restored: false, failure: 'HTTP 500' },
      [/Putting the VM back failed \(HTTP 500\)/, /may still be its OS disk/],
      1,
    ],
    ['a start that failed before the swap: still deallocated', { restored: false, failure: 'quota' }, [/it is deallocated/], 1],
  ])('%s', (_name, facts, reasons, advice) => {
    const outcome = offlineCancelled({ ...base, ...facts });
    expect(outcome.kind).toBe('Cancelled');
    expect(outcome.reason).toMatch(
      /^Cancelled by carol at 2026-01-05T03:00:00.000Z; the offline repair stopped at a safe point, before swapOsDisk\./,
    );
    for (const r of reasons) expect(outcome.reason).toMatch(r);
    expect(outcome.advice).toHaveLength(advice);
  });
});
