import type { RepairRequest } from '../../src/domain/repairRequest';
import { finish, newRepairStatus } from '../../src/orchestration/statusModel';
import { armWritesOf, MAX_TEXT, repairEnding, repairStartedEvent, stepEndedEvent } from '../../src/orchestration/telemetry/repairEvents';

const vmId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm';
const request = {
  vm: { id: vmId },
  mode: 'repair',
  allowedSourceCidrs: [],
  allowLegacyTls: false,
  source: { kind: 'alert', alertId: '/subscriptions/s/providers/Microsoft.AlertsManagement/alerts/a1', rule: 'rdp?code=ruleKey123' },
} as unknown as RepairRequest;
const at = '2026-01-01T00:00:00.000Z';
const later = '2026-01-01T00:12:30.000Z';

const HOSTILE = [
  'https://acct.blob.core.windows.net/vhds/os.vhd?sv=2022-11-02&sp=r&sig=U0FTc2lnbmF0dXJl%3D',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl',
  'adminPassword=Hunter2!x',
  'https://app.azurewebsites.net/api/repairs?code=fnKeyValue0123',
  'AccountKey=YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0NTY3ODkw==',
].join(' ');
const SECRETS = ['U0FTc2lnbmF0dXJl', 'eyJhbGciOiJub25lIn0', 'Hunter2!x', 'fnKeyValue0123', 'YWJjZGVmZ2hp', 'ruleKey123'];

function hostileStatus() {
  const status = newRepairStatus('r-1', request, 3389, at);
  status.timeline.push({ step: 'snapshot', status: 'failed', startedAt: at, endedAt: '2026-01-01T00:01:00.000Z', detail: HOSTILE });
  status.changes.push({ resourceId: `${vmId}/guest`, property: 'TLS 1.2', before: 0, after: 1, at, reason: HOSTILE });
  status.changes.push({ resourceId: '/subscriptions/s/nsg/rule', property: 'sources', before: '*', after: '1.2.3.4/32', at, reason: 'x' });
  status.guestRuns.push({ script: 'enable-tls', runName: 'r1', ended: 'Succeeded', at });
  status.restarts = 1;
  status.artifacts.snapshotId = '/subscriptions/s/snapshots/snap';
  status.artifacts.downtime = { from: at, to: later, seconds: 750 };
  return finish(status, { kind: 'NotRepaired', reason: `Azure said: ${HOSTILE}`, advice: [] }, later, 'offline');
}

describe('repair events', () => {
  it('carry no secret from step details, reasons or the alert rule', () => {
    const status = hostileStatus();
    const sent = JSON.stringify([repairStartedEvent(status), stepEndedEvent(status, status.timeline[0], 0), repairEnding(status, later)]);
    for (const secret of SECRETS) expect(sent).not.toContain(secret);
    expect(sent).toContain('acct.blob.core.windows.net/vhds/os.vhd');
  });

  it('a step event says which step, how it ended, when and how long it took', () => {
    const status = hostileStatus();
    expect(stepEndedEvent(status, status.timeline[0], 0).properties).toMatchObject({
      repairId: 'r-1',
      vmResourceId: vmId,
      step: 'snapshot',
      index: 0,
      result: 'failed',
      durationSeconds: 60,
    });
  });

  it('the outcome carries the metrics: one repair by outcome, time to repair, restarts, downtime, ARM writes', () => {
    const ending = repairEnding(hostileStatus(), later);
    const dims = { repairId: 'r-1', outcome: 'NotRepaired', mode: 'repair', source: 'alert' };
    expect(ending.metrics).toEqual([
      { name: 'rdp_autorepair.repairs', value: 1, dimensions: dims },
      { name: 'rdp_autorepair.time_to_repair_seconds', value: 750, dimensions: dims },
      { name: 'rdp_autorepair.restarts', value: 1, dimensions: dims },
      { name: 'rdp_autorepair.arm_writes', value: 4, dimensions: dims },
      { name: 'rdp_autorepair.downtime_seconds', value: 750, dimensions: dims },
    ]);
    expect(ending.event.properties).toMatchObject({ outcome: 'NotRepaired', path: 'offline', armWrites: 4, downtimeSeconds: 750 });
  });

  it('ARM writes count Azure resource changes, the snapshot, restarts and Run Command runs, not guest changes', () => {
    // NSG change 1 + snapshot 1 + restart 1 + one Run Command run 1; the guest TLS change is made by that run.
    expect(armWritesOf(hostileStatus())).toBe(4);
  });

  it('bounds free texts', () => {
    const status = hostileStatus();
    status.timeline[0].detail = 'x '.repeat(5000);
    expect(String(stepEndedEvent(status, status.timeline[0], 0).properties.detail).length).toBe(MAX_TEXT);
  });
});
