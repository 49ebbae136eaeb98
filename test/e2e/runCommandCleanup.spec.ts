/**
 * No Run Command run outlives a repair (issue 10, defect 1). A delete that ARM accepted can still fail; the
 * sweep at the end of every repair lists this repair's runs, asks again, and confirms none is left, or says
 * plainly which one it could not remove.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function withApp<T>(body: (app: SimulatedRepairApp) => Promise<T>): Promise<T> {
  const app = await SimulatedRepairApp.start();
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

const sweepEntry = (status: { timeline: Array<{ step: string; status: string; detail: string }> }) =>
  status.timeline.filter((t) => t.step === 'sweepGuestScripts');

describe('Run Command cleanup', () => {
  it('a delete accepted (202) whose operation then fails: the run is removed by the sweep, the outcome is unchanged', async () => {
    await withApp(async (app) => {
      const seeded = await app.addScenario(findScenario('port-conflict')!);
      const failed = app.arm.faults.failNextLro({
        operation: 'virtualMachineRunCommands.delete',
        code: 'InternalExecutionError',
        message: 'An internal execution error occurred. Please retry later.',
      });
      const { status } = await app.runRepair(seeded.request);
      expect(failed.remaining()).toBe(0);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.outcome).toMatchObject({ kind: 'Repaired', caveats: [] });
      expect(app.arm.runCommands.listByVm(seeded.vmId)).toEqual([]);
      expect(sweepEntry(status)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    });
  });

  it('a repair that ends early while a script runs (reads refused) still leaves no run behind', async () => {
    await withApp(async (app) => {
      const seeded = await app.addScenario(findScenario('port-conflict')!);
      app.injectArmFault({ method: 'GET', pathPattern: /\/runCommands\/[^/]+-diagnose$/, status: 403, times: Infinity });
      const { status } = await app.runRepair(seeded.request);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.outcome.kind).toBe('NotRepaired');
      expect(app.arm.runCommands.listByVm(seeded.vmId)).toEqual([]);
      expect(sweepEntry(status)).toEqual([expect.objectContaining({ status: 'succeeded' })]);
    });
  });

  it('a run that cannot be removed is named: a finding, a runCommandCleanup caveat, and the sweep step failed', async () => {
    await withApp(async (app) => {
      const seeded = await app.addScenario(findScenario('port-conflict')!);
      app.arm.faults.failNextLro({
        operation: 'virtualMachineRunCommands.delete',
        code: 'InternalExecutionError',
        message: 'An internal execution error occurred.',
        times: Infinity,
      });
      const { status } = await app.runRepair(seeded.request);
      expect(status.runtimeStatus).toBe('Completed');
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.outcome.caveats).toEqual([
        { check: 'runCommandCleanup', reason: expect.stringMatching(/rdpautorepair-\w+-1-diagnose/) },
      ]);
      expect(status.outcome.caveats[0].reason).toMatch(/rdpautorepair-\w+-\d+-fix-port-conflict/);
      expect(status.outcome.reason).toMatch(/Not everything could be checked: runCommandCleanup/);
      expect(status.findings.map((f: { code: string }) => f.code)).toContain('RunCommandLeftOnVm');
      expect(sweepEntry(status)).toEqual([expect.objectContaining({ status: 'failed' })]);
      // The diagnosis and the port fix: both runs are still there, and both are named.
      expect(app.arm.runCommands.listByVm(seeded.vmId)).toHaveLength(2);
    });
  });

  it('repairs that never reach the guest do not sweep', async () => {
    await withApp(async (app) => {
      const seeded = await app.addScenario(findScenario('healthy')!);
      const { status } = await app.runRepair(seeded.request);
      expect(status.outcome.kind).toBe('AlreadyHealthy');
      expect(sweepEntry(status)).toEqual([]);
    });
  });
});
