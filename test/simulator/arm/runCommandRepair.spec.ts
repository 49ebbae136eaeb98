/**
 * Whole online repairs at the channel level: diagnose, fix, restart through the real SDK, and the RDP behaviour
 * the harness would give the VM's endpoint, on the virtual clock. Shows the guest following the simulated ARM
 * (a restart applies SCHANNEL, runs Group Policy, brings services back).
 */
import { readGuestScript, startGuestScript } from '../../../src/guest/runCommandChannel';
import { loadGuestScript } from '../../../src/guest/scriptCatalog';
import type { GuestScriptName, GuestScripts } from '../../../src/guest/scriptContracts';
import { parseGuestResult } from '../../../src/guest/scriptResults';
import { toRunCommandParameters } from '../../../src/guest/scriptParameters';
import { createSimulatedArmClients, SimulatedArm } from '../../../src/simulator/arm';
import {
  attachSimulatedGuest,
  guestPortBehaviours,
  rdpEndpoint,
  SimulatedWindowsGuest,
  type WindowsGuestSpec,
} from '../../../src/simulator/guest';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';

const SUB = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const RG = 'rg-rdp-prod';

function world(spec: WindowsGuestSpec) {
  const arm = new SimulatedArm({ seed: 3 });
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
  const { vm } = arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'web01' });
  const guest = new SimulatedWindowsGuest(spec, { nowMs: arm.clock.nowMs() });
  attachSimulatedGuest(arm, vm.id, guest); // recognises the app's own .ps1 texts
  const clients = createSimulatedArmClients(arm);
  let runs = 0;

  /** Start, then "poll with durable timers" (advance the clock 15 s at a time) until the script ends. */
  async function script<N extends GuestScriptName>(name: N, params: GuestScripts[N]['params']): Promise<GuestScripts[N]['result']> {
    const runName = `rdpar-${name}-${++runs}`;
    await startGuestScript(clients, vm.id, {
      runName,
      script: loadGuestScript(name),
      parameters: toRunCommandParameters(name, params),
      timeoutSeconds: 600,
      location: 'westeurope',
    });
    for (let polls = 0; polls < 20; polls += 1) {
      arm.clock.advanceBy(15_000);
      const state = await readGuestScript(clients, vm.id, runName);
      if (state.kind === 'pending' || state.kind === 'running') continue;
      if (state.kind !== 'succeeded') throw new Error(`${name} ended ${JSON.stringify(state)}`);
      const parsed = parseGuestResult(name, state.stdout);
      if (!parsed.ok) throw new Error(parsed.detail);
      return parsed.result as GuestScripts[N]['result'];
    }
    throw new Error(`${name} did not end`);
  }

  async function restart(): Promise<void> {
    await clients.compute(SUB).virtualMachines.restart(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
    arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms + LATENCY_MODEL.agentReadyAfterBoot.ms);
    arm.sync();
  }

  const rdp = () => rdpEndpoint(guest.read(), { nowMs: arm.clock.nowMs() });
  return { arm, guest, script, restart, rdp };
}

test(
  'port held by a stoppable service: diagnose names it, fix-port-conflict frees the port and disables the holder; RDP ' +
    'keeps it after a restart',
  async () => {
    const w = world({ portHolder: { service: 'W3SVC', process: 'w3wp', processId: 5120 } });
    expect(w.rdp()).toEqual({ port: 3389, behaviour: 'foreign-program' });
    const found = await w.script('diagnose', {});
    expect(found.listener).toEqual({ processName: 'w3wp', processId: 5120, serviceName: 'W3SVC', hostedServices: ['W3SVC'] });
    const fixed = await w.script('fix-port-conflict', {
      ServiceName: found.listener.serviceName!,
      RdpPort: found.rdp.portNumber,
      FallbackPort: 3390,
    });
    expect(fixed).toMatchObject({ ok: true, stoppedHolder: true, changes: [{ name: 'Start', before: 2, after: 4 }] });
    expect(w.rdp()).toEqual({ port: 3389, behaviour: 'healthy' });
    // The holder's Start is 4 now (recorded): the conflict does not come back at the next boot (issue 20).
    await w.restart();
    expect(w.rdp()).toEqual({ port: 3389, behaviour: 'healthy' });
  },
);

