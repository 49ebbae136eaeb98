/**
 * The simulated ARM's managed Run Command, through the REAL ComputeManagementClient: wire shapes, the PUT's
 * long-running operation, execution on the virtual clock, the 4096-byte output window, and each failure mode
 * (agent never Ready, VM not running, VM busy, another execution, timeout, restart, delete, injected faults).
 * Guests here are small test doubles of the RunCommandGuest port, so the ARM is tested on its own.
 */
import { restorePoller, type VirtualMachineRunCommand } from '@azure/arm-compute';
import { AzureOperationError } from '../../../src/azure/errors';
import { pollLroOnce, startLro } from '../../../src/azure/lro';
import {
  createSimulatedArmClients,
  RUN_COMMAND_ERRORS,
  RUN_COMMAND_PICKUP_MS,
  SimulatedArm,
  type RunCommandConcurrency,
  type RunCommandExecution,
  type RunCommandGuest,
} from '../../../src/simulator/arm';
import { EXTENSION_AGENT_TIMEOUT_MS } from '../../../src/simulator/arm/runCommand/timing';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';

const SUB = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const RG = 'rg-rdp-prod';
const SCRIPT_MS = LATENCY_MODEL.runCommand.ms; // PUT -> end of a script without extra work

/** A guest double: records executions, answers with a fixed outcome after `work` ms of extra work. */
class RecordingGuest implements RunCommandGuest {
  readonly completed: Array<{ execution: RunCommandExecution; atMs: number }> = [];
  constructor(
    private readonly outcome = { exitCode: 0, stdout: 'hello\n', stderr: '' },
    private readonly work = 0,
  ) {}
  workMs(): number {
    return this.work;
  }
  complete(execution: RunCommandExecution, atMs: number) {
    this.completed.push({ execution, atMs });
    return this.outcome;
  }
}

function setup(options: { agent?: 'Ready' | 'NotReady'; power?: 'running' | 'deallocated'; concurrency?: RunCommandConcurrency } = {}) {
  const arm = new SimulatedArm({ seed: 11, ...(options.concurrency ? { runCommandConcurrency: options.concurrency } : {}) });
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
  const { vm } = arm.world.addVmWithNetwork({
    resourceGroup: rg,
    name: 'web01',
    agentStatus: options.agent ?? 'Ready',
    powerState: options.power ?? 'running',
  });
  const guest = new RecordingGuest();
  arm.runCommands.attachGuest(vm.id, guest);
  const client = createSimulatedArmClients(arm).compute(SUB);
  return { arm, vm, guest, client, t0: arm.clock.nowMs() };
}

function body(script = 'Write-Output hello', extra: Partial<VirtualMachineRunCommand> = {}): VirtualMachineRunCommand {
  return {
    location: 'West Europe',
    source: { script },
    parameters: [{ name: 'Name', value: 'x' }],
    asyncExecution: true,
    timeoutInSeconds: 600,
    ...extra,
  };
}

async function put(client: ReturnType<typeof setup>['client'], name: string, runCommand: VirtualMachineRunCommand) {
  return startLro(client.virtualMachineRunCommands.createOrUpdate(RG, 'web01', name, runCommand, { updateIntervalInMs: 1 }), {
    operation: 'run command',
  });
}

async function view(client: ReturnType<typeof setup>['client'], name: string) {
  return client.virtualMachineRunCommands.getByVirtualMachine(RG, 'web01', name, { expand: 'instanceView' });
}

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

