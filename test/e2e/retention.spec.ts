/**
 * Retention through the simulated app: GET /api/retained reports this app's tagged snapshots and kept original
 * disks per VM; the retention timer (fired with app.timer) deletes what the settings allow and nothing else.
 * Snapshots are made through the real SDK against the simulated ARM, days apart on its virtual clock.
 */
import { createSimulatedArmClients } from '../../src/simulator/arm';
import { findScenario, SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { LATENCY_MODEL } from '../../src/simulator/latencyModel';

const DAY = 86_400_000;
const RG = SIM_RESOURCE_GROUP;

async function setUp(settings: Record<string, string | undefined>) {
  const app = await SimulatedRepairApp.start({ settings });
  const healthy = await app.addScenario(findScenario('healthy')!);
  const other = await app.addScenario(findScenario('tls-disabled')!);
  const compute = createSimulatedArmClients(app.arm).compute(SIM_SUBSCRIPTION_ID);
  const osDiskOf = (vmId: string) => app.arm.world.vm(vmId).osDiskId!;
  /** A snapshot as startOsDiskSnapshot takes it (same tags), then `days` pass. */
  const snapshot = async (vmId: string, name: string, days: number, tags?: Record<string, string>) => {
    await compute.snapshots
      .createOrUpdate(
        RG,
        name,
        {
          location: app.resourceGroup.location,
          incremental: true,
          creationData: { createOption: 'Copy', sourceResourceId: osDiskOf(vmId) },
          tags: tags ?? { 'rdp-autorepair-vm': vmId.toLowerCase(), 'rdp-autorepair-repair-id': `repair-${name}` },
        },
        { updateIntervalInMs: 1 },
      )
      .submitted();
    app.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms + days * DAY);
  };
  const names = () =>
    app.arm.world
      .snapshots()
      .map((s) => s.name)
      .sort();
  return { app, healthy, other, compute, snapshot, names };
}

const ORIGINAL_TAGS = (vmId: string, repairId: string) => ({
  'rdp-autorepair-original-of': vmId.toLowerCase(),
  'rdp-autorepair-repair-id': repairId,
});

