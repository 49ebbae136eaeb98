/** Dependencies for tests that only inspect registrations: any call into them is a test bug and says so. */
import type { ActivityDeps } from '../../src/activities/deps';
import type { ApiDependencies } from '../../src/api/apiDependencies';

function unused(what: string): never {
  throw new Error(`${what} was called, but this test only inspects registrations`);
}

export const unusedApiDependencies: ApiDependencies = {
  env: () => unused('env'),
  now: () => unused('now'),
  client: () => unused('client'),
};

export const unusedActivityDeps: ActivityDeps = {
  get arm(): never {
    return unused('arm');
  },
  probe: async () => unused('probe'),
  dialTarget: async () => unused('dialTarget'),
  now: () => unused('now'),
  blobFetch: async () => unused('blobFetch'),
};
