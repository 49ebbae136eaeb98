/** The simulated ARM's token buckets refuse at ARM's documented rates, with 429 and Retry-After. */
import { RestError } from '@azure/core-rest-pipeline';
import { createSimulatedArmClients, SimulatedArm } from '../../../src/simulator/arm';
import { ARM_THROTTLING, ArmThrottle } from '../../../src/simulator/arm/throttling';

const SUB = '5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11';

test('writes: a burst of 200, then 10 per second; a refused request takes no token', () => {
  const throttle = new ArmThrottle(ARM_THROTTLING);
  for (let i = 0; i < 200; i += 1) expect(throttle.admit(SUB, 'write', false, 0)).toBeNull();
  expect(throttle.admit(SUB, 'write', false, 0)).toEqual({ kind: 'write', scope: 'subscription', retryAfterSeconds: 1 });
  for (let i = 0; i < 10; i += 1) expect(throttle.admit(SUB, 'write', false, 1000)).toBeNull();
  expect(throttle.admit(SUB, 'write', false, 1000)).not.toBeNull();
  // Reads and deletes have buckets of their own.
  expect(throttle.admit(SUB, 'delete', false, 1000)).toBeNull();
  expect(throttle.admit(SUB, 'read', false, 1000)).toBeNull();
  expect(throttle.stats().throttled).toBe(2);
});

test('reads: a burst of 250, then 25 per second; each subscription has its own buckets', () => {
  const throttle = new ArmThrottle(ARM_THROTTLING);
  for (let i = 0; i < 250; i += 1) expect(throttle.admit(SUB, 'read', false, 0)).toBeNull();
  expect(throttle.admit(SUB, 'read', false, 0)).not.toBeNull();
  expect(throttle.admit('other', 'read', false, 0)).toBeNull();
  for (let i = 0; i < 25; i += 1) expect(throttle.admit(SUB, 'read', false, 1000)).toBeNull();
  expect(throttle.admit(SUB, 'read', false, 1000)).not.toBeNull();
});

test('Microsoft.Network: 1,000 writes per 5 minutes on top of the subscription bucket', () => {
  const throttle = new ArmThrottle({
    ...ARM_THROTTLING,
    subscription: { ...ARM_THROTTLING.subscription, write: { size: 10_000, refillPerSecond: 1000 } },
  });
  for (let i = 0; i < 1000; i += 1) expect(throttle.admit(SUB, 'write', true, 0)).toBeNull();
  const refused = throttle.admit(SUB, 'write', true, 0);
  expect(refused?.scope).toBe('Microsoft.Network');
  // 1,000 per 300 s: the next token after 0.3 s, so Retry-After rounds up to 1 s.
  expect(refused?.retryAfterSeconds).toBe(1);
  expect(throttle.admit(SUB, 'write', true, 300)).toBeNull();
});

test('through the wire: the SDK sees 429 SubscriptionRequestsThrottled with Retry-After', async () => {
  const arm = new SimulatedArm({ throttling: ARM_THROTTLING });
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: 'rg', location: 'westeurope' });
  arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'vm', osType: 'Windows', powerState: 'running' });
  const clients = createSimulatedArmClients(arm, { retryOptions: { maxRetries: 0 } });
  for (let i = 0; i < 250; i += 1) await clients.compute(SUB).virtualMachines.get('rg', 'vm');
  const error = await clients
    .compute(SUB)
    .virtualMachines.get('rg', 'vm')
    .then(
      () => null,
      (err: unknown) => err,
    );
  expect(error).toBeInstanceOf(RestError);
  expect((error as RestError).statusCode).toBe(429);
  expect((error as RestError).response?.headers.get('retry-after')).toBe('1');
  expect(JSON.stringify((error as RestError).details ?? (error as RestError).message)).toContain('SubscriptionRequestsThrottled');
});
