/**
 * After a restart RDP is verified as soon as it answers, and the restart is still proven, not assumed (issue 10,
 * defect 3; issue 18): running with the agent Ready is also what a VM shows when the restart never happened. The
 * diagnosis's LastBootUpTime is the "before", the boot-time run after the verify probe the "after". A restart the
 * platform dropped is its own finding: asked for once more while RDP is still broken, then an honest NotRepaired;
 * when RDP already works without the reboot, a warning and a caveat instead of a second restart.
 */
import { LATENCY_MODEL, withLatencyOverrides } from '../../src/simulator/latencyModel';
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

interface Entry {
  step: string;
  status: string;
  startedAt: string;
  endedAt: string | null;
  detail: string;
}

async function repair(
  scenario: string,
  options: { dropRestarts?: number; app?: SimulatedAppOptions; prepare?: (app: SimulatedRepairApp, vmId: string) => void } = {},
) {
  const app = await SimulatedRepairApp.start(options.app ?? {});
  try {
    const seeded = await app.addScenario(findScenario(scenario)!);
    if (options.dropRestarts !== undefined)
      app.arm.faults.dropNextAction({ operation: 'virtualMachines.restart', times: options.dropRestarts });
    const agentReadyAt: number[] = [];
    app.arm.onChange((change) => {
      if (change.kind === 'agentStatus' && change.to === 'Ready' && change.from !== undefined) agentReadyAt.push(change.at.getTime());
    });
    options.prepare?.(app, seeded.vmId);
    const { status } = await app.runRepair(seeded.request);
    const restartsAccepted = app.arm.requests().filter((r) => r.operation === 'virtualMachines.restart' && r.status === 202).length;
    return { status, restartsAccepted, agentReadyAt, leftRuns: app.arm.runCommands.listByVm(seeded.vmId).length };
  } finally {
    await app.close();
  }
}

const codes = (status: { findings: Array<{ code: string }> }) => status.findings.map((f) => f.code);
const entries = (status: { timeline: Entry[] }, step: string) => status.timeline.filter((e) => e.step === step);
const ms = (iso: string | null) => Date.parse(iso ?? '');

