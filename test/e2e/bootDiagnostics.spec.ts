/**
 * The boot diagnostics reading end to end, when the VM agent is not Ready: what the serial log says decides the
 * route (stop error: end; booted or no output: offline where the request allows it; still booting: one bounded
 * wait), and no SAS URL handed out by the simulated ARM ever reaches history, status or logs.
 */
import { findScenario, SIM_OPERATOR_CIDR } from '../../src/simulator/scenarios/catalog';
import type { Scenario } from '../../src/simulator/scenarios/scenario';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

async function run(
  scenario: Scenario,
  options: SimulatedAppOptions = {},
  request?: (body: Record<string, unknown>) => Record<string, unknown>,
) {
  const app = await SimulatedRepairApp.start(options);
  try {
    const seeded = await app.addScenario(scenario);
    const { start, status } = await app.runRepair(request ? request(seeded.request) : seeded.request);
    return { app, start, status, history: app.emulator.history(start.body.id) };
  } finally {
    await app.close();
  }
}

const codes = (status: { findings: Array<{ code: string }> }) => status.findings.map((f) => f.code);
const ops = (app: SimulatedRepairApp) => app.arm.requests().map((r) => r.operation);

describe('boot diagnostics when the VM agent is not Ready', () => {
  it('boot-stuck-bugcheck: NotRepaired naming the stop code, offline allowed but not started', async () => {
    const { status, app } = await run(findScenario('boot-stuck-bugcheck')!);
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(status.outcome.reason).toContain('0x0000007B (INACCESSIBLE_BOOT_DEVICE)');
    expect(status.outcome.reason).toContain('offline repair cannot fix');
    expect(status.outcome.advice.join(' ')).toContain('Bug check code reference');
    expect(codes(status)).toContain('GuestStopError');
    // No finding advises the offline repair that cannot help.
    expect(codes(status)).not.toContain('OnlineChannelUnavailable');
    // The request allowed offline: nothing of it ran.
    expect(ops(app)).not.toContain('virtualMachines.deallocate');
    expect(ops(app)).not.toContain('disks.createOrUpdate');
    expect(app.arm.stats().writes).toBe(0);
    expect(ops(app)).toContain('virtualMachines.retrieveBootDiagnosticsData');
  });

  it('boot-diagnostics-off: NotRepaired with the finding and how to turn boot diagnostics on', async () => {
    const { status, app } = await run(findScenario('boot-diagnostics-off')!);
    expect(status.outcome.kind).toBe('NotRepaired');
    const finding = status.findings.find((f: { code: string }) => f.code === 'BootDiagnosticsOff');
    expect(finding.advice).toContain('az vm boot-diagnostics enable --resource-group rg-rdp-sim --name vm-nobootdiag');
    expect(status.outcome.caveats.map((c: { check: string }) => c.check)).toContain('bootDiagnostics');
    expect(status.outcome.advice.join(' ')).toContain('"offline": "auto"');
    // Off is read from the VM: retrieveBootDiagnosticsData is not even asked.
    expect(ops(app)).not.toContain('virtualMachines.retrieveBootDiagnosticsData');
    expect(app.arm.stats().writes).toBe(0);
  });

  it('boot-diagnostics-off with offline: auto proceeds offline and repairs', async () => {
    const { status } = await run(findScenario('boot-diagnostics-off')!, {}, (body) => ({
      ...body,
      offline: 'auto',
      rescueVmResourceId: `${body.vmResourceId as string}-rescue`,
    }));
    expect(codes(status)).toContain('BootDiagnosticsOff');
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.path).toBe('offline');
  });

  it.each(['agent-stopped-no-sac', 'agent-down'])(
    '%s: the serial log shows Windows booted; no serial console, so offline',
    async (name) => {
      const { status } = await run(findScenario(name)!);
      expect(codes(status)).toContain('GuestBootedAgentDown');
      expect(status.outcome.kind).toBe('Repaired');
      expect(status.outcome.path).toBe('offline');
      const read = status.timeline.find((t: { step: string }) => t.step === 'readBootDiagnostics');
      expect(read.detail).toContain('booted, SAC ready');
      expect(read.detail).toContain('screenshot available');
    },
  );

  it('a guest stuck applying updates gets one bounded wait and a second reading, then the offline route', async () => {
    const base = findScenario('agent-stopped-no-sac')!;
    const stuck: Scenario = {
      ...base,
      seed: (world, rg) => {
        const seeded = base.seed(world, rg);
        return { ...seeded, guest: { ...seeded.guest, boot: 'booting-updates' } };
      },
    };
    const { status, app } = await run(stuck, {}, (body) => ({ ...body, offline: 'never' }));
    const reads = status.timeline.filter((t: { step: string }) => t.step === 'readBootDiagnostics');
    expect(reads).toHaveLength(2);
    expect(status.timeline.map((t: { step: string }) => t.step)).toContain('waitForBoot');
    expect(codes(status)).toContain('GuestStillBooting');
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(app.arm.requests().filter((r) => r.operation === 'virtualMachines.retrieveBootDiagnosticsData')).toHaveLength(2);
  });

  it('keeps every SAS URL out of history, status and logs', async () => {
    const printed: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' '))),
    );
    try {
      const { status, history, app } = await run(findScenario('agent-down')!);
      const urls = app.arm.bootDiagnostics.issuedUrls;
      expect(urls.length).toBeGreaterThanOrEqual(2);
      const seen = [JSON.stringify(history), JSON.stringify(status), printed.join('\n')].join('\n');
      for (const url of urls) {
        const sig = new URL(url).searchParams.get('sig')!;
        expect(seen).not.toContain(sig);
        expect(seen).not.toContain(new URL(url).pathname);
      }
      expect(seen).not.toContain('blob.core.windows.net');
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('a healthy agent never reads boot diagnostics', async () => {
    const { app } = await run(findScenario('tls-disabled')!, {}, (body) => ({ ...body, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }));
    expect(ops(app)).not.toContain('virtualMachines.retrieveBootDiagnosticsData');
  });
});