test('port held by an unstoppable service: RDP moves, the old port keeps answering as the other program', async () => {
  const w = world({ portHolder: { service: 'AppSvc', stoppable: false } });
  const fixed = await w.script('fix-port-conflict', { ServiceName: 'AppSvc', RdpPort: 3389, FallbackPort: 3390 });
  expect(fixed).toMatchObject({ ok: true, stoppedHolder: false, newPort: 3390 });
  expect(guestPortBehaviours(w.guest.read(), { nowMs: w.arm.clock.nowMs() }).map((p) => `${p.port}:${p.behaviour}`)).toEqual([
    '3389:foreign-program',
    '3390:healthy',
  ]);
  await w.restart();
  expect(w.rdp()).toEqual({ port: 3390, behaviour: 'healthy' });
});

test(
  'TLS disabled by a domain policy: enable-tls needs a restart; restoring Group Policy needs another; the policy then ' +
    'shows in diagnose',
  async () => {
    const w = world({
      tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
      domain: { name: 'contoso.com', policyDisablesTls12: true },
    });
    expect(w.rdp().behaviour).toBe('reset-after-client-hello');
    const enabled = await w.script('enable-tls', { AllowLegacyTls: false });
    expect(enabled).toMatchObject({ ok: true, previousGpsvcStart: 2 });
    expect(w.rdp().behaviour).toBe('reset-after-client-hello'); // SCHANNEL has not reloaded
    await w.restart();
    expect(w.rdp().behaviour).toBe('healthy');
    expect((await w.script('diagnose', {})).tls['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 }); // no GP at that boot

    // The SCM read gpsvc Start=4 at that boot and gpsvc refuses Set-Service: the script says a restart is needed.
    const restored = await w.script('restore-group-policy', { PreviousStart: enabled.previousGpsvcStart! });
    expect(restored).toMatchObject({ ok: false, gpupdateExitCode: null, message: expect.stringMatching(/applies at the next restart/) });
    await w.restart(); // Group Policy runs at this boot and the domain policy writes TLS 1.2 off again
    expect(w.rdp().behaviour).toBe('healthy'); // SCHANNEL loaded before the policy wrote
    expect((await w.script('diagnose', {})).tls['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
    await w.restart();
    expect(w.rdp().behaviour).toBe('reset-after-client-hello');
  },
);

test('corrupt certificate key and broken MachineKeys ACL: renew-certificate makes RDP healthy, the ACL backup exists', async () => {
  const w = world({ certificate: 'corrupt-private-key', machineKeysAcl: 'broken' });
  expect(w.rdp().behaviour).toBe('reset-after-client-hello');
  const renewed = await w.script('renew-certificate', { BackupDirectory: 'C:\\rdp-autorepair' });
  expect(renewed.ok).toBe(true);
  // The ACL backup, and the container moved aside because its key still did not open once access was right.
  expect(w.guest.read().files[0]).toBe(renewed.aclBackupPath);
  expect(w.guest.read().files[1]).toMatch(/^C:\\rdp-autorepair\\machinekeys-\d{8}-\d{6}Z\\f686aace/);
  expect(w.rdp().behaviour).toBe('healthy');
  await w.restart();
  expect(w.rdp().behaviour).toBe('healthy');
});

test('the guest follows power changes: a deallocated VM has no listeners, a started one brings RDP back', async () => {
  const w = world({});
  const compute = createSimulatedArmClients(w.arm).compute(SUB);
  await compute.virtualMachines.deallocate(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  expect(w.guest.read().listeners).toEqual([]); // shut down as the deallocation began
  w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
  await compute.virtualMachines.start(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  w.arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
  w.arm.sync();
  expect(w.rdp()).toEqual({ port: 3389, behaviour: 'healthy' });
  expect(w.guest.read().events.map((e) => e.kind)).toEqual(['shutdown', 'boot', 'gp-refresh']);
});
