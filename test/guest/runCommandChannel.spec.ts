/**
 * The production guest channel (src/guest/runCommandChannel.ts) against the simulated ARM through the real SDK,
 * with a simulated Windows guest in the VM: one tested outcome per failure mode.
 */
import { AzureOperationError } from '../../src/azure/errors';
import { parseScriptOutput } from '../../src/guest/resultProtocol';
import { GuestScriptBusyError, GuestScriptNameInUseError, GuestScriptVmNotRunningError } from '../../src/guest/runCommandErrors';
import {
  BUSY_RETRY_FLOOR_MS,
  deleteGuestScript,
  listGuestScripts,
  sweepGuestScripts,
  readGuestScript,
  startGuestScript,
  type GuestScriptRequest,
} from '../../src/guest/runCommandChannel';
import type { GuestScriptState } from '../../src/guest/runCommandState';
import { loadGuestScript } from '../../src/guest/scriptCatalog';
import type { DiagnoseResult } from '../../src/guest/scriptContracts';
import { toRunCommandParameters } from '../../src/guest/scriptParameters';
import {
  createSimulatedArmClients,
  EXTENSION_AGENT_TIMEOUT_MS,
  RUN_COMMAND_PICKUP_MS,
  SimulatedArm,
  type RunCommandConcurrency,
} from '../../src/simulator/arm';
import { attachSimulatedGuest, SimulatedWindowsGuest, type WindowsGuestSpec } from '../../src/simulator/guest';
import { LATENCY_MODEL } from '../../src/simulator/latencyModel';

const SUB = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const RG = 'rg-rdp-prod';
/** The app's own script texts: the simulated guest recognises exactly what the app sends. */
const SCRIPTS = {
  diagnose: loadGuestScript('diagnose'),
  'fix-port-conflict': loadGuestScript('fix-port-conflict'),
  'enable-tls': loadGuestScript('enable-tls'),
};
const FIX_PARAMS = toRunCommandParameters('fix-port-conflict', { ServiceName: 'W3SVC', RdpPort: 3389, FallbackPort: 3390 });

function setup(spec: WindowsGuestSpec = {}, options: { power?: 'running' | 'deallocated'; concurrency?: RunCommandConcurrency } = {}) {
  const arm = new SimulatedArm({ seed: 5, ...(options.concurrency ? { runCommandConcurrency: options.concurrency } : {}) });
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
  const { vm } = arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'web01', powerState: options.power ?? 'running' });
  const guest = new SimulatedWindowsGuest(spec, { nowMs: arm.clock.nowMs() });
  attachSimulatedGuest(arm, vm.id, guest);
  return { arm, vmId: vm.id, guest, clients: createSimulatedArmClients(arm), t0: arm.clock.nowMs() };
}

function diagnose(arm: SimulatedArm, runName = 'rdpar-diag-1'): GuestScriptRequest {
  return { runName, script: SCRIPTS.diagnose, parameters: [], timeoutSeconds: 600, location: 'westeurope', submittedAt: arm.clock.now() };
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

test('diagnose: started once, read as pending -> running -> succeeded; the result line parses; the guest is unchanged', async () => {
  const { arm, vmId, guest, clients, t0 } = setup({ portHolder: { service: 'W3SVC' } });
  const before = guest.snapshot();
  expect(await startGuestScript(clients, vmId, diagnose(arm))).toEqual({
    runName: 'rdpar-diag-1',
    created: true,
    submittedAt: new Date(t0).toISOString(),
  });
  expect(await readGuestScript(clients, vmId, 'rdpar-diag-1')).toEqual({ kind: 'pending', submittedAt: new Date(t0).toISOString() });
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
  expect(await readGuestScript(clients, vmId, 'rdpar-diag-1')).toEqual({
    kind: 'running',
    startedAt: new Date(t0 + RUN_COMMAND_PICKUP_MS).toISOString(),
  });
  arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms);
  const done = await readGuestScript(clients, vmId, 'rdpar-diag-1');
  if (done.kind !== 'succeeded') throw new Error(`expected succeeded, got ${JSON.stringify(done)}`);
  const parsed = parseScriptOutput(done.stdout);
  expect(parsed.ok).toBe(true);
  expect((parsed as { result: DiagnoseResult }).result.listener.serviceName).toBe('W3SVC');
  expect({ ...guest.snapshot(), events: [] }).toEqual({ ...before, events: [] });
  // One write in all: the PUT. Everything else was a read.
  expect(arm.stats()).toMatchObject({ writes: 1 });
  expect(arm.requests({ kind: 'write' }).map((r) => r.operation)).toEqual(['virtualMachineRunCommands.createOrUpdate']);
});