test(
  'PUT is accepted (201, Creating), the execution goes Pending -> Running -> Succeeded on the virtual clock, in the REST ' + 'shapes',
  async () => {
    const { arm, client, guest, t0 } = setup();
    const started = await put(client, 'diag-1', body());
    expect(started.status).toBe('running');
    expect(JSON.parse(started.resumeToken).state.config.operationLocation).toContain(
      '/providers/Microsoft.Compute/locations/westeurope/operations/',
    );
    expect(arm.requests({ operation: 'virtualMachineRunCommands.createOrUpdate' })).toEqual([
      expect.objectContaining({ method: 'PUT', status: 201, kind: 'write' }),
    ]);

    const plain = await client.virtualMachineRunCommands.getByVirtualMachine(RG, 'web01', 'diag-1');
    expect(plain).toMatchObject({
      name: 'diag-1',
      type: 'Microsoft.Compute/virtualMachines/runCommands',
      location: 'westeurope',
      source: { script: 'Write-Output hello' },
      parameters: [{ name: 'Name', value: 'x' }],
      asyncExecution: true,
      timeoutInSeconds: 600,
      provisioningState: 'Creating',
    });
    expect(plain.instanceView).toBeUndefined(); // only with $expand=instanceView
    expect((await view(client, 'diag-1')).instanceView).toMatchObject({ executionState: 'Pending', output: '', error: '' });

    arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
    const running = await view(client, 'diag-1');
    expect(running.provisioningState).toBe('Succeeded'); // asyncExecution: provisioning completes when the script starts
    expect(running.instanceView).toMatchObject({ executionState: 'Running', startTime: new Date(t0 + RUN_COMMAND_PICKUP_MS) });

    arm.clock.advanceTo(t0 + SCRIPT_MS);
    const done = await view(client, 'diag-1');
    expect(done.instanceView).toMatchObject({
      executionState: 'Succeeded',
      exitCode: 0,
      output: 'hello\n',
      error: '',
      endTime: new Date(t0 + SCRIPT_MS),
    });
    expect(guest.completed).toHaveLength(1);
    expect(guest.completed[0]!.execution.parameters).toEqual([{ name: 'Name', value: 'x' }]);
    expect(arm.stats().byOperation['virtualMachineRunCommands.getByVirtualMachine']).toMatchObject({ reads: 4, writes: 0 });

    const listed: string[] = [];
    for await (const rc of client.virtualMachineRunCommands.listByVirtualMachine(RG, 'web01', { expand: 'instanceView' }))
      listed.push(`${rc.name}:${rc.instanceView?.executionState}`);
    expect(listed).toEqual(['diag-1:Succeeded']);
  },
);

test('without asyncExecution the PUT operation completes only when the script ends', async () => {
  const { arm, client } = setup();
  const started = await put(client, 'sync-1', body('x', { asyncExecution: false }));
  const resume = () =>
    pollLroOnce(restorePoller(client, started.resumeToken, client.virtualMachineRunCommands.createOrUpdate, { updateIntervalInMs: 1 }), {
      operation: 'run command',
    });
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS + 1_000);
  expect((await resume()).status).toBe('running');
  arm.clock.advanceBy(SCRIPT_MS);
  const done = await resume();
  expect(done.status).toBe('succeeded');
  expect(done.result).toMatchObject({ name: 'sync-1', provisioningState: 'Succeeded' });
});

test('output and error keep only their last 4096 bytes, cut on a character boundary', async () => {
  const { arm, vm, client, t0 } = setup();
  const lines = Array.from({ length: 400 }, (_, i) => `progress line ${i} — résumé`).join('\n');
  const stdout = `${lines}\nRESULT:last-line\n`;
  arm.runCommands.attachGuest(vm.id, new RecordingGuest({ exitCode: 0, stdout, stderr: 'é'.repeat(3000) }));
  await put(client, 'big', body());
  arm.clock.advanceTo(t0 + SCRIPT_MS);
  const output = (await view(client, 'big')).instanceView!;
  expect(Buffer.byteLength(output.output!, 'utf8')).toBeLessThanOrEqual(4096);
  expect(Buffer.byteLength(output.output!, 'utf8')).toBeGreaterThan(4090);
  expect(stdout.endsWith(output.output!)).toBe(true);
  expect(output.output!.endsWith('RESULT:last-line\n')).toBe(true);
  expect(output.error).toBe('é'.repeat(2048)); // 2 bytes each: 4096 bytes exactly, no half character
});

