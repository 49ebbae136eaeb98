/**
 * The serial console channel end to end: the real orchestrator, the real activity with the real SDK clients
 * (@azure/arm-serialconsole, @azure/keyvault-secrets) on the simulated ARM and Key Vault, the real websocket client
 * against the simulated gateway on 127.0.0.1 speaking SAC. Each fault ends in a bounded, named finding.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import type { GatewayFault } from '../../src/simulator/serialConsole/simulatedSerialConsole';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

jest.setTimeout(60_000);

async function run(
  prepare: (app: SimulatedRepairApp, vmId: string) => void = () => undefined,
  options: SimulatedAppOptions = {},
  request: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r,
) {
  const app = await SimulatedRepairApp.start({ serialConsoleTimeouts: { promptMs: 300, stepMs: 300 }, ...options });
  try {
    const seeded = await app.addScenario(findScenario('agent-stopped-sac')!);
    prepare(app, seeded.vmId);
    const startedMs = app.clock.nowMs();
    const { status } = await app.runRepair(request(seeded.request));
    // Whatever happened, the session was closed.
    expect(app.serialConsole.openSessions()).toBe(0);
    return {
      app,
      seeded,
      status,
      minutes: (app.clock.nowMs() - startedMs) / 60_000,
      transcript: app.serialConsole.transcript(seeded.vmId),
    };
  } finally {
    await app.close();
  }
}

const codes = (status: any): string[] => status.findings.map((f: { code: string }) => f.code);

describe('agent-stopped-sac', () => {
  it('brings the agent back through SAC, then repairs online: path serial, no disk swapped', async () => {
    const { status, app, transcript } = await run();
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.path).toBe('serial');
    expect(status.artifacts.copyDiskId ?? null).toBeNull();
    expect(app.arm.requests().filter((r) => r.operation === 'virtualMachines.deallocate')).toHaveLength(0);
    const typed = status.timeline
      .filter((t: { step: string }) => t.step === 'serialConsole:typed')
      .map((t: { detail: string }) => t.detail);
    expect(typed).toEqual(expect.arrayContaining(['cmd', 'ch -sn Cmd0001', 'sc.exe config WindowsAzureGuestAgent start= auto', 'exit']));
    expect(typed).toContain('<password from Key Vault>');
    // The online repair ran through Run Command after the session.
    expect(status.guestRuns.map((r: { script: string }) => r.script)).toEqual(expect.arrayContaining(['diagnose', 'enable-tls']));
    // What the console showed (what the boot diagnostics log keeps) has the user name but never the password.
    expect(transcript).toContain('Username: ');
    expect(transcript).not.toContain('Sim-Only-Pa55word!');
  });

  it('keeps the password out of the status, the history and the Key Vault log', async () => {
    const { status, app } = await run();
    expect(JSON.stringify(status)).not.toContain('Sim-Only-Pa55word!');
    const history = JSON.stringify(app.emulator.history(status.id));
    expect(history.length).toBeGreaterThan(100);
    expect(history).not.toContain('Sim-Only-Pa55word!');
    expect(JSON.stringify(app.keyVault.requests())).not.toContain('Sim-Only-Pa55word!');
    expect(app.keyVault.requests().filter((r) => r.status === 200)).toHaveLength(1);
  });
});

describe('serial console faults end in a bounded, honest finding', () => {
  const faults: Array<[string, (app: SimulatedRepairApp, vmId: string) => void, string]> = [
    [
      'refused connects',
      (app, vm) => app.serialConsole.injectFault(vm, { kind: 'refuse', times: 5 } satisfies GatewayFault),
      'SerialConsoleRefused',
    ],
    ['a session kicked by another', (app, vm) => app.serialConsole.injectFault(vm, { kind: 'kickAfterLogin' }), 'SerialConsoleKicked'],
    ['a hung prompt', (app, vm) => app.serialConsole.injectFault(vm, { kind: 'hang' }), 'SerialConsoleTimedOut'],
    ['garbage bytes', (app, vm) => app.serialConsole.injectFault(vm, { kind: 'garbage' }), 'SerialConsoleUnreadable'],
    [
      'a wrong password',
      (app) => app.keyVault.setSecret('vm-agentstopped-login', JSON.stringify({ username: 'rdpadmin', password: 'wrong' })),
      'SerialConsoleLoginFailed',
    ],
    ['no SAC on the port', (app, vm) => app.serialConsole.updateVm(vm, { sac: false }), 'SerialConsoleNoSacPrompt'],
    [
      'the console disabled for the subscription',
      (app, vm) => app.serialConsole.disableForSubscription(vm.split('/')[2]!),
      'SerialConsoleConsoleDisabled',
    ],
    ['a ReadOnly lock', (app, vm) => app.serialConsole.updateVm(vm, { readOnlyLock: true }), 'SerialConsoleLocked'],
    [
      'a secret that is not JSON',
      (app) => app.keyVault.setSecret('vm-agentstopped-login', 'rdpadmin:hunter2'),
      'SerialConsoleSecretUnavailable',
    ],
  ];

  it.each(faults)('%s: NotRepaired without offline, with the finding and advice', async (_name, prepare, code) => {
    const { status } = await run(prepare, {}, ({ offline: _o, rescueVmResourceId: _r, ...rest }) => rest);
    expect(status.outcome.kind).toBe('NotRepaired');
    expect(codes(status)).toContain(code);
    const finding = status.findings.find((f: { code: string }) => f.code === code);
    expect(finding.advice.length).toBeGreaterThan(20);
    expect(status.timeline.every((t: { status: string }) => t.status !== 'running')).toBe(true);
    expect(JSON.stringify(status)).not.toContain('hunter2');
  });

  it('refused connects go offline when the request allows it, and the VM is repaired there', async () => {
    const { status } = await run((app, vm) => app.serialConsole.injectFault(vm, { kind: 'refuse', times: 5 }));
    expect(codes(status)).toContain('SerialConsoleRefused');
    expect(status.outcome.kind).toBe('Repaired');
    expect(status.outcome.path).toBe('offline');
  });

  it('a gateway that refuses once is retried, and the session goes on', async () => {
    const { status, app } = await run((a, vm) => a.serialConsole.injectFault(vm, { kind: 'refuse', times: 1 }));
    expect(status.outcome.path).toBe('serial');
    expect(app.serialConsole.events.filter((e) => e.startsWith('connect'))).toHaveLength(2);
  });
});

describe('diagnose mode', () => {
  it('does not log in: the login is a planned change only', async () => {
    const { status, app } = await run(undefined, {}, (r) => ({ ...r, mode: 'diagnose', offline: 'never' }));
    expect(status.outcome.kind).toBe('Diagnosed');
    expect(app.serialConsole.events).toHaveLength(0);
    expect(status.plannedChanges.map((c: { property: string }) => c.property)).toContain('service WindowsAzureGuestAgent');
    expect(status.changes).toHaveLength(0);
  });
});

describe('the serialConsoleLogin approval gate', () => {
  it('waits for approval before the login, and a rejection ends it with nothing typed', async () => {
    const app = await SimulatedRepairApp.start({ serialConsoleTimeouts: { promptMs: 300, stepMs: 300 } });
    try {
      const seeded = await app.addScenario(findScenario('agent-stopped-sac')!);
      const start = await app.http('POST', '/api/repairs', { ...seeded.request, approval: 'beforeDisruptive' });
      expect(start.status).toBe(202);
      const id = start.body.id;
      let status: any;
      for (let i = 0; i < 500; i += 1) {
        await app.emulator.step();
        status = (await app.http('GET', `/api/repairs/${encodeURIComponent(id)}`)).body;
        if (status.waitingFor) break;
      }
      expect(status.waitingFor.step).toBe('serialConsoleLogin');
      const rejected = await app.http('POST', `/api/repairs/${encodeURIComponent(id)}/reject`, { step: 'serialConsoleLogin', by: 'ops' });
      expect(rejected.status).toBeLessThan(300);
      const final = await app.followRepair(id);
      expect(final.outcome.kind).toBe('NotRepaired');
      expect(app.serialConsole.events).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