test('idempotent start: a re-run finds the run it started and sends nothing; the VM location is read when not given', async () => {
  const { arm, vmId, clients, t0 } = setup();
  const { location: _omitted, ...withoutLocation } = diagnose(arm);
  await startGuestScript(clients, vmId, withoutLocation);
  arm.clock.advanceBy(10_000);
  expect(await startGuestScript(clients, vmId, { ...diagnose(arm), submittedAt: arm.clock.now() })).toEqual({
    runName: 'rdpar-diag-1',
    created: false,
    submittedAt: new Date(t0).toISOString(),
  });
  expect(arm.requests({ method: 'PUT' })).toHaveLength(1);
  expect(arm.requests({ operation: 'virtualMachines.get' })).toHaveLength(1);
});

test('the same run name with another script is refused as a permanent, typed error', async () => {
  const { arm, vmId, clients } = setup();
  await startGuestScript(clients, vmId, diagnose(arm));
  const err = await rejection(
    startGuestScript(clients, vmId, {
      ...diagnose(arm),
      script: SCRIPTS['enable-tls'],
      parameters: toRunCommandParameters('enable-tls', { AllowLegacyTls: false }),
    }),
  );
  expect(err).toBeInstanceOf(GuestScriptNameInUseError);
  expect(err).toMatchObject({ reason: 'nameInUse', kind: 'permanent' });
});

test("agent not Ready: pending for the extension timeout, then agentUnavailable with Azure's message", async () => {
  const { arm, vmId, clients, t0 } = setup({ agent: 'NotReady' });
  await startGuestScript(clients, vmId, diagnose(arm));
  arm.clock.advanceTo(t0 + 30 * 60_000);
  expect(await readGuestScript(clients, vmId, 'rdpar-diag-1')).toMatchObject({ kind: 'pending' });
  arm.clock.advanceTo(t0 + EXTENSION_AGENT_TIMEOUT_MS);
  const state = await readGuestScript(clients, vmId, 'rdpar-diag-1');
  expect(state).toEqual({ kind: 'agentUnavailable', message: expect.stringMatching(/has not reported status for VM agent/) });
});

test('VM not running: a typed permanent error on start; delete reports vmNotRunning instead of failing', async () => {
  const { arm, vmId, clients } = setup({}, { power: 'deallocated' });
  const err = await rejection(startGuestScript(clients, vmId, diagnose(arm)));
  expect(err).toBeInstanceOf(GuestScriptVmNotRunningError);
  expect(err).toMatchObject({ reason: 'vmNotRunning', kind: 'permanent', statusCode: 409, code: 'OperationNotAllowed' });

  const running = setup();
  await startGuestScript(running.clients, running.vmId, diagnose(running.arm));
  await running.clients.compute(SUB).virtualMachines.deallocate(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  running.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
  expect(await deleteGuestScript(running.clients, running.vmId, 'rdpar-diag-1')).toEqual({
    outcome: 'vmNotRunning',
    message: 'Cannot modify extensions in the VM when the VM is not running.',
  });
});

test('another run command executing: a typed transient busy error; the start succeeds once the first ended', async () => {
  const { arm, vmId, clients, t0 } = setup();
  await startGuestScript(clients, vmId, diagnose(arm, 'first'));
  const err = await rejection(startGuestScript(clients, vmId, diagnose(arm, 'second')));
  expect(err).toBeInstanceOf(GuestScriptBusyError);
  expect(err).toBeInstanceOf(AzureOperationError);
  expect(err).toMatchObject({ reason: 'busy', kind: 'transient', statusCode: 409, code: 'Conflict' });
  expect(err.suggestedRetryMs).toBeGreaterThanOrEqual(BUSY_RETRY_FLOOR_MS);
  arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms);
  expect(await startGuestScript(clients, vmId, diagnose(arm, 'second'))).toMatchObject({ created: true });
});

