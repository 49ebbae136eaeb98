import type { RepairRequest } from '../../src/domain/repairRequest';
import { finish, newRepairStatus } from '../../src/orchestration/statusModel';

const request = {
  vm: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm' },
  mode: 'repair',
  allowedSourceCidrs: [],
  allowLegacyTls: false,
  source: { kind: 'http' },
} as unknown as RepairRequest;
const at = '2026-01-01T00:00:00.000Z';

describe('finish: the outcome as reported', () => {
  it('path is null when nothing was changed, and caveats default to none', () => {
    const status = finish(newRepairStatus('r', request, 3389, at), { kind: 'AlreadyHealthy', reason: 'fine', advice: [] }, at);
    expect(status.outcome).toEqual({ kind: 'AlreadyHealthy', reason: 'fine', advice: [], path: null, caveats: [] });
  });

  it('a Repaired outcome with a caveat says in its reason which check did not run', () => {
    const status = newRepairStatus('r', request, 3389, at);
    status.changes.push({ resourceId: 'vm/guest', property: 'x', before: 0, after: 1, at, reason: 'why' });
    finish(
      status,
      {
        kind: 'Repaired',
        reason: 'RDP verified healthy.',
        advice: [],
        caveats: [{ check: 'domainPolicyRecheck', reason: 'diagnose failed' }],
      },
      at,
    );
    expect(status.outcome?.path).toBe('online');
    expect(status.outcome?.caveats).toHaveLength(1);
    expect(status.outcome?.reason).toBe('RDP verified healthy. Not everything could be checked: domainPolicyRecheck (diagnose failed)');
  });

  it('marks a step still running as not finished', () => {
    const status = newRepairStatus('r', request, 3389, at);
    status.timeline.push({ step: 'snapshot', status: 'running', startedAt: at, endedAt: null, detail: '' });
    finish(status, { kind: 'NotRepaired', reason: 'x', advice: [] }, at);
    expect(status.timeline[0]).toMatchObject({ status: 'failed', detail: 'not finished' });
  });
});
