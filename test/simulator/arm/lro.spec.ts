/**
 * src/azure/lro.ts against the simulated ARM: start-and-return for long operations (resumed later from the
 * token with the SDK's own restorePoller), bounded awaiting of short ones.
 */

import { restorePoller as restoreComputePoller } from '@azure/arm-compute';
import { AzureOperationError } from '../../../src/azure/errors';
import { awaitShortLro, pollLroOnce, startLro } from '../../../src/azure/lro';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';

let w: StandardWorld;
beforeEach(() => {
  w = standardWorld();
});
const compute = () => w.clients.compute(SUB);
const network = () => w.clients.network(SUB);

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

test('startLro returns after the initial response; a later "activity" resumes from the token and polls once', async () => {
  const client = compute();
  const started = await startLro(client.virtualMachines.deallocate(RG, 'web01'), { operation: 'deallocate VM' });
  expect(started.status).toBe('running');
  expect(JSON.parse(started.resumeToken).state.config.operationLocation).toContain('/operations/');
  expect(w.arm.stats().byOperation['virtualMachines.deallocate']?.count).toBe(1);

  // Next activity, after a durable timer that is too short: still running.
  w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms / 2);
  const early = await pollLroOnce(
    restoreComputePoller(client, started.resumeToken, client.virtualMachines.deallocate, { updateIntervalInMs: 1 }),
    {
      operation: 'deallocate VM',
    },
  );
  expect(early).toEqual({ status: 'running' });

  // After the rest of the time: succeeded.
  w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
  const done = await pollLroOnce(restoreComputePoller(client, started.resumeToken, client.virtualMachines.deallocate), {
    operation: 'deallocate VM',
  });
  expect(done.status).toBe('succeeded');
  expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('deallocated');
  expect(w.arm.stats().byOperation['virtualMachines.deallocate']?.count).toBe(1); // never re-sent
});

test('a restart resumed from its token reports success once the VM is back', async () => {
  const client = compute();
  const started = await startLro(client.virtualMachines.restart(RG, 'web01'), { operation: 'restart VM', resourceId: w.web01.vm.id });
  w.arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms);
  const polled = await pollLroOnce(restoreComputePoller(client, started.resumeToken, client.virtualMachines.restart), {
    operation: 'restart VM',
  });
  expect(polled.status).toBe('succeeded');
  expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('running');
});

test('startLro turns an outright refusal into an AzureOperationError', async () => {
  const err = await caught(
    startLro(compute().virtualMachines.restart(RG, 'app02'), { operation: 'restart VM', resourceId: w.app02.vm.id }),
  );
  expect(err).toBeInstanceOf(AzureOperationError);
  expect(err).toMatchObject({
    statusCode: 409,
    code: 'OperationNotAllowed',
    kind: 'permanent',
    operation: 'restart VM',
    resourceId: w.app02.vm.id,
  });
});

test('awaitShortLro finishes a short operation without virtual time and within a few polls', async () => {
  const result = await awaitShortLro(network().networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic'), {
    operation: 'read effective NSGs',
    pollIntervalMs: w.clients.lroPollIntervalMs,
  });
  expect(result.value).toHaveLength(2);
  expect(w.arm.stats().byOperation['operations.poll']?.count).toBe(1);
  expect(w.arm.stats().byOperation['operations.result']?.count).toBe(1);
});

test('awaitShortLro gives up on a long operation after maxPolls with a transient error', async () => {
  const err = await caught(
    awaitShortLro(compute().virtualMachines.deallocate(RG, 'web01'), {
      operation: 'deallocate VM',
      resourceId: w.web01.vm.id,
      pollIntervalMs: 1,
      maxPolls: 3,
    }),
  );
  expect(err).toMatchObject({ name: 'AzureOperationError', code: 'LongRunningOperationStillRunning', kind: 'transient' });
  expect(w.arm.stats().byOperation['operations.poll']?.count).toBe(3);
  expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('deallocating');
});

test('awaitShortLro reports a failed operation with its code', async () => {
  w.arm.faults.failNextLro({ operation: 'securityRules.delete', code: 'InternalServerError', message: 'An error occurred.' });
  const err = await caught(
    awaitShortLro(network().securityRules.delete(RG, 'web01-nsg', 'AllowRDP'), { operation: 'delete rule', pollIntervalMs: 1 }),
  );
  expect(err).toMatchObject({
    name: 'AzureOperationError',
    code: 'InternalServerError',
    kind: 'transient',
    details: { longRunningOperationFailed: true },
  });
});