test('a VM in the middle of a restart is busy too (409 OperationNotAllowed, in progress)', async () => {
  const { arm, vmId, clients } = setup();
  await clients.compute(SUB).virtualMachines.restart(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  const err = await rejection(startGuestScript(clients, vmId, diagnose(arm)));
  expect(err).toBeInstanceOf(GuestScriptBusyError);
  expect(err).toMatchObject({ code: 'OperationNotAllowed', kind: 'transient' });
});

test('a script that outlives timeoutSeconds reads timedOut, and its change never happens', async () => {
  const { arm, vmId, guest, clients, t0 } = setup({
    portHolder: { service: 'W3SVC' },
    scriptDelaysMs: { 'fix-port-conflict': 10 * 60_000 },
  });
  await startGuestScript(clients, vmId, {
    runName: 'rdpar-fix-1',
    script: SCRIPTS['fix-port-conflict'],
    parameters: FIX_PARAMS,
    timeoutSeconds: 120,
    location: 'westeurope',
  });
  arm.clock.advanceTo(t0 + RUN_COMMAND_PICKUP_MS + 120_000);
  expect(await readGuestScript(clients, vmId, 'rdpar-fix-1')).toMatchObject({
    kind: 'timedOut',
    message: expect.stringMatching(/120 seconds/),
  });
  expect(guest.holderOf(3389)?.name).toBe('W3SVC');
});

test('script failures read as failed with a stderr summary: a parameter-binding error, a script the simulator does not know', async () => {
  const { arm, vmId, clients, t0 } = setup({}, { concurrency: 'parallel' });
  await startGuestScript(clients, vmId, {
    runName: 'bad-params',
    script: SCRIPTS['enable-tls'],
    parameters: [{ name: 'AllowLegacyTls', value: 'maybe' }],
    timeoutSeconds: 300,
    location: 'westeurope',
  });
  await startGuestScript(clients, vmId, {
    runName: 'unknown',
    script: 'Get-Date',
    parameters: [],
    timeoutSeconds: 300,
    location: 'westeurope',
  });
  arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms + 5_000);
  const badParams = await readGuestScript(clients, vmId, 'bad-params');
  expect(badParams).toMatchObject({ kind: 'failed', exitCode: 1, executionState: 'Failed' });
  expect((badParams as Extract<GuestScriptState, { kind: 'failed' }>).stderrSummary).toMatch(
    /^C:\\.*enable-tls\.ps1 : Cannot validate argument on parameter 'AllowLegacyTls'/,
  );
  expect(await readGuestScript(clients, vmId, 'unknown')).toMatchObject({
    kind: 'failed',
    exitCode: 1,
    stderrSummary: expect.stringMatching(/^SIMULATED guest: the script sent is none/),
  });
});

test(
  'injected faults: transient HTTP errors are retried by the SDK; exhausted ones are transient errors; a failed LRO reads ' + 'as failed',
  async () => {
    const { arm, vmId, clients, t0 } = setup();
    arm.faults.inject({ operation: 'virtualMachineRunCommands.createOrUpdate', status: 500, times: 1 });
    arm.faults.inject({ operation: 'virtualMachineRunCommands.getByVirtualMachine', networkError: 'ECONNRESET', times: 1 });
    arm.faults.inject({ operation: 'virtualMachineRunCommands.getByVirtualMachine', status: 429, retryAfterMs: 5, times: 1 });
    expect(await startGuestScript(clients, vmId, diagnose(arm))).toMatchObject({ created: true });
    expect(arm.requests({ operation: 'virtualMachineRunCommands.createOrUpdate' }).map((r) => r.status)).toEqual([500, 201]);

    arm.faults.inject({ operation: 'virtualMachineRunCommands.getByVirtualMachine', status: 503, times: Infinity });
    const unavailable = await rejection(readGuestScript(clients, vmId, 'rdpar-diag-1'));
    expect(unavailable).toBeInstanceOf(AzureOperationError);
    expect(unavailable).toMatchObject({ kind: 'transient', statusCode: 503 });
    arm.faults.clear();

    arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms);
    arm.faults.failNextLro({
      operation: 'virtualMachineRunCommands.createOrUpdate',
      code: 'InternalExecutionError',
      message: 'Internal execution error.',
    });
    await startGuestScript(clients, vmId, diagnose(arm, 'doomed'));
    arm.clock.advanceBy(LATENCY_MODEL.runCommand.ms);
    expect(await readGuestScript(clients, vmId, 'doomed')).toMatchObject({
      kind: 'failed',
      exitCode: null,
      message: 'Internal execution error.',
      stderrSummary: 'Internal execution error.',
    });

    arm.faults.inject({ operation: 'virtualMachineRunCommands.createOrUpdate', status: 403 });
    const denied = await rejection(startGuestScript(clients, vmId, diagnose(arm, 'denied')));
    expect(denied).toMatchObject({
      kind: 'permanent',
      details: { missingPermission: 'Microsoft.Compute/virtualMachines/runCommands/write' },
    });
  },
);

