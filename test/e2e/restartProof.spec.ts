/**
 * A restart is proven, not assumed (issue 10, defect 3): running with the agent Ready is also what a VM shows
 * when the restart never happened. The guest's LastBootUpTime, read before and after, is the proof; a restart
 * the platform accepted and dropped is its own finding, asked for once more, then an honest NotRepaired.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function repairWithDroppedRestarts(times: number | null) {
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(findScenario('corrupt-certificate')!);
    if (times !== null) app.arm.faults.dropNextAction({ operation: 'virtualMachines.restart', times });
    const { status } = await app.runRepair(seeded.request);
    const restartsAccepted = app.arm.requests().filter((r) => r.operation === 'virtualMachines.restart' && r.status === 202).length;
    return { status, restartsAccepted, leftRuns: app.arm.runCommands.listByVm(seeded.vmId).length };
  } finally {
    await app.close();
  }
}

const codes = (status: { findings: Array<{ code: string }> }) => status.findings.map((f) => f.code);

describe('restart proof', () => {
  it('a clean restart is proven by a changed boot time: one restart, boot-time read before and after', async () => {
    const { status, restartsAccepted } = await repairWithDroppedRestarts(null);
    expect(status.outcome).toMatchObject({ kind: 'Repaired', caveats: [] });
    expect(status.restarts).toBe(1);
    expect(restartsAccepted).toBe(1);
    expect(status.guestRuns.filter((r: { script: string }) => r.script === 'boot-time').map((r: { ended: string }) => r.ended)).toEqual([
      'succeeded',
      'succeeded',
    ]);
  });

  it('a restart accepted and dropped once: found, asked again, repaired with exactly one real reboot', async () => {
    const { status, restartsAccepted, leftRuns } = await repairWithDroppedRestarts(1);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('Repaired');
    expect(codes(status)).toContain('RestartNotObserved');
    expect(codes(status)).not.toContain('RestartDidNotHappen');
    expect(status.restarts).toBe(2);
    expect(restartsAccepted).toBe(2);
    expect(leftRuns).toBe(0);
  });

  it('restarts that never happen: NotRepaired with the finding, after exactly one more try', async () => {
    const { status, restartsAccepted, leftRuns } = await repairWithDroppedRestarts(Infinity);
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toMatch(/Windows did not reboot/);
    expect(codes(status)).toEqual(expect.arrayContaining(['RestartNotObserved', 'RestartDidNotHappen']));
    expect(status.restarts).toBe(2);
    expect(restartsAccepted).toBe(2);
    expect(leftRuns).toBe(0);
  });
});