test('a script longer than timeoutInSeconds ends TimedOut at start + timeout, and its effect is never applied', async () => {
  const { arm, vm, client, t0 } = setup();
  const slow = new RecordingGuest(undefined, 120_000);
  arm.runCommands.attachGuest(vm.id, slow);
  await put(client, 'slow', body('x', { timeoutInSeconds: 60 }));
  arm.clock.advanceTo(t0 + RUN_COMMAND_PICKUP_MS + 59_000);
  expect((await view(client, 'slow')).instanceView?.executionState).toBe('Running');
  arm.clock.advanceBy(1_000);
  const timedOut = (await view(client, 'slow')).instanceView!;
  expect(timedOut).toMatchObject({ executionState: 'TimedOut', endTime: new Date(t0 + RUN_COMMAND_PICKUP_MS + 60_000) });
  expect(timedOut.executionMessage).toMatch(/timed out after 60 seconds/);
  arm.clock.advanceBy(10 * 60_000);
  arm.sync();
  expect(slow.completed).toHaveLength(0);
});

test(
  'agent never Ready: accepted, Pending for the whole extension timeout, then provisioning Failed with ' +
    'VMAgentStatusCommunicationError',
  async () => {
    const { arm, client, guest, t0 } = setup({ agent: 'NotReady' });
    const started = await put(client, 'diag', body());
    arm.clock.advanceTo(t0 + EXTENSION_AGENT_TIMEOUT_MS - 1);
    expect((await view(client, 'diag')).instanceView?.executionState).toBe('Pending');
    arm.clock.advanceTo(t0 + EXTENSION_AGENT_TIMEOUT_MS);
    const failed = await view(client, 'diag');
    expect(failed.provisioningState).toBe('Failed');
    expect(failed.instanceView?.statuses?.[0]).toMatchObject({
      code: 'ProvisioningState/failed/VMAgentStatusCommunicationError',
      level: 'Error',
      message: RUN_COMMAND_ERRORS.agentMessage('web01'),
    });
    const lro = await rejection(
      pollLroOnce(restorePoller(client, started.resumeToken, client.virtualMachineRunCommands.createOrUpdate), {
        operation: 'run command',
      }),
    );
    expect(lro).toBeInstanceOf(AzureOperationError);
    expect(lro).toMatchObject({ code: 'VMAgentStatusCommunicationError', kind: 'permanent' });
    expect(guest.completed).toHaveLength(0);
  },
);

