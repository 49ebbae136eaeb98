import { SCENARIOS, findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

describe('scenarios end to end (real handlers, real orchestrator replayed, simulated ARM, real probe)', () => {
  let app: SimulatedRepairApp;
  afterEach(async () => {
    await app?.close();
  });

  it.each(SCENARIOS.map((s) => [s.name, s.expectedOutcome]))('%s ends %s', async (name) => {
    const scenario = findScenario(name)!;
    app = await SimulatedRepairApp.start();
    const seeded = await app.addScenario(scenario);
    const { start, status } = await app.runRepair(seeded.request);
    expect(start.status).toBe(202);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe(scenario.expectedOutcome);
  });
});
