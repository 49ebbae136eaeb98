/**
 * The offline disk-swap repair end to end, scenario by scenario: the real HTTP handlers, the real orchestrator and
 * its offline child replayed by the durable host emulator, activities against the simulated ARM, the offline
 * script's model on the rescue VM against the attached copy, the real probe on 127.0.0.1. Each lists the resource
 * group before and after, checks the original OS disk's content was never written, and the rescue VM left running
 * with no disk of this repair attached.
 */
import { downtimeInWords, estimateOfflineDowntime } from '../../src/orchestration/decisions/offlineDowntime';
import { withLatencyOverrides } from '../../src/simulator/latencyModel';
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function run(name: string, options: SimulatedAppOptions = {}, prepare?: (app: SimulatedRepairApp) => void) {
  const app = await SimulatedRepairApp.start(options);
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    prepare?.(app);
    const originalId = app.arm.world.vm(seeded.vmId).osDiskId!;
    const originalBefore = app.diskContents.contentOf(originalId);
    const before = resourceIds(app);
    const { status } = await app.runRepair(seeded.request);
    // Every ending completes the orchestration (an outcome value, never a failed instance).
    expect(status.runtimeStatus).toBe('Completed');
    const vm = app.arm.world.vm(seeded.vmId);
    const rescue = seeded.rescueVm ? app.arm.world.vm(seeded.rescueVm.vmId) : null;
    return {
      app,
      status,
      vm,
      rescue,
      originalId,
      originalUnwritten: JSON.stringify(app.diskContents.contentOf(originalId)) === JSON.stringify(originalBefore),
      created: resourceIds(app).filter((id) => !before.includes(id)),
      deleted: before.filter((id) => !resourceIds(app).includes(id)),
    };
  } finally {
    await app.close();
  }
}

function resourceIds(app: SimulatedRepairApp): string[] {
  const store = app.arm.world.store;
  return [...store.virtualMachines.values(), ...store.disks.values(), ...store.networkInterfaces.values(), ...store.snapshots.values()]
    .map((r) => r.id.toLowerCase())
    .sort();
}

const isCopy = (id: string) => /\/disks\/rdprepair-copy-/.test(id);
const isSnapshot = (id: string) => /\/snapshots\//.test(id);