test('a command sent while the VM restarts waits for the agent after boot, then runs', async () => {
  const { arm, client, guest, t0 } = setup();
  await client.virtualMachines.restart(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  // The VM is busy restarting: ARM refuses extension writes until the restart is done.
  const busy = await rejection(put(client, 'diag', body()));
  expect(busy).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed', kind: 'transient' });

  arm.clock.advanceTo(t0 + LATENCY_MODEL.vmRestart.ms); // restart done, agent still Not Ready
  const bootAt = t0 + LATENCY_MODEL.vmRestart.ms;
  await put(client, 'diag', body());
  arm.clock.advanceTo(bootAt + LATENCY_MODEL.agentReadyAfterBoot.ms + RUN_COMMAND_PICKUP_MS - 1);
  expect((await view(client, 'diag')).instanceView?.executionState).toBe('Pending');
  arm.clock.advanceBy(1);
  expect((await view(client, 'diag')).instanceView).toMatchObject({
    executionState: 'Running',
    startTime: new Date(bootAt + LATENCY_MODEL.agentReadyAfterBoot.ms + RUN_COMMAND_PICKUP_MS),
  });
  arm.clock.advanceBy(SCRIPT_MS);
  arm.sync(); // time-driven effects surface on the next request or sync
  expect(guest.completed).toHaveLength(1);
});

test('a healed agent picks up a pending command, and not before it was healed', async () => {
  const { arm, vm, client, guest, t0 } = setup({ agent: 'NotReady' });
  await put(client, 'diag', body());
  arm.clock.advanceTo(t0 + 10 * 60_000);
  arm.world.setAgentHealth(vm.id, 'Ready');
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
  expect((await view(client, 'diag')).instanceView).toMatchObject({
    executionState: 'Running',
    startTime: new Date(t0 + 10 * 60_000 + RUN_COMMAND_PICKUP_MS),
  });
  arm.clock.advanceBy(SCRIPT_MS);
  expect((await view(client, 'diag')).instanceView?.executionState).toBe('Succeeded');
  expect(guest.completed).toHaveLength(1);
});

test('VM not running: 409 OperationNotAllowed "Cannot modify extensions in the VM when the VM is not running." (permanent)', async () => {
  const { client } = setup({ power: 'deallocated' });
  const err = await rejection(put(client, 'diag', body()));
  expect(err).toMatchObject({ statusCode: 409, code: 'OperationNotAllowed', kind: 'permanent' });
  expect(err.details.message).toBe(RUN_COMMAND_ERRORS.notRunningMessage);
});

test('one at a time (default): a second command while one runs gets 409 Conflict; it is accepted once the first ended', async () => {
  const { arm, client, t0 } = setup();
  await put(client, 'first', body());
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
  const err = await rejection(put(client, 'second', body('other')));
  expect(err).toMatchObject({ statusCode: 409, code: 'Conflict', kind: 'transient' });
  expect(err.details.message).toBe(RUN_COMMAND_ERRORS.busyMessage);
  arm.clock.advanceTo(t0 + SCRIPT_MS);
  expect((await put(client, 'second', body('other'))).status).toBe('running');
});

test("'parallel' follows the managed Run Command page: several run at once", async () => {
  const { arm, client, guest, t0 } = setup({ concurrency: 'parallel' });
  await put(client, 'first', body('a'));
  await put(client, 'second', body('b'));
  arm.clock.advanceTo(t0 + SCRIPT_MS);
  arm.sync();
  expect(guest.completed.map((c) => c.execution.script).sort()).toEqual(['a', 'b']);
});

test('PUT again with the same settings changes nothing; new settings while running are refused; after the end they run again', async () => {
  const { arm, client, guest, t0 } = setup({ concurrency: 'parallel' });
  await put(client, 'diag', body());
  const again = await put(client, 'diag', body());
  expect(again.status).toBe('running'); // 200 with the resource, polled to its provisioning state
  expect(arm.requests({ operation: 'virtualMachineRunCommands.createOrUpdate' }).map((r) => r.status)).toEqual([201, 200]);
  const changed = await rejection(put(client, 'diag', body('changed')));
  expect(changed).toMatchObject({ statusCode: 409, code: 'Conflict' });
  arm.clock.advanceTo(t0 + SCRIPT_MS);
  arm.sync();
  expect(guest.completed).toHaveLength(1);
  await put(client, 'diag', body('changed'));
  expect((await view(client, 'diag')).provisioningState).toBe('Updating');
  arm.clock.advanceBy(SCRIPT_MS);
  arm.sync();
  expect(guest.completed.map((c) => c.execution.script)).toEqual(['Write-Output hello', 'changed']);
});

test('DELETE terminates a running script (no effect), the resource shows Deleting, then is gone; deleting nothing is 204', async () => {
  const { arm, client, guest } = setup();
  await put(client, 'diag', body());
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS);
  const deleting = await startLro(client.virtualMachineRunCommands.delete(RG, 'web01', 'diag', { updateIntervalInMs: 1 }), {
    operation: 'delete',
  });
  expect(deleting.status).toBe('running');
  expect(await view(client, 'diag')).toMatchObject({ provisioningState: 'Deleting', instanceView: { executionState: 'Canceled' } });
  arm.clock.advanceBy(LATENCY_MODEL.resourceDelete.ms);
  expect(await rejection(view(client, 'diag'))).toMatchObject({ statusCode: 404 });
  arm.clock.advanceBy(SCRIPT_MS);
  arm.sync();
  expect(guest.completed).toHaveLength(0);

  await client.virtualMachineRunCommands.delete(RG, 'web01', 'never-there', { updateIntervalInMs: 1 }).pollUntilDone();
  expect(arm.requests({ operation: 'virtualMachineRunCommands.delete' }).map((r) => [r.status, r.kind])).toEqual([
    [202, 'write'],
    [204, 'write'],
  ]);
});