describe('restart: verify as soon as RDP answers, then prove the reboot', () => {
  it('a clean restart: no boot-time run before it (the diagnosis read it), one after the verify probe', async () => {
    const { status, restartsAccepted, agentReadyAt } = await repair('corrupt-certificate');
    expect(status.outcome).toMatchObject({ kind: 'Repaired', caveats: [] });
    expect(status.restarts).toBe(1);
    expect(restartsAccepted).toBe(1);
    const restart = entries(status, 'restartVm');
    const bootTime = entries(status, 'guest:boot-time');
    expect(bootTime.map((e) => e.status)).toEqual(['succeeded']);
    expect(ms(bootTime[0].startedAt)).toBeGreaterThan(ms(restart[0].startedAt));
    // The probes after the restart: refused while Windows boots, then the healthy verdict; no probe after the proof.
    const probes = entries(status, 'verifyProbe').filter((e) => ms(e.startedAt) > ms(restart[0].startedAt));
    expect(probes.length).toBeGreaterThan(1);
    expect(probes.slice(0, -1).every((e) => /^unreachable/.test(e.detail))).toBe(true);
    expect(probes.at(-1)!.detail).toMatch(/^healthy/);
    expect(ms(probes.at(-1)!.endedAt)).toBeLessThanOrEqual(ms(bootTime[0].startedAt));
    expect(status.probes.verify.verdict).toBe('healthy');
    // Refused probes while booting are no verdict: no finding of theirs.
    expect(codes(status)).not.toContain('ProbeVerifyUnreachable');
    expect(agentReadyAt.length).toBeGreaterThan(0);
  });

  it('a guest that boots before its agent is Ready: verified before agent Ready, the boot proof still after', async () => {
    const latency = withLatencyOverrides({ rdpListeningAfterBoot: 15_000 });
    expect(latency.agentReadyAfterBoot.ms).toBe(LATENCY_MODEL.agentReadyAfterBoot.ms);
    const { status, agentReadyAt } = await repair('corrupt-certificate', { app: { latency } });
    expect(status.outcome).toMatchObject({ kind: 'Repaired', caveats: [] });
    const healthy = entries(status, 'verifyProbe').filter((e) => /^healthy/.test(e.detail));
    expect(healthy).toHaveLength(1);
    const readyAt = agentReadyAt.at(-1)!;
    expect(ms(healthy[0].endedAt)).toBeLessThan(readyAt);
    const wait = entries(status, 'waitVmAgent');
    expect(wait).toHaveLength(1);
    expect(wait[0]).toMatchObject({ status: 'succeeded', detail: 'VM agent Ready' });
    const bootTime = entries(status, 'guest:boot-time');
    expect(bootTime).toHaveLength(1);
    expect(ms(bootTime[0].startedAt)).toBeGreaterThanOrEqual(readyAt);
  });

  it('RDP healthy but Windows did not reboot: a warning and the caveat rebootConfirmed, no second restart', async () => {
    // The certificate fix restarts TermService itself, so RDP works even though the platform dropped the restart.
    const { status, restartsAccepted, leftRuns } = await repair('corrupt-certificate', { dropRestarts: Infinity });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.caveats).toEqual([expect.objectContaining({ check: 'rebootConfirmed' })]);
    expect(status.findings).toContainEqual(expect.objectContaining({ code: 'RestartNotObserved', severity: 'warning' }));
    expect(codes(status)).not.toContain('RestartDidNotHappen');
    expect(status.restarts).toBe(1);
    expect(restartsAccepted).toBe(1);
    expect(leftRuns).toBe(0);
  });

  it('RDP healthy but the agent never Ready again: the caveat, not RestartTimedOut', async () => {
    const { status } = await repair('corrupt-certificate', {
      app: { settings: { RESTART_TIMEOUT_MINUTES: '3' } },
      prepare: (app) =>
        app.arm.onChange((change) => {
          if (change.kind === 'powerState' && change.to === 'starting') app.arm.world.setAgentHealth(change.vmId, 'NotReady');
        }),
    });
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.caveats).toEqual([expect.objectContaining({ check: 'rebootConfirmed' })]);
    expect(codes(status)).toContain('AgentNotReadyAfterRestart');
    expect(codes(status)).not.toContain('RestartTimedOut');
    expect(entries(status, 'guest:boot-time')).toHaveLength(0);
    expect(entries(status, 'waitVmAgent')[0]).toMatchObject({ status: 'failed' });
  });

  it('a restart accepted and dropped once while RDP still fails: found, asked again, repaired with one real reboot', async () => {
    // TLS 1.2 takes effect only at boot: without the reboot RDP stays broken.
    const { status, restartsAccepted, leftRuns } = await repair('tls-disabled', { dropRestarts: 1 });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('Repaired');
    expect(codes(status)).toContain('RestartNotObserved');
    expect(codes(status)).not.toContain('RestartDidNotHappen');
    expect(status.restarts).toBe(2);
    expect(restartsAccepted).toBe(2);
    expect(leftRuns).toBe(0);
  });

  it('restarts that never happen while RDP fails: NotRepaired with the finding, after exactly one more try', async () => {
    const { status, restartsAccepted, leftRuns } = await repair('tls-disabled', { dropRestarts: Infinity });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toMatch(/Windows did not reboot/);
    expect(codes(status)).toEqual(expect.arrayContaining(['RestartNotObserved', 'RestartDidNotHappen']));
    expect(status.restarts).toBe(2);
    expect(restartsAccepted).toBe(2);
    expect(leftRuns).toBe(0);
  });

  it('a guest that never answers within the timeout: NotRepaired with RestartTimedOut', async () => {
    const { status } = await repair('corrupt-certificate', {
      app: { settings: { RESTART_TIMEOUT_MINUTES: '3' } },
      prepare: (app) =>
        app.arm.onChange((change) => {
          // While the VM restarts: its agent breaks and TermService is disabled, so nothing answers after the boot.
          if (change.kind !== 'powerState' || change.to !== 'starting') return;
          app.arm.world.setAgentHealth(change.vmId, 'NotReady');
          app.guestOf(change.vmId)?.setServiceStart('TermService', 4);
        }),
    });
    expect(status.runtimeStatus).toBe('Completed');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toContain('did not come back');
    expect(codes(status)).toContain('RestartTimedOut');
    expect(codes(status)).toContain('ProbeVerifyUnreachable');
    expect(entries(status, 'guest:boot-time')).toHaveLength(0);
    // Minutes of refused probes are one timeline entry that counts them, so the custom status stays bounded.
    const restartedAt = ms(entries(status, 'restartVm')[0].startedAt);
    const probes = entries(status, 'verifyProbe').filter((e) => ms(e.startedAt) > restartedAt);
    expect(probes).toHaveLength(1);
    expect(Number(/\((\d+) probes while booting/.exec(probes[0].detail)?.[1])).toBeGreaterThan(3);
  });
});
