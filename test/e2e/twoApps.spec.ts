/**
 * The composition root: each simulated app registers the real app with its own dependencies, so two apps with
 * different settings run side by side in one process without seeing each other's settings, clients or VMs.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

describe('two simulated apps in one process', () => {
  it('each answers with its own settings and its own durable client', async () => {
    const open = await SimulatedRepairApp.start();
    const closed = await SimulatedRepairApp.start({ settings: { REPAIR_ALLOWED_SCOPES: undefined } });
    try {
      const seededOpen = await open.addScenario(findScenario('healthy')!);
      const seededClosed = await closed.addScenario(findScenario('healthy')!);
      const refused = await closed.http('POST', '/api/repairs', seededClosed.request);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('ScopesNotConfigured');
      const { status } = await open.runRepair(seededOpen.request);
      expect(status.outcome.kind).toBe('AlreadyHealthy');
      // The refusing app's emulator never saw the other app's repair.
      expect(closed.emulator.instanceIds()).toEqual([]);
      expect(open.emulator.instanceIds()).toHaveLength(1);
    } finally {
      await closed.close();
      await open.close();
    }
  });
});
