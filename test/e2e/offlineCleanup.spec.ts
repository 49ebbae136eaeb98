/**
 * The cleanup on its own: a delete that fails at the end of the offline repair is a finding naming the resource
 * and the rescue VM stays; POST /api/repairs/{id}/cleanup then removes it (404 for an unknown repair, 409 while it
 * runs). The timer-triggered sweeper reports leftovers of repairs that ended more than CLEANUP_SWEEP_AFTER_HOURS
 * ago, and deletes them only with CLEANUP_SWEEP_DELETE=true.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function withApp<T>(options: SimulatedAppOptions, body: (app: SimulatedRepairApp) => Promise<T>): Promise<T> {
  const app = await SimulatedRepairApp.start(options);
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

async function until(app: SimulatedRepairApp, instanceId: string): Promise<void> {
  for (let steps = 0; steps < 2000; steps += 1) {
    const status = await app.emulator.client.getStatus(instanceId).catch(() => undefined);
    if (status && ['Completed', 'Failed', 'Terminated'].includes(String(status.runtimeStatus))) return;
    if (!(await app.emulator.step())) throw new Error(`${instanceId} stalled`);
  }
  throw new Error(`${instanceId} did not finish`);
}

const rescueIds = (app: SimulatedRepairApp) =>
  [
    ...app.arm.world.store.virtualMachines.values(),
    ...app.arm.world.store.networkInterfaces.values(),
    ...app.arm.world.store.disks.values(),
  ]
    .map((r) => r.id)
    .filter((id) => /rdprescue-/.test(id));

describe('cleanup alone', () => {
  it('a failed delete is a finding with the resource id; POST cleanup removes the leftovers afterwards', async () => {
    await withApp({}, async (app) => {
      const seeded = await app.addScenario(findScenario('agent-down')!);
      app.injectArmFault({ operation: 'virtualMachines.delete', status: 403, code: 'AuthorizationFailed', times: 1 });
      const { start, status } = await app.runRepair(seeded.request);
      expect(status.outcome.kind).toBe('Repaired');
      const failed = status.cleanup.filter((c: { result: string }) => c.result === 'failed');
      expect(failed.map((c: { resourceId: string }) => c.resourceId)).toEqual([status.artifacts.rescueVmId]);
      const finding = status.findings.find((f: { code: string }) => f.code === 'CleanupDeleteFailed');
      expect(finding.message).toContain(status.artifacts.rescueVmId);
      expect(rescueIds(app).length).toBeGreaterThan(0);

      expect((await app.http('POST', '/api/repairs/rdprepair-nope-0123456789abcdef/cleanup')).status).toBe(404);
      const started = await app.http('POST', `/api/repairs/${start.body.id}/cleanup`);
      expect(started.status).toBe(202);
      await until(app, started.body.cleanupId);
      const result = await app.http('GET', `/api/repairs/${start.body.id}/cleanup`);
      expect(result.status).toBe(200);
      expect(result.body.cleanup.some((c: { result: string }) => c.result === 'deleted')).toBe(true);
      expect(result.body.cleanup.some((c: { result: string }) => c.result === 'failed')).toBe(false);
      expect(rescueIds(app)).toEqual([]);
      // The copy that is the OS disk now is kept.
      expect(app.arm.world.vm(seeded.vmId).osDiskId?.toLowerCase()).toBe(status.artifacts.copyDiskId.toLowerCase());
    });
  });

  it('POST cleanup answers 409 while the repair runs', async () => {
    await withApp({}, async (app) => {
      const seeded = await app.addScenario(findScenario('agent-down')!);
      const start = await app.http('POST', '/api/repairs', seeded.request);
      await app.emulator.step();
      const refused = await app.http('POST', `/api/repairs/${start.body.id}/cleanup`);
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('RepairRunning');
      await app.followRepair(start.body.id);
    });
  });

  it.each([
    ['false', 'reports the leftover NIC and deletes nothing', 'leftover', 1],
    ['true', 'deletes the leftover NIC', 'deleted', 0],
  ])('the sweeper with CLEANUP_SWEEP_DELETE=%s %s', async (deleteSetting, _, result, left) => {
    await withApp({ settings: { CLEANUP_SWEEP_DELETE: deleteSetting, CLEANUP_SWEEP_AFTER_HOURS: '24' } }, async (app) => {
      const seeded = await app.addScenario(findScenario('rescue-vm-quota')!);
      app.injectArmFault({ operation: 'networkInterfaces.delete', status: 403, code: 'AuthorizationFailed', times: 1 });
      const { start, status } = await app.runRepair(seeded.request);
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(rescueIds(app)).toHaveLength(1);
      // Too recent: the sweep leaves it alone.
      await app.timer('sweepRepairLeftovers');
      const before = await app.http('GET', `/api/repairs/${start.body.id}/cleanup`);
      expect(before.body.cleanup.map((c: { result: string }) => c.result)).toEqual(['failed']);
      app.clock.advanceBy(25 * 3_600_000);
      await app.timer('sweepRepairLeftovers');
      await until(app, `${start.body.id}:cleanup:1`);
      const after = await app.http('GET', `/api/repairs/${start.body.id}/cleanup`);
      expect(after.body.cleanup.map((c: { result: string }) => c.result)).toEqual([result]);
      expect(rescueIds(app)).toHaveLength(left);
    });
  });
});
