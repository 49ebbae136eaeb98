/**
 * Injected faults as the REAL SDK pipeline sees them: its retry policy handles 429/503/5xx/socket errors, and
 * what it gives up on reaches classifyAzureError. The request log proves what was actually sent.
 */

import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { classifyAzureError } from '../../../src/azure/errors';
import { startLro } from '../../../src/azure/lro';
import { createSimulatedArmClients } from '../../../src/simulator/arm';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';

let w: StandardWorld;
beforeEach(() => {
  w = standardWorld();
});
const compute = () => w.clients.compute(SUB);
const network = () => w.clients.network(SUB);
const fast = { updateIntervalInMs: 1 };

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

test('429 with Retry-After: the SDK waits the advertised second and retries (the one real-time test)', async () => {
  w.arm.faults.inject({ operation: 'virtualMachines.get', status: 429, retryAfterSeconds: 1, times: 1 });
  const started = Date.now();
  const vm = await compute().virtualMachines.get(RG, 'web01');
  const elapsed = Date.now() - started;
  expect(vm.name).toBe('web01');
  expect(elapsed).toBeGreaterThanOrEqual(900);
  expect(w.arm.requests({ operation: 'virtualMachines.get' }).map((r) => [r.status, r.fault])).toEqual([
    [429, 'TooManyRequests'],
    [200, undefined],
  ]);
});

test('429 with retry-after-ms takes the same throttling path without the wait', async () => {
  w.arm.faults.inject({ operation: 'networkInterfaces.get', status: 429, retryAfterMs: 5, times: 2 });
  const nic = await network().networkInterfaces.get(RG, 'web01-nic');
  expect(nic.name).toBe('web01-nic');
  expect(w.arm.requests({ operation: 'networkInterfaces.get' }).map((r) => r.status)).toEqual([429, 429, 200]);
});

test('a 503 the SDK retries through is invisible to the caller', async () => {
  w.arm.faults.inject({ method: 'GET', pathPattern: /\/virtualMachines\/web01$/, status: 503, times: 2 });
  await expect(compute().virtualMachines.get(RG, 'web01')).resolves.toMatchObject({ name: 'web01' });
  expect(w.arm.stats().byOperation['virtualMachines.get']?.statuses).toEqual({ '503': 2, '200': 1 });
});

test('500 beyond the SDK retries becomes a transient AzureOperationError after 1 + maxRetries attempts', async () => {
  const fault = w.arm.faults.inject({ operation: 'virtualMachines.get', status: 500, times: Infinity });
  const err = classifyAzureError(await caught(compute().virtualMachines.get(RG, 'web01')), 'read VM', w.web01.vm.id);
  expect(err).toMatchObject({
    name: 'AzureOperationError',
    kind: 'transient',
    statusCode: 500,
    code: 'InternalServerError',
    resourceId: w.web01.vm.id,
  });
  expect(w.arm.requests({ operation: 'virtualMachines.get' })).toHaveLength(4);
  fault.cancel();
  await expect(compute().virtualMachines.get(RG, 'web01')).resolves.toBeDefined();
});

test('403 AuthorizationFailed names the missing permission and scope; classified permanent, not retried', async () => {
  w.arm.faults.inject({ operation: 'virtualMachines.restart', status: 403, times: Infinity });
  const raw = await caught(
    startLro(compute().virtualMachines.restart(RG, 'web01', fast), { operation: 'restart VM', resourceId: w.web01.vm.id }),
  );
  expect(raw).toMatchObject({ name: 'AzureOperationError', kind: 'permanent', statusCode: 403, code: 'AuthorizationFailed' });
  const err = raw as ReturnType<typeof classifyAzureError>;
  expect(err.details.missingPermission).toBe('Microsoft.Compute/virtualMachines/restart/action');
  expect(err.details.scope?.toLowerCase()).toBe(w.web01.vm.id.toLowerCase());
  expect(err.message).toContain("lacks permission 'Microsoft.Compute/virtualMachines/restart/action'");
  expect(w.arm.requests({ operation: 'virtualMachines.restart' })).toHaveLength(1);
  expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('running');
});

test('409 Conflict on a rule write is transient', async () => {
  w.arm.faults.inject({
    operation: 'securityRules.createOrUpdate',
    status: 409,
    code: 'AnotherOperationInProgress',
    message: 'Another operation on this or dependent resource is in progress.',
  });
  const err = await caught(
    network()
      .securityRules.createOrUpdate(
        RG,
        'web01-nsg',
        'AllowRDP',
        {
          protocol: 'Tcp',
          sourcePortRange: '*',
          destinationPortRange: '3389',
          sourceAddressPrefix: '10.0.0.0/8',
          destinationAddressPrefix: '*',
          access: 'Allow',
          priority: 300,
          direction: 'Inbound',
        },
        fast,
      )
      .submitted(),
  );
  expect(err).toBeInstanceOf(RestError);
  expect(classifyAzureError(err, 'write rule')).toMatchObject({ kind: 'transient', statusCode: 409, code: 'AnotherOperationInProgress' });
});

