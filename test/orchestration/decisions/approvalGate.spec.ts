import type { ApprovalEvent, ApprovalRecord } from '../../../src/domain/approval';
import { approvedAll, judgeApprovalEvent, judgeEarlyApproval, keptApprovalFor } from '../../../src/orchestration/decisions/approvalGate';

const NOW = '2026-01-05T03:10:00.000Z';
const ev = (decision: ApprovalEvent['decision'], step: ApprovalEvent['step'], at = '2026-01-05T03:09:00.000Z'): ApprovalEvent => ({
  decision,
  step,
  by: 'alice',
  at,
});
const passed = (gate: ApprovalRecord['gate'], appliedAt: string): ApprovalRecord => ({
  decision: 'approve',
  step: gate ?? 'all',
  by: 'alice',
  at: appliedAt,
  gate,
  appliedAt,
  effect: `approved ${gate}`,
});

describe('judgeApprovalEvent', () => {
  it.each<[string, ApprovalEvent, ApprovalRecord[], 'pass' | 'reject' | 'wait', ApprovalRecord['gate']]>([
    ['an approval of the gate waiting now passes it', ev('approve', 'restartVm'), [], 'pass', 'restartVm'],
    ['all passes any gate', ev('approve', 'all'), [], 'pass', 'restartVm'],
    ['a rejection of any step ends the repair at this gate', ev('reject', 'guest:enable-tls'), [], 'reject', 'restartVm'],
    ['an approval of a later step is kept, not applied', ev('approve', 'guest:enable-tls'), [], 'wait', null],
    [
      'an approval older than a passed gate of its step is a duplicate',
      ev('approve', 'restartVm', '2026-01-05T03:01:00.000Z'),
      [passed('restartVm', '2026-01-05T03:02:00.000Z')],
      'wait',
      null,
    ],
    [
      'an approval newer than the passed gate of its step is for this one',
      ev('approve', 'restartVm', '2026-01-05T03:05:00.000Z'),
      [passed('restartVm', '2026-01-05T03:02:00.000Z')],
      'pass',
      'restartVm',
    ],
  ])('%s', (_name, event, records, kind, gate) => {
    const verdict = judgeApprovalEvent(event, 'restartVm', NOW, records);
    expect(verdict.kind).toBe(kind);
    expect(verdict.record).toMatchObject({ decision: event.decision, step: event.step, by: 'alice', at: event.at, gate });
  });

  it('a kept approval is found for its own gate only; all is remembered once applied', () => {
    const kept = judgeApprovalEvent(ev('approve', 'guest:enable-tls'), 'restrictNsgRule', NOW, []).record;
    expect(keptApprovalFor('guest:enable-tls', [kept])).toBe(0);
    expect(keptApprovalFor('restartVm', [kept])).toBe(-1);
    expect(approvedAll([kept])).toBe(false);
    expect(approvedAll([judgeApprovalEvent(ev('approve', 'all'), 'restartVm', NOW, []).record])).toBe(true);
  });
});

describe('judgeEarlyApproval (decisions drained before the offline child starts)', () => {
  it('a rejection ends the repair; all counts for every later gate; a named step is kept for its gate', () => {
    expect(judgeEarlyApproval(ev('reject', 'deallocateVm'), NOW, []).kind).toBe('reject');
    const all = judgeEarlyApproval(ev('approve', 'all'), NOW, []);
    expect(all.kind).toBe('record');
    expect(approvedAll([all.record])).toBe(true);
    const named = judgeEarlyApproval(ev('approve', 'swapOsDisk'), NOW, []);
    expect(approvedAll([named.record])).toBe(false);
    expect(keptApprovalFor('swapOsDisk', [named.record])).toBe(0);
    expect(keptApprovalFor('deallocateVm', [named.record])).toBe(-1);
  });

  it('an approval older than a passed gate of its step is a duplicate, kept for nothing', () => {
    const duplicate = judgeEarlyApproval(ev('approve', 'restartVm', '2026-01-05T03:01:00.000Z'), NOW, [
      passed('restartVm', '2026-01-05T03:02:00.000Z'),
    ]);
    expect(duplicate.record.effect).toMatch(/duplicate/);
    expect(keptApprovalFor('restartVm', [duplicate.record])).toBe(-1);
  });
});
