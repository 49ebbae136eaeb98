import { toStatusView } from '../../src/api/statusView';

const base = {
  instanceId: 'rdprepair-vm1-0123456789abcdef',
  createdTime: new Date('2026-01-05T03:00:00Z'),
  lastUpdatedTime: '2026-01-05T03:05:00Z',
};

describe('toStatusView', () => {
  it('prefers the output once the orchestration has completed', () => {
    const output = { repairId: 'r', timeline: [{ step: 'preflight' }], outcome: { kind: 'Repaired', reason: 'ok', advice: [] } };
    const view = toStatusView(
      { ...base, runtimeStatus: 'Completed', output, customStatus: { repairId: 'r', timeline: [] } },
      'https://x/api/repairs/r',
    );
    expect(view.outcome?.kind).toBe('Repaired');
    expect(view.timeline).toHaveLength(1);
    expect(view.createdTime).toBe('2026-01-05T03:00:00.000Z');
  });

  it('gives a crashed orchestration an outcome an operator can read, keeping what it had reported', () => {
    const view = toStatusView(
      {
        ...base,
        runtimeStatus: 'Failed',
        output: 'Error: boom\n at x',
        customStatus: { repairId: 'r', timeline: [], changes: [{ resourceId: 'nsg' }] },
      },
      'u',
    );
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
    const view = toStatusView(
      {
        ...base,
        runtimeStatus: 'Pending',
        input: { request: { vm: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1' } } },
      },
      'u',
    );
    expect(view.vmResourceId).toContain('virtualMachines/vm1');
    expect(view.outcome).toBeUndefined();
  });
});

describe('statusForCustomStatus', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { newRepairStatus, statusForCustomStatus, CUSTOM_STATUS_BUDGET } = require('../../src/orchestration/statusModel');
  const request = {
    vm: { id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1', key: 'k' },
    mode: 'repair',
    allowedSourceCidrs: [],
    allowLegacyTls: false,
    source: { kind: 'http' },
  };

  it('keeps a small status whole, as a copy the flow cannot change after publishing it', () => {
    const status = newRepairStatus('r', request, 3389, '2026-01-05T03:00:00.000Z');
    const view = statusForCustomStatus(status);
    expect(view).toEqual(status);
    status.findings.push({ code: 'Later', severity: 'info', message: 'added after the publish', advice: null });
    expect(view.findings).toEqual([]);
  });

  it('folds the oldest changes into a count to stay under the budget, keeping the newest', () => {
    const status = newRepairStatus('r', request, 3389, '2026-01-05T03:00:00.000Z');
    for (let i = 0; i < 200; i += 1) {
      status.changes.push({
        resourceId: `/vm/guest/${i}`,
        property: `HKLM:\\SOFTWARE\\Path\\${'x'.repeat(60)}\\${i}`,
        before: i,
        after: i + 1,
        at: '2026-01-05T03:00:00.000Z',
        reason: 'r'.repeat(200),
      });
    }
    const view = statusForCustomStatus(status);
    expect(JSON.stringify(view).length).toBeLessThanOrEqual(CUSTOM_STATUS_BUDGET);
    expect(view.omitted.changes).toBeGreaterThan(0);
    expect(view.changes[view.changes.length - 1].resourceId).toBe('/vm/guest/199');
    expect(view.changes.length + view.omitted.changes).toBe(200);
  });

  it('folds the oldest ended steps into a count when even a compacted status is too long, keeping the running one', () => {
    const status = newRepairStatus('r', request, 3389, '2026-01-05T03:00:00.000Z');
    for (let i = 0; i < 400; i += 1) {
      status.timeline.push({
        step: `step${i}`,
        status: 'succeeded',
        startedAt: '2026-01-05T03:00:00.000Z',
        endedAt: '2026-01-05T03:00:01.000Z',
        detail: 'd'.repeat(300),
      });
    }
    status.timeline.push({ step: 'now', status: 'running', startedAt: '2026-01-05T03:10:00.000Z', endedAt: null, detail: 'running' });
    const view = statusForCustomStatus(status);
    expect(JSON.stringify(view).length).toBeLessThanOrEqual(CUSTOM_STATUS_BUDGET);
    expect(view.omitted.steps).toBeGreaterThan(0);
    expect(view.timeline.length + view.omitted.steps).toBe(401);
    expect(view.timeline.at(-1)).toMatchObject({ step: 'now', status: 'running' });
    expect(view.timeline.at(-2).step).toBe('step399');
  });
});