test('a restart under a running script ends it Failed; the guest never sees it complete', async () => {
  const { arm, client, guest } = setup();
  await put(client, 'diag', body());
  arm.clock.advanceBy(RUN_COMMAND_PICKUP_MS + 1_000);
  await client.virtualMachines.restart(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
  const failed = (await view(client, 'diag')).instanceView!;
  expect(failed.executionState).toBe('Failed');
  expect(failed.executionMessage).toMatch(/restarted while the script was running/);
  arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms + SCRIPT_MS);
  arm.sync();
  expect(guest.completed).toHaveLength(0);
});

test('a failing script is Failed with its exit code; with treatFailureAsDeploymentFailure the PUT operation fails too', async () => {
  const { arm, vm, client, t0 } = setup();
  arm.runCommands.attachGuest(vm.id, new RecordingGuest({ exitCode: 3, stdout: '', stderr: 'boom' }));
  const started = await put(client, 'strict', body('x', { asyncExecution: false, treatFailureAsDeploymentFailure: true }));
  arm.clock.advanceTo(t0 + SCRIPT_MS);
  expect(await view(client, 'strict')).toMatchObject({
    provisioningState: 'Failed',
    instanceView: { executionState: 'Failed', exitCode: 3, error: 'boom' },
  });
  const lro = await rejection(
    pollLroOnce(restorePoller(client, started.resumeToken, client.virtualMachineRunCommands.createOrUpdate), { operation: 'run command' }),
  );
  expect(lro).toMatchObject({ code: 'VMExtensionProvisioningError' });
});

test(
  'injected faults: a planned LRO failure fails the command before the script runs; HTTP faults answer instead of the ' + 'handler',
  async () => {
    const { arm, client, guest, t0 } = setup();
    arm.faults.failNextLro({
      operation: 'virtualMachineRunCommands.createOrUpdate',
      code: 'InternalExecutionError',
      message: 'An internal execution error occurred.',
    });
    await put(client, 'diag', body());
    arm.clock.advanceTo(t0 + SCRIPT_MS);
    expect(await view(client, 'diag')).toMatchObject({
      provisioningState: 'Failed',
      instanceView: { executionState: 'Failed', executionMessage: 'An internal execution error occurred.' },
    });
    expect(guest.completed).toHaveLength(0);

    arm.faults.inject({ operation: 'virtualMachineRunCommands.createOrUpdate', status: 403 });
    const denied = await rejection(put(client, 'other', body('y')));
    expect(denied).toMatchObject({
      statusCode: 403,
      kind: 'permanent',
      details: { missingPermission: 'Microsoft.Compute/virtualMachines/runCommands/write' },
    });
  },
);

test('requests ARM would refuse: no location, a script URI, a negative timeout', async () => {
  const { client } = setup();
  expect(await rejection(put(client, 'a', { source: { script: 'x' } } as VirtualMachineRunCommand))).toMatchObject({
    statusCode: 400,
    code: 'LocationRequired',
  });
  expect(
    await rejection(put(client, 'b', { location: 'westeurope', source: { scriptUri: 'https://example.invalid/s.ps1' } })),
  ).toMatchObject({ statusCode: 400, code: 'InvalidParameter' });
  expect(await rejection(put(client, 'c', body('x', { timeoutInSeconds: -1 })))).toMatchObject({ statusCode: 400 });
});

test('a VM without a simulated guest fails the script, saying so, rather than pretending it ran', async () => {
  const arm = new SimulatedArm();
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
  arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'web01' });
  const client = createSimulatedArmClients(arm).compute(SUB);
  await put(client, 'diag', body());
  arm.clock.advanceBy(SCRIPT_MS);
  expect((await view(client, 'diag')).instanceView).toMatchObject({
    executionState: 'Failed',
    exitCode: 1,
    error: expect.stringContaining('no simulated guest is attached'),
  });
});
