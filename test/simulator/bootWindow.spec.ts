/**
 * PowerState/running is the platform's word that the VM started, not that Windows booted: the simulated RDP
 * endpoint refuses from the instant the VM becomes running until `rdpListeningAfterBoot` later, and answers after.
 */
import { ArmDriver } from '../../src/simulator/bench/armDriver';
import { vmPublicAddress } from '../../src/simulator/bench/baselineRun';
import { LATENCY_MODEL } from '../../src/simulator/latencyModel';
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

const WINDOW_MS = LATENCY_MODEL.rdpListeningAfterBoot.ms;

test('the boot window is no shorter than the agent needs to report Ready (the pessimistic choice)', () => {
  expect(WINDOW_MS).toBeGreaterThanOrEqual(LATENCY_MODEL.agentReadyAfterBoot.ms);
});

describe('boot window', () => {
  let app: SimulatedRepairApp;
  beforeEach(async () => {
    app = await SimulatedRepairApp.start();
  });
  afterEach(async () => {
    await app.close();
  });

  async function bootOf(action: 'restart' | 'start'): Promise<{ address: string; bootedAtMs: number; vmId: string }> {
    const seeded = await app.addScenario(findScenario('healthy')!);
    const address = vmPublicAddress(app, seeded.vmId)!;
    expect((await app.probe(address, 3389)).verdict).toBe('healthy');
    const driver = new ArmDriver(app, 'boot-window');
    if (action === 'restart') await driver.restart(seeded.vmId);
    else {
      await driver.deallocate(seeded.vmId);
      await driver.start(seeded.vmId);
    }
    const vm = app.arm.world.vm(seeded.vmId);
    expect(vm.powerState).toBe('running');
    return { address, bootedAtMs: vm.bootedAtMs, vmId: seeded.vmId };
  }

  it.each(['restart', 'start'] as const)('after a %s: refused until the guest booted, healthy from then on', async (action) => {
    const { address, bootedAtMs } = await bootOf(action);
    expect(app.clock.nowMs()).toBeLessThan(bootedAtMs + WINDOW_MS);
    const during = await app.probe(address, 3389);
    expect(during).toMatchObject({ verdict: 'unreachable', error: 'ECONNREFUSED' });
    app.clock.advanceTo(bootedAtMs + WINDOW_MS - 1);
    expect((await app.probe(address, 3389)).error).toBe('ECONNREFUSED');
    app.clock.advanceTo(bootedAtMs + WINDOW_MS);
    expect((await app.probe(address, 3389)).verdict).toBe('healthy');
  });
});