test('an LRO made to fail ends Failed at its finish time, is classified, and leaves the VM as it was', async () => {
  w.arm.faults.failNextLro({
    operation: 'virtualMachines.start',
    code: 'AllocationFailed',
    message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region.',
  });
  w.arm.faults.failNextLro({
    pathPattern: 'snapshots/',
    code: 'BadRequest',
    message: 'The source disk is encrypted with an unsupported key.',
  });

  const start = compute().virtualMachines.start(RG, 'app02', fast);
  await start.submitted();
  expect(w.arm.world.vm(w.app02.vm.id).powerState).toBe('starting');
  w.arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
  const startErr = classifyAzureError(await caught(start.pollUntilDone()), 'start VM', w.app02.vm.id);
  expect(startErr).toMatchObject({ code: 'AllocationFailed', kind: 'transient', details: { longRunningOperationFailed: true } });
  expect(w.arm.world.vm(w.app02.vm.id)).toMatchObject({ powerState: 'deallocated', provisioningState: 'Failed' });

  const snap = compute().snapshots.createOrUpdate(
    RG,
    's1',
    { location: 'westeurope', creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId! } },
    fast,
  );
  await snap.submitted();
  w.arm.clock.advanceBy(LATENCY_MODEL.incrementalSnapshot127GiB.ms);
  const snapErr = classifyAzureError(await caught(snap.pollUntilDone()), 'create snapshot');
  expect(snapErr).toMatchObject({ code: 'BadRequest', kind: 'permanent' });
  expect(snapErr.details.message).toBe('The source disk is encrypted with an unsupported key.');
  expect(w.arm.world.snapshots()[0]?.provisioningState).toBe('Failed');
  expect(w.arm.faults.pending()).toBe(0);
});

test('a dropped connection is retried by the SDK; one that keeps dropping is a transient network error', async () => {
  w.arm.faults.inject({ operation: 'virtualMachines.get', networkError: 'ECONNRESET', times: 1 });
  await expect(compute().virtualMachines.get(RG, 'web01')).resolves.toMatchObject({ name: 'web01' });

  w.arm.faults.inject({ operation: 'virtualMachines.get', networkError: 'ETIMEDOUT', times: Infinity });
  const err = classifyAzureError(await caught(compute().virtualMachines.get(RG, 'web01')), 'read VM');
  expect(err).toMatchObject({ kind: 'transient', code: 'ETIMEDOUT', statusCode: undefined, details: { networkErrorCode: 'ETIMEDOUT' } });
  expect(w.arm.requests({ operation: 'virtualMachines.get', status: 0 }).length).toBeGreaterThanOrEqual(4);
});

test('request log: a read-only diagnosis performs zero writes; one rule write is counted', async () => {
  await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
  await network().networkInterfaces.get(RG, 'web01-nic');
  await network().networkSecurityGroups.get(RG, 'web01-nsg');
  await network().subnets.get(RG, 'web01-vnet', 'default');
  await network().virtualNetworks.get(RG, 'web01-vnet');
  await network().publicIPAddresses.get(RG, 'web01-ip');
  await network().networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic', fast);
  for await (const _ of compute().snapshots.listByResourceGroup(RG)) void _;
  expect(w.arm.stats()).toMatchObject({ writes: 0, reads: w.arm.requests().length });
  expect(w.arm.stats().byOperation['networkInterfaces.listEffectiveNetworkSecurityGroups']).toMatchObject({ reads: 1, writes: 0 });
  expect(w.arm.requests().every((r) => r.at.getTime() === w.arm.clock.nowMs())).toBe(true);

  await network().securityRules.delete(RG, 'web01-nsg', 'AllowRDP', fast);
  const stats = w.arm.stats();
  expect(stats.writes).toBe(1);
  expect(stats.byOperation['securityRules.delete']).toMatchObject({ writes: 1, statuses: { '202': 1 } });
});

test('the simulator checks what ARM checks before routing: bearer token and api-version', async () => {
  const bare = createPipelineRequest({
    url: `https://management.azure.com/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/web01?api-version=2025-04-01`,
  });
  const noToken = await w.arm.sendRequest(bare);
  expect(noToken.status).toBe(401);
  expect(JSON.parse(noToken.bodyAsText!)).toEqual({
    error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." },
  });

  const noVersion = await w.arm.sendRequest(
    createPipelineRequest({
      url: `https://management.azure.com/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/web01`,
      headers: createHttpHeaders({ authorization: 'Bearer x' }),
    }),
  );
  expect(noVersion.status).toBe(400);
  expect(JSON.parse(noVersion.bodyAsText!).error.code).toBe('MissingApiVersionParameter');
});

test('custom retry options reach the SDK pipeline: maxRetries 0 means a single attempt', async () => {
  const clients = createSimulatedArmClients(w.arm, { retryOptions: { maxRetries: 0 } });
  w.arm.faults.inject({ operation: 'virtualMachines.get', status: 503, times: 1 });
  const err = classifyAzureError(await caught(clients.compute(SUB).virtualMachines.get(RG, 'web01')), 'read VM');
  expect(err).toMatchObject({ kind: 'transient', statusCode: 503 });
  expect(w.arm.requests({ operation: 'virtualMachines.get' })).toHaveLength(1);
});