test('delete: accepted while running (the script is terminated: reads Canceled while Deleting), idempotent, then notFound', async () => {
  const { arm, vmId, guest, clients } = setup({ portHolder: { service: 'W3SVC' } });
  await startGuestScript(clients, vmId, {
    runName: 'rdpar-fix-1',
    script: SCRIPTS['fix-port-conflict'],
    parameters: FIX_PARAMS,
    timeoutSeconds: 300,
    location: 'westeurope',
  });
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
  expect(await deleteGuestScript(clients, vmId, 'rdpar-fix-1')).toEqual({ outcome: 'requested' });
  expect(await readGuestScript(clients, vmId, 'rdpar-fix-1')).toMatchObject({ kind: 'failed', executionState: 'Canceled' });
  expect(await deleteGuestScript(clients, vmId, 'rdpar-fix-1')).toEqual({ outcome: 'requested' });
  arm.clock.advanceBy(LATENCY_MODEL.runCommand.ms);
  expect(await readGuestScript(clients, vmId, 'rdpar-fix-1')).toEqual({ kind: 'notFound' });
  expect(await deleteGuestScript(clients, vmId, 'never-existed')).toEqual({ outcome: 'requested' });
  expect(guest.holderOf(3389)?.name).toBe('W3SVC'); // terminated before it could act
});

test('a finished run keeps reading as finished while its deletion is under way (read, delete, read again: same answer)', async () => {
  const { arm, vmId, clients, t0 } = setup();
  await startGuestScript(clients, vmId, diagnose(arm));
  arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms);
  const first = await readGuestScript(clients, vmId, 'rdpar-diag-1');
  await deleteGuestScript(clients, vmId, 'rdpar-diag-1');
  expect(await readGuestScript(clients, vmId, 'rdpar-diag-1')).toEqual(first);
  expect(first.kind).toBe('succeeded');
});

test('listGuestScripts names only the run commands this app created', async () => {
  const { arm, vmId, clients, t0 } = setup({}, { concurrency: 'parallel' });
  await startGuestScript(clients, vmId, diagnose(arm, 'rdpar-diag-1'));
  await clients
    .compute(SUB)
    .virtualMachineRunCommands.createOrUpdate(RG, 'web01', 'someone-elses', { location: 'westeurope', source: { script: 'Get-Date' } })
    .submitted();
  arm.clock.advanceTo(t0 + 1);
  expect(await listGuestScripts(clients, vmId)).toEqual([{ runName: 'rdpar-diag-1', provisioningState: 'Creating' }]);
  expect(await listGuestScripts(clients, vmId, 'rdpar-other-')).toEqual([]);
});

test('a delete that ARM accepted and then failed leaves the run; the sweep sees it, asks again, and reports it gone', async () => {
  const { arm, vmId, clients, t0 } = setup();
  await startGuestScript(clients, vmId, diagnose(arm, 'rdpar-diag-1'));
  arm.clock.advanceTo(t0 + LATENCY_MODEL.runCommand.ms);
  arm.faults.failNextLro({
    operation: 'virtualMachineRunCommands.delete',
    code: 'InternalExecutionError',
    message: 'An internal execution error occurred.',
  });
  expect(await deleteGuestScript(clients, vmId, 'rdpar-diag-1')).toEqual({ outcome: 'requested' });
  arm.clock.advanceBy(LATENCY_MODEL.resourceDelete.ms);
  expect(await listGuestScripts(clients, vmId)).toEqual([{ runName: 'rdpar-diag-1', provisioningState: 'Succeeded' }]);
  expect(await sweepGuestScripts(clients, vmId, 'rdpar-')).toEqual([{ runName: 'rdpar-diag-1', state: 'deleteRequested' }]);
  expect(await sweepGuestScripts(clients, vmId, 'rdpar-')).toEqual([{ runName: 'rdpar-diag-1', state: 'deleting' }]);
  arm.clock.advanceBy(LATENCY_MODEL.resourceDelete.ms);
  expect(await sweepGuestScripts(clients, vmId, 'rdpar-')).toEqual([]);
  await expect(sweepGuestScripts(clients, vmId, '')).rejects.toThrow(RangeError);
});

test('requests the channel refuses before calling Azure', async () => {
  const { arm, vmId, clients } = setup();
  await expect(startGuestScript(clients, vmId, { ...diagnose(arm), runName: 'has space' })).rejects.toThrow(RangeError);
  await expect(startGuestScript(clients, vmId, { ...diagnose(arm), timeoutSeconds: 0 })).rejects.toThrow(RangeError);
  expect(arm.stats().total).toBe(0);
});