describe('retention', () => {
  it('reports retained snapshots and original disks per VM with their sizes, and deletes nothing while unset', async () => {
    const { app, healthy, snapshot, names } = await setUp({});
    try {
      await snapshot(healthy.vmId, 'h-1', 400);
      await snapshot(healthy.vmId, 'h-2', 1);
      await snapshot(healthy.vmId, 'not-ours', 1, { owner: 'someone else' });
      app.arm.world.addDisk({ resourceGroup: app.resourceGroup, name: 'h-original', sizeGb: 128, tags: ORIGINAL_TAGS(healthy.vmId, 'r1') });
      const report = await app.http('GET', '/api/retained');
      expect(report.status).toBe(200);
      expect(report.body.retention).toEqual({ snapshotDays: null, originalDiskDays: null });
      expect(report.body.runningRepairs).toEqual({ checked: true, count: 0 });
      expect(report.body.vms).toHaveLength(1);
      const vm = report.body.vms[0];
      expect(vm.vmId).toBe(healthy.vmId.toLowerCase());
      expect(vm.snapshots.map((s: any) => s.resource.name).sort()).toEqual(['h-1', 'h-2']);
      expect(vm.originalDisks.map((d: any) => [d.resource.name, d.resource.sizeGb])).toEqual([['h-original', 128]]);
      expect(vm.snapshotGb).toBe(vm.snapshots.reduce((s: number, x: any) => s + x.resource.sizeGb, 0));
      expect(report.body.totals).toMatchObject({ snapshots: 2, originalDisks: 1, originalDiskGb: 128 });
      // 400 days after h-1, then a day after each of the next two snapshots.
      expect(vm.snapshots.find((s: any) => s.resource.name === 'h-1').ageDays).toBe(402);

      const reads = app.arm.requests().length;
      await app.timer('retentionSweep');
      expect(names()).toEqual(['h-1', 'h-2', 'not-ours']);
      // Unset settings: the timer does not even list.
      expect(app.arm.requests().length).toBe(reads);
      expect(app.telemetry.eventsNamed('RetainedResourceDeleted')).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('deletes old snapshots and unattached original disks, never the newest snapshot, an attached disk or what is not tagged', async () => {
    const { app, healthy, other, compute, snapshot, names } = await setUp({
      SNAPSHOT_RETENTION_DAYS: '7',
      ORIGINAL_DISK_RETENTION_DAYS: '30',
    });
    try {
      await snapshot(healthy.vmId, 'h-old', 1);
      await snapshot(other.vmId, 'o-only', 1);
      await snapshot(healthy.vmId, 'not-ours', 1, { owner: 'someone else' });
      await snapshot(healthy.vmId, 'h-newest', 0);
      const loose = app.arm.world.addDisk({
        resourceGroup: app.resourceGroup,
        name: 'h-original',
        tags: ORIGINAL_TAGS(healthy.vmId, 'r1'),
      });
      // The other VM's OS disk carries the tag (a disk swapped back by hand): attached, so never deleted.
      const attachedName = app.arm.world.vm(other.vmId).osDiskId!.split('/').pop()!;
      await compute.disks.update(RG, attachedName, { tags: ORIGINAL_TAGS(other.vmId, 'r2') }, { updateIntervalInMs: 1 }).submitted();
      app.clock.advanceBy(40 * DAY);

      await app.timer('retentionSweep');
      expect(names()).toEqual(['h-newest', 'not-ours', 'o-only']);
      expect(app.arm.world.store.disks.get(loose.id)).toBeUndefined();
      expect(app.arm.world.vm(other.vmId).osDiskId!.endsWith(attachedName)).toBe(true);
      const deleted = app.telemetry.eventsNamed('RetainedResourceDeleted');
      expect(deleted.map((e) => [e.properties.kind, String(e.properties.resourceId).split('/').pop()]).sort()).toEqual([
        ['originalDisk', 'h-original'],
        ['snapshot', 'h-old'],
      ]);
      expect(deleted.find((e) => e.properties.kind === 'snapshot')?.properties).toMatchObject({
        repairId: 'repair-h-old',
        vmResourceId: healthy.vmId.toLowerCase(),
        why: expect.stringMatching(/older than SNAPSHOT_RETENTION_DAYS=7/),
      });
      expect(app.telemetry.metricsNamed('rdp_autorepair.retained_deleted')).toHaveLength(2);
      expect(app.telemetry.eventsNamed('RetentionSweepEnded')[0].properties).toMatchObject({ deleted: 2, failed: 0, kept: 3 });

      const report = await app.http('GET', '/api/retained');
      const whyKept = Object.fromEntries(
        report.body.vms.flatMap((v: any) => [...v.snapshots, ...v.originalDisks]).map((p: any) => [p.resource.name, p.verdict.why]),
      );
      expect(whyKept).toEqual({
        'h-newest': 'the newest snapshot of its VM is always kept',
        'o-only': 'the newest snapshot of its VM is always kept',
        [attachedName]: expect.stringMatching(/^attached to /),
      });
    } finally {
      await app.close();
    }
  });

  it('keeps the snapshots of a VM whose repair is still running (read through the durable client)', async () => {
    const { app, other, snapshot, names } = await setUp({ SNAPSHOT_RETENTION_DAYS: '7' });
    try {
      await snapshot(other.vmId, 'o-old', 1);
      await snapshot(other.vmId, 'o-new', 20);
      // A repair of that VM parked at its first approval gate: running, as the durable client reports it.
      const start = await app.http('POST', '/api/repairs', { ...other.request, approval: 'beforeDisruptive' });
      expect(start.status).toBe(202);
      let waiting = null;
      for (let i = 0; i < 500 && !waiting; i += 1) {
        await app.emulator.step();
        waiting = (await app.http('GET', `/api/repairs/${start.body.id}`)).body.waitingFor;
      }
      expect(waiting).not.toBeNull();

      await app.timer('retentionSweep');
      expect(names()).toEqual(expect.arrayContaining(['o-new', 'o-old']));
      const report = await app.http('GET', '/api/retained');
      const old = report.body.vms[0].snapshots.find((s: any) => s.resource.name === 'o-old');
      expect(old.verdict).toEqual({ action: 'keep', why: `repair ${start.body.id} is still running on this VM` });
    } finally {
      await app.close();
    }
  });

  it('deletes nothing when the running repairs cannot be read', async () => {
    const { app, healthy, snapshot, names } = await setUp({ SNAPSHOT_RETENTION_DAYS: '7' });
    try {
      await snapshot(healthy.vmId, 'h-old', 30);
      await snapshot(healthy.vmId, 'h-new', 30);
      const failing = {
        ...app.emulator.client,
        getStatusBy: async () => {
          throw new Error('task hub unavailable (HTTP 503)');
        },
      };
      app.useDurableClient(failing as typeof app.emulator.client);
      await app.timer('retentionSweep');
      expect(names()).toEqual(['h-new', 'h-old']);
      const report = await app.http('GET', '/api/retained');
      expect(report.body.runningRepairs).toEqual({ checked: false, reason: 'task hub unavailable (HTTP 503)' });
      expect(app.telemetry.eventsNamed('RetentionSweepEnded')[0].properties).toMatchObject({ deleted: 0, runningRepairsChecked: false });
    } finally {
      await app.close();
    }
  });

  it('answers a bad setting with an error that names it, and the timer deletes nothing', async () => {
    const { app, healthy, snapshot, names } = await setUp({ SNAPSHOT_RETENTION_DAYS: 'a week' });
    try {
      await snapshot(healthy.vmId, 'h-old', 30);
      await snapshot(healthy.vmId, 'h-new', 30);
      const report = await app.http('GET', '/api/retained');
      expect(report.status).toBe(500);
      expect(report.body.error).toMatchObject({ code: 'ConfigurationError', details: { setting: 'SNAPSHOT_RETENTION_DAYS' } });
      expect(report.body.error.message).toMatch(/SNAPSHOT_RETENTION_DAYS must be a whole number from 1 to 3650, got 'a week'/);
      await app.timer('retentionSweep');
      expect(names()).toEqual(['h-new', 'h-old']);
    } finally {
      await app.close();
    }
  });
});
