import type { OfflineFinding, OfflineRepairResult } from '../../../src/domain/guestScriptContracts';
import { judgeOfflineRepair } from '../../../src/orchestration/decisions/offlineRepairVerdict';

function result(findings: OfflineFinding[], overrides: Partial<OfflineRepairResult> = {}): OfflineRepairResult {
  return {
    script: 'offline-repair',
    ok: true,
    message: 'done',
    detectOnly: false,
    disk: { number: 2, partitionStyle: 'GPT', signatureCollision: false, signatureRestored: null },
    windows: { build: 20348, controlSets: ['ControlSet001'] },
    findings,
    changes: [],
    planned: [],
    omitted: 0,
    restorePath: '\\rdp-autorepair\\r1',
    reportPath: '\\rdp-autorepair\\r1\\report.json',
    ...overrides,
  };
}

const fixedTls: OfflineFinding = { check: 'tls', verdict: 'fixed', detail: 'TLS 1.2 Enabled=0' };

describe('judgeOfflineRepair', () => {
  it('swaps a copy on which something was repaired, naming it', () => {
    const verdict = judgeOfflineRepair(result([fixedTls, { check: 'crash-dump', verdict: 'enabled', detail: null }]));
    expect(verdict.swap).toBe(true);
    expect(verdict.fixed).toEqual(['tls']);
    expect(verdict.enabled).toEqual(['crash-dump']);
    expect(verdict.reasons[0]).toMatch(/repaired offline: tls/);
  });

  it('never swaps a copy whose original signature is not back', () => {
    const verdict = judgeOfflineRepair(
      result([fixedTls], { ok: false, disk: { number: 2, partitionStyle: 'MBR', signatureCollision: true, signatureRestored: false } }),
    );
    expect(verdict.swap).toBe(false);
    expect(verdict.reasons[0]).toMatch(/signature/);
  });

  it('does not swap when nothing it repairs was broken (enablement alone does not help RDP)', () => {
    const verdict = judgeOfflineRepair(
      result([
        { check: 'tls', verdict: 'healthy', detail: null },
        { check: 'boot-ems', verdict: 'enabled', detail: null },
      ]),
    );
    expect(verdict.swap).toBe(false);
    expect(verdict.reasons.join(' ')).toMatch(/only enabled boot-ems/);
  });

  it('does not swap after a detect-only run, a failed write or a failed run', () => {
    expect(judgeOfflineRepair(result([{ ...fixedTls, verdict: 'broken' }], { detectOnly: true })).swap).toBe(false);
    const failedWrite = judgeOfflineRepair(
      result([fixedTls, { check: 'machinekeys-acl', verdict: 'failed', detail: 'denied' }], { ok: false }),
    );
    expect(failedWrite.swap).toBe(false);
    expect(failedWrite.failed).toEqual(['machinekeys-acl']);
    expect(
      judgeOfflineRepair(result([], { ok: false, message: 'offline-repair failed: expected one Windows installation' })).reasons[0],
    ).toMatch(/expected one Windows/);
  });

  it('names what is still broken or not checked next to a swap', () => {
    const verdict = judgeOfflineRepair(
      result([
        fixedTls,
        { check: 'services', verdict: 'broken', detail: 'not installed: RdAgent' },
        { check: 'boot-ems', verdict: 'not-checked', detail: 'no BCD' },
      ]),
    );
    expect(verdict.swap).toBe(true);
    expect(verdict.reasons).toEqual([
      'repaired offline: tls',
      'still broken and not repairable offline: services',
      'not checked: boot-ems',
    ]);
  });
});