describe('offline repair end to end', () => {
  // agent-down takes the ephemeral rescue VM: test/e2e/offlineEphemeral.spec.ts.
  it.each(['offline-only-gen1', 'offline-only-gen2', 'offline-with-rescue-vm'])(
    '%s: repaired offline, the copy is the OS disk, the original kept unwritten, the rescue VM kept as it was',
    async (name) => {
      const { app, status, vm, rescue, originalId, originalUnwritten, created, deleted } = await run(name);
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.outcome.path).toBe('offline');
      expect(status.artifacts.originalOsDiskId.toLowerCase()).toBe(originalId.toLowerCase());
      expect(vm.osDiskId?.toLowerCase()).toBe(status.artifacts.copyDiskId.toLowerCase());
      expect(vm.powerState).toBe('running');
      expect(status.artifacts.swappedAt).toBeTruthy();
      expect(status.artifacts.downtime.seconds).toBeGreaterThan(0);
      expect(status.artifacts.downtime.seconds).toBeLessThan(6 * 60);
      // The simulated downtime (the simulator's own latency model) falls inside the estimate shown before it began.
      const estimate = estimateOfflineDowntime({ sizeGiB: app.arm.world.disk(originalId).sizeGb });
      expect(status.artifacts.downtime.seconds).toBeGreaterThanOrEqual(estimate.lowSeconds);
      expect(status.artifacts.downtime.seconds).toBeLessThanOrEqual(estimate.highSeconds);
      const shown = status.findings.find((f: { code: string }) => f.code === 'OfflineDowntime');
      expect(shown.message).toContain(downtimeInWords(estimate));
      expect(originalUnwritten).toBe(true);
      // The original is kept, tagged with the VM it belongs to (metadata only: its content is unwritten, above).
      expect(app.arm.world.disk(originalId).tags).toMatchObject({ 'rdp-autorepair-original-of': vm.id.toLowerCase() });
      expect(app.arm.world.disk(originalId).tags?.['rdp-autorepair-repair-id']).toBeUndefined();
      expect(rescue?.powerState).toBe('running');
      expect(rescue?.dataDisks).toEqual([]);
      // Created: only the copy (now the OS disk) and, for the online path, a snapshot; nothing deleted.
      expect(created.filter((id) => !isSnapshot(id))).toEqual([status.artifacts.copyDiskId.toLowerCase()]);
      expect(deleted).toEqual([]);
      const steps = status.timeline.map((t: { step: string }) => t.step);
      for (const step of [
        'offline:deallocate',
        'offline:copy',
        'offline:attach',
        'guest:offline-repair',
        'offline:detach',
        'offline:swap',
        'offline:start',
      ]) {
        expect(steps).toContain(step);
      }
    },
  );

  it('offline-did-not-help: rolled back, the original disk is the OS disk again and the VM booted on it', async () => {
    const { status, vm, originalId, originalUnwritten, created } = await run('offline-did-not-help');
    expect(status.outcome.kind).toBe('RolledBack');
    expect(vm.osDiskId?.toLowerCase()).toBe(originalId.toLowerCase());
    expect(vm.powerState).toBe('running');
    expect(originalUnwritten).toBe(true);
    // The repaired copy is kept (it was the OS disk for a while), unattached, tagged with the repair.
    const kept = created.filter((id) => !isSnapshot(id));
    expect(kept).toHaveLength(1);
    expect(kept.every(isCopy)).toBe(true);
    expect(status.findings.map((f: { code: string }) => f.code)).toContain('OfflineRollback');
  });

  it('a slow first boot on the repaired copy: RDP probed until it answers, not judged (and rolled back) while booting', async () => {
    // Windows takes 3 minutes to listen after the start; its agent is Ready after 4: both longer than a few fixed probes.
    const latency = withLatencyOverrides({ rdpListeningAfterBoot: 180_000, agentReadyAfterBoot: 240_000 });
    const { status } = await run('offline-only-gen2', { latency });
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.findings.map((f: { code: string }) => f.code)).not.toContain('OfflineRollback');
    const afterSwap = status.timeline.filter((e: { step: string; detail: string }) => e.step === 'verifyProbe');
    // The refused probes while it boots are one entry that counts them (3 minutes at 15 s polls), then the verdict.
    expect(afterSwap).toHaveLength(2);
    expect(Number(/\((\d+) probes while booting/.exec(afterSwap[0].detail)?.[1])).toBeGreaterThan(4);
    expect(afterSwap[1].detail).toMatch(/^healthy/);
    expect(status.findings.map((f: { code: string }) => f.code)).not.toContain('ProbeVerifyUnreachable');
  });

  it('encrypted-os-disk: refused before any write', async () => {
    const { status, app, vm, created } = await run('encrypted-os-disk');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.advice.join(' ')).toMatch(/key vault/);
    expect(created).toEqual([]);
    expect(app.arm.stats().writes).toBe(0);
    expect(vm.powerState).toBe('running');
  });

  it('swap-fails: a deny policy refuses the swap; the VM runs again on its original disk, NotRepaired, nothing else left', async () => {
    const { status, vm, rescue, originalId, originalUnwritten, created, deleted } = await run('swap-fails');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toMatch(/RequestDisallowedByPolicy|disallowed by policy/);
    expect(status.outcome.reason).toMatch(/started again on its original, unchanged OS disk/);
    expect(vm.osDiskId?.toLowerCase()).toBe(originalId.toLowerCase());
    expect(vm.powerState).toBe('running');
    expect(originalUnwritten).toBe(true);
    expect(status.artifacts.swappedAt).toBeNull();
    expect(status.findings.map((f: { code: string }) => f.code)).toContain('OsDiskSwapRefused');
    expect(rescue?.dataDisks).toEqual([]);
    // The copy that was never swapped in is deleted by the cleanup; nothing is left, nothing else deleted.
    expect(created).toEqual([]);
    expect(deleted).toEqual([]);
    expect(status.cleanup.filter((c: { result: string }) => c.result === 'deleted').map((c: { role: string }) => c.role)).toEqual([
      'os-disk-copy',
    ]);
  });

  it('agent-down ends the same with every activity executed twice: one rescue VM, created once, deleted, nothing leaks', async () => {
    const { status, vm, created, deleted } = await run('agent-down', { executeActivitiesTwice: true });
    expect(status.outcome.kind).toBe('Repaired');
    expect(vm.osDiskId?.toLowerCase()).toBe(status.artifacts.copyDiskId.toLowerCase());
    expect(created).toEqual([status.artifacts.copyDiskId.toLowerCase()]);
    expect(deleted).toEqual([]);
    expect(status.findings.filter((f: { code: string }) => f.code === 'RescueVmCreated')).toHaveLength(1);
  });
});
