/**
 * Activity dependencies for tests that call activities against the simulated ARM only: the RDP probe and the
 * blob store are not part of them, and a call into either fails the test with a message saying so.
 */
import type { ActivityDeps } from '../../src/activities/deps';
import type { ArmClients } from '../../src/azure/clients';

export function armActivityDeps(arm: ArmClients, now: () => Date, overrides: Partial<ActivityDeps> = {}): ActivityDeps {
  return {
    arm,
    probe: () => Promise.reject(new Error('no probe in this test')),
    dialTarget: async (host, port) => ({ host, port }),
    now,
    blobFetch: () => Promise.reject(new Error('no blob store in this test')),
    ...overrides,
  };
}
