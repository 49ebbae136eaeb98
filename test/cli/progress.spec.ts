import { formatDuration, formatStatus, newProgressState, renderProgress } from '../../src/cli/progress';
import type { StatusBody } from '../../src/cli/repairApiClient';

const T0 = Date.parse('2026-01-05T03:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ID = 'rdprepair-vm-a-0123456789abcdef';

function status(overrides: Partial<StatusBody>): StatusBody {
  return { id: ID, runtimeStatus: 'Running', createdTime: at(0), lastUpdatedTime: at(0), timeline: [], ...overrides };
}

describe('--follow progress', () => {
  it('prints each finished step once, with its duration and detail, and the current step with the elapsed time', () => {
    const state = newProgressState();
    const first = status({
      currentStep: 'baselineProbe',
      timeline: [
        { step: 'preflight', status: 'succeeded', startedAt: at(0), endedAt: at(2), detail: 'Windows VM running' },
        { step: 'baselineProbe', status: 'running', startedAt: at(2), endedAt: null, detail: '' },
      ],
    });
    const p1 = renderProgress(state, first, T0 + 65_000, true);
    expect(p1.lines).toEqual(['+    2s  succeeded preflight (2s): Windows VM running']);
    expect(p1.live).toBe('running baselineProbe, elapsed 1m05s');
    const p2 = renderProgress(state, first, T0 + 70_000, true);
    expect(p2.lines).toEqual([]);
    expect(p2.live).toBe('running baselineProbe, elapsed 1m10s');
  });

  it('announces the running step as a line when the output is not a terminal', () => {
    const state = newProgressState();
    const s = status({
      currentStep: 'preflight',
      timeline: [{ step: 'preflight', status: 'running', startedAt: at(0), endedAt: null, detail: '' }],
    });
    expect(renderProgress(state, s, T0, false).lines).toEqual(['+    0s  running   preflight']);
    expect(renderProgress(state, s, T0 + 1000, false).lines).toEqual([]);
  });

  it('makes a wait for approval visible once, with the commands that answer it', () => {
    const state = newProgressState();
    const waiting = status({
      currentStep: 'restrictNsgRule',
      waitingFor: {
        step: 'restrictNsgRule',
        since: at(45),
        expiresAt: at(3645),
        plannedChanges: [{ property: 'sourceAddressPrefixes', reason: 'RDP is open to the Internet' }],
      },
    });
    const p = renderProgress(state, waiting, T0 + 50_000, true);
    expect(p.lines[0]).toBe(
      `+   45s  waiting   for approval of restrictNsgRule: sourceAddressPrefixes (RDP is open to the Internet); expires ${at(3645)}`,
    );
    expect(p.lines[1]).toContain(`rdp-autorepair approve ${ID} --step restrictNsgRule`);
    expect(p.lines[1]).toContain(`rdp-autorepair reject ${ID}`);
    expect(p.live).toBe('waiting for approval of restrictNsgRule, elapsed 50s');
    expect(renderProgress(state, waiting, T0 + 55_000, true).lines).toEqual([]);
  });

  it('draws no live line once the repair ended', () => {
    const done = status({ runtimeStatus: 'Completed', outcome: { kind: 'Repaired', reason: 'verified' } });
    expect(renderProgress(newProgressState(), done, T0, true).live).toBeNull();
  });

  it('formats durations in s, m and h', () => {
    expect([formatDuration(0), formatDuration(59_400), formatDuration(61_000), formatDuration(3_725_000)]).toEqual([
      '0s',
      '59s',
      '1m01s',
      '1h02m',
    ]);
  });

  it('summarises a finished repair: outcome, advice, findings, changes before -> after, the snapshot kept', () => {
    const lines = formatStatus(
      status({
        runtimeStatus: 'Completed',
        vmResourceId: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm-a',
        outcome: { kind: 'NotRepaired', reason: 'the deny stays', advice: ['remove the deny entry'] },
        findings: [{ code: 'X', severity: 'error', message: 'a deny entry', advice: 'remove it' }],
        changes: [
          { resourceId: '/subscriptions/s/providers/Microsoft.Network/nsg/n', property: 'p', before: ['*'], after: ['10.0.0.0/8'] },
        ],
        artifacts: { snapshotId: '/subscriptions/s/snapshots/snap' },
      }),
    );
    expect(lines).toEqual([
      `Repair ${ID} of /subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/vm-a (repair): Completed`,
      'Outcome: NotRepaired: the deny stays',
      '  advice: remove the deny entry',
      'Findings:',
      '  [error] a deny entry -> remove it',
      'Changes (before -> after):',
      '  Microsoft.Network/nsg/n p: ["*"] -> ["10.0.0.0/8"]',
      'Snapshot kept: /subscriptions/s/snapshots/snap',
    ]);
  });
});
