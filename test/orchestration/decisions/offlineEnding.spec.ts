import { afterRollback, afterSwap, beforeSwapFailed } from '../../../src/orchestration/decisions/offlineEnding';

const base = { verdictReason: 'handshake ok', probeAdmitted: true, fixed: ['tls'], originalDiskId: '/disks/os' };

describe('afterSwap', () => {
  it('ends Repaired on a healthy probe, keeping the original disk', () => {
    const r = afterSwap({ ...base, verdict: 'healthy' });
    expect(r).toMatchObject({ next: 'end', outcome: { kind: 'Repaired' } });
    if (r.next === 'end') expect(r.outcome.advice.join(' ')).toMatch(/\/disks\/os is kept unchanged/);
  });

  it('rolls back on a broken probe that this app is admitted to', () => {
    expect(afterSwap({ ...base, verdict: 'broken' })).toMatchObject({ next: 'rollBack', why: /still broken/ });
  });

  it.each([
    ['inconclusive', 'inconclusive', true, /could not judge/],
    ['unreachable', 'unreachable', true, /could not judge/],
    ['no probe', null, true, /no RDP probe/],
    ['broken but not admitted', 'broken', false, /does not admit/],
  ] as const)('leaves the copy in place, Unverified with a caveat, when %s', (_name, verdict, probeAdmitted, caveat) => {
    const r = afterSwap({ ...base, verdict, probeAdmitted });
    expect(r.next).toBe('unverified');
    if (r.next === 'unverified') {
      expect(r.outcome.kind).toBe('Unverified');
      expect(r.outcome.caveats?.[0]?.reason).toMatch(caveat);
    }
  });
});

describe('afterRollback', () => {
  const facts = {
    why: 'still broken',
    restored: true,
    verdictAfter: 'broken',
    failure: null,
    originalDiskId: '/disks/os',
    copyDiskId: '/disks/copy',
  } as const;

  it('ends RolledBack once the original disk is back and the VM started', () => {
    expect(afterRollback(facts)).toMatchObject({ kind: 'RolledBack', reason: /swapped back.*broken/ });
  });

  it('says how to swap back by hand when the rollback itself failed', () => {
    const o = afterRollback({ ...facts, restored: false, failure: 'Conflict' });
    expect(o.kind).toBe('NotRepaired');
    expect(o.advice[0]).toMatch(/set \/disks\/os as its OS disk/);
  });
});

describe('beforeSwapFailed', () => {
  it('says nothing changed when the VM was never deallocated', () => {
    expect(beforeSwapFailed({ why: 'no quota', deallocated: false, restarted: false, restartFailure: null }).reason).toMatch(/not stopped/);
  });

  it('says the VM runs again on its original disk, or how to start it', () => {
    expect(beforeSwapFailed({ why: 'copy failed', deallocated: true, restarted: true, restartFailure: null }).reason).toMatch(
      /started again/,
    );
    const o = beforeSwapFailed({ why: 'copy failed', deallocated: true, restarted: false, restartFailure: 'Throttled' });
    expect(o.reason).toMatch(/still deallocated.*Throttled/);
    expect(o.advice[0]).toMatch(/az vm start/);
  });
});
