import { toStatusView } from '../../src/api/statusView';

const base = { instanceId: 'rdprepair-vm1-0123456789abcdef', createdTime: new Date('2026-01-05T03:00:00Z'), lastUpdatedTime: '2026-01-05T03:05:00Z' };

describe('toStatusView', () => {
  it('prefers the output once the orchestration has completed', () => {
    const output = { repairId: 'r', timeline: [{ step: 'preflight' }], outcome: { kind: 'Repaired', reason: 'ok', advice: [] } };
    const view = toStatusView({ ...base, runtimeStatus: 'Completed', output, customStatus: { repairId: 'r', timeline: [] } }, 'https://x/api/repairs/r');
    expect(view.outcome?.kind).toBe('Repaired');
    expect(view.timeline).toHaveLength(1);
    expect(view.createdTime).toBe('2026-01-05T03:00:00.000Z');
  });

  it('gives a crashed orchestration an outcome an operator can read, keeping what it had reported', () => {
    const view = toStatusView({ ...base, runtimeStatus: 'Failed', output: 'Error: boom\n at x', customStatus: { repairId: 'r', timeline: [], changes: [{ resourceId: 'nsg' }] } }, 'u');
    expect(view.outcome).toMatchObject({ kind: 'NotRepaired' });
    expect(view.outcome?.reason).toContain('Error: boom');
    expect(view.outcome?.reason).not.toContain(' at x');
    expect(view.changes).toHaveLength(1);
  });

  it('says a terminated repair was terminated', () => {
    const view = toStatusView({ ...base, runtimeStatus: 'Terminated', output: 'stopped by operator' }, 'u');
    expect(view.outcome?.reason).toContain('terminated');
  });

  it('falls back to the input for the VM id before the first custom status', () => {
    const view = toStatusView({ ...base, runtimeStatus: 'Pending', input: { request: { vm: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1' } } } }, 'u');
    expect(view.vmResourceId).toContain('virtualMachines/vm1');
    expect(view.outcome).toBeUndefined();
  });
});
