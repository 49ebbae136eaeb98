/**
 * The simulated app under worker faults: the worker dies after an activity (the app is loaded again in fresh
 * modules and wired again) or an activity's result is lost and it runs again. The repair must end as it does
 * without the fault. These are the harness's own checks; the fault matrix samples the same options.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { jestModuleIsolation } from '../support/moduleIsolation';

async function run(name: string, options: SimulatedAppOptions = {}) {
  const app = await SimulatedRepairApp.start({ isolateModules: jestModuleIsolation, ...options });
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    const firstRegistry = app.registry;
    const { status } = await app.runRepair(seeded.request);
    return { app, status, firstRegistry, writes: app.arm.stats().writes };
  } finally {
    await app.close();
  }
}

describe('simulated app under worker faults', () => {
  // Every third activity: a restart reloads the whole app (0.4-1.3 s under jest on a busy machine); after every
  // one of its ~23 activities this test alone would cost 10-30 s.
  it('ends port-conflict the same way when the worker dies after every third activity', async () => {
    const clean = await run('port-conflict');
    const started = Date.now();
    const crashed = await run('port-conflict', { workerFaults: { crashAfterActivity: (p) => p.ordinal % 3 === 0 } });
    const elapsed = Date.now() - started;
    expect(crashed.status.outcome.kind).toBe(clean.status.outcome.kind);
    expect(crashed.status.changes).toEqual(clean.status.changes.map((c: object) => ({ ...c, at: expect.any(String) })));
    expect(crashed.writes).toBe(clean.writes);
    const crashes = crashed.app.emulator.workerCrashes.length;
    expect(crashes).toBe(Math.floor(crashed.app.emulator.activityExecutions.length / 3));
    expect(crashes).toBeGreaterThanOrEqual(4);
    // Each restart is a new registry of freshly loaded modules, not the first worker's.
    expect(crashed.app.registry).not.toBe(crashed.firstRegistry);
    // Printed so the cost of a restart is visible when sampling a fault matrix.
    process.stdout.write(
      `worker restarts: ${crashes} in ${elapsed} ms (${Math.round(elapsed / Math.max(1, crashes))} ms each, whole run)\n`,
    );
  });

  it('ends healthy the same way when the first activity result is lost and it runs again', async () => {
    const clean = await run('healthy');
    const lost = await run('healthy', { workerFaults: { loseActivityResult: (p) => p.ordinal === 1 } });
    expect(lost.status.outcome.kind).toBe(clean.status.outcome.kind);
    const executions = lost.app.emulator.activityExecutions;
    expect(executions[0]).toMatchObject({ resultLost: true, delivery: 1 });
    expect(executions[1]).toMatchObject({
      name: executions[0].name,
      taskScheduledId: executions[0].taskScheduledId,
      delivery: 2,
      resultLost: false,
    });
    expect(lost.app.emulator.workerCrashes.map((c) => c.cause)).toEqual(['lostResult']);
  });
});
