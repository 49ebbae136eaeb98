/**
 * Crash-replay of the offline repair (issue 14): the simulated worker dies after an activity of the offline
 * child (its result already durable), a new worker with fresh modules replays the history, and the repair must
 * end as the clean run did: the same outcome, the VM on the same OS disk and running, the same resources in the
 * resource group (nothing leaked, nothing extra), the rescue VM with no disk of the repair attached, and the
 * original OS disk's content never written.
 *
 * By default a seeded sample of the offline activities of each offline scenario (SAMPLES_PER_SCENARIO points);
 * FAULT_MATRIX=full crashes after every one of them (minutes). FAULT_MATRIX_SEED picks another sample.
 */
import { SCENARIOS, findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { jestModuleIsolation } from '../support/moduleIsolation';
import { sampleOf, seededRandom } from '../support/seededRandom';

const FULL = process.env.FAULT_MATRIX === 'full';
const SEED = Number(process.env.FAULT_MATRIX_SEED ?? 20261201);
const SAMPLES_PER_SCENARIO = 1;

const OFFLINE_SCENARIOS = SCENARIOS.filter((s) => {
  const request = s.request('/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/z');
  return request.offline === 'auto' || request.offline === 'only';
}).map((s) => s.name);

interface Observed {
  outcome: string;
  runtimeStatus: string;
  osDisk: string;
  powerState: string;
  resources: string[];
  rescueDataDisks: number;
  originalUnwritten: boolean;
  /** 1-based ordinals of the activity executions of the offline child. */
  offlineActivities: Array<{ ordinal: number; name: string }>;
  crashes: number;
  running: string[];
}

function resourceIds(app: SimulatedRepairApp): string[] {
  const store = app.arm.world.store;
  return [...store.virtualMachines.values(), ...store.disks.values(), ...store.networkInterfaces.values(), ...store.snapshots.values()]
    .map((r) => r.id.toLowerCase())
    .sort();
}

async function runOnce(scenario: string, options: SimulatedAppOptions = {}): Promise<Observed> {
  const app = await SimulatedRepairApp.start(options);
  try {
    const seeded = await app.addScenario(findScenario(scenario)!);
    const originalId = app.arm.world.vm(seeded.vmId).osDiskId!;
    const before = JSON.stringify(app.diskContents.contentOf(originalId));
    const { status } = await app.runRepair(seeded.request);
    const vm = app.arm.world.vm(seeded.vmId);
    return {
      outcome: status.outcome.kind,
      runtimeStatus: status.runtimeStatus,
      osDisk: (vm.osDiskId ?? '').toLowerCase(),
      powerState: vm.powerState,
      resources: resourceIds(app),
      rescueDataDisks: seeded.rescueVm ? app.arm.world.vm(seeded.rescueVm.vmId).dataDisks.length : 0,
      originalUnwritten: JSON.stringify(app.diskContents.contentOf(originalId)) === before,
      offlineActivities: app.emulator.activityExecutions
        .map((e, i) => ({ ordinal: i + 1, name: e.name, instanceId: e.instanceId }))
        .filter((e) => e.instanceId.endsWith(':offline:1'))
        .map(({ ordinal, name }) => ({ ordinal, name })),
      crashes: app.emulator.workerCrashes.length,
      running: status.timeline.filter((t: { status: string }) => t.status === 'running').map((t: { step: string }) => t.step),
    };
  } finally {
    await app.close();
  }
}

const tally: string[] = [];

describe(`offline repair: the worker dies after an offline activity (${FULL ? 'every activity' : `sampled, seed ${SEED}`})`, () => {
  it('the catalog has the offline scenarios this covers', () => {
    expect(OFFLINE_SCENARIOS).toEqual(
      expect.arrayContaining(['agent-down', 'offline-only-gen1', 'offline-only-gen2', 'offline-did-not-help', 'swap-fails']),
    );
  });

  it.each(OFFLINE_SCENARIOS)(
    '%s ends as the clean run did',
    async (scenario) => {
      const clean = await runOnce(scenario);
      expect(clean.runtimeStatus).toBe('Completed');
      const next = seededRandom(SEED + scenario.length * 7919);
      const points = FULL ? clean.offlineActivities : sampleOf(clean.offlineActivities, SAMPLES_PER_SCENARIO, next);
      const failures: string[] = [];
      for (const point of points) {
        const run = await runOnce(scenario, {
          isolateModules: jestModuleIsolation,
          workerFaults: { crashAfterActivity: (a) => a.ordinal === point.ordinal },
        });
        const label = `after #${point.ordinal} ${point.name}`;
        if (run.crashes !== 1) failures.push(`${label}: ${run.crashes} crashes delivered`);
        if (run.runtimeStatus !== 'Completed') failures.push(`${label}: runtimeStatus ${run.runtimeStatus}`);
        if (run.outcome !== clean.outcome) failures.push(`${label}: outcome ${run.outcome}, clean ${clean.outcome}`);
        if (run.osDisk !== clean.osDisk) failures.push(`${label}: OS disk ${run.osDisk}, clean ${clean.osDisk}`);
        if (run.powerState !== clean.powerState) failures.push(`${label}: VM ${run.powerState}, clean ${clean.powerState}`);
        if (JSON.stringify(run.resources) !== JSON.stringify(clean.resources)) {
          const extra = run.resources.filter((r) => !clean.resources.includes(r));
          const missing = clean.resources.filter((r) => !run.resources.includes(r));
          failures.push(`${label}: resources differ (extra ${extra.join(', ') || 'none'}; missing ${missing.join(', ') || 'none'})`);
        }
        if (run.rescueDataDisks !== 0) failures.push(`${label}: ${run.rescueDataDisks} disk(s) left on the rescue VM`);
        if (!run.originalUnwritten) failures.push(`${label}: the original OS disk was written`);
        if (run.running.length > 0) failures.push(`${label}: steps still running: ${run.running.join(', ')}`);
      }
      tally.push(`${scenario}: ${points.length} of ${clean.offlineActivities.length} offline activities`);
      expect(failures).toEqual([]);
    },
    FULL ? 1_800_000 : 60_000,
  );

  afterAll(() => console.log(`offline crash-replay (${FULL ? 'full' : `sampled, seed ${SEED}`}):\n  ${tally.join('\n  ')}`));
});
