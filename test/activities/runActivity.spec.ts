import { type ActivityImplementations, activityImplementations, runActivity } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import { AzureOperationError } from '../../src/azure/errors';

const deps = {} as ActivityDeps;

function withReadVm(impl: ActivityImplementations['readVm']): ActivityImplementations {
  return { ...activityImplementations, readVm: impl };
}

describe('runActivity: what an activity failure means', () => {
  it('a bug (TypeError) is a permanent failure that says it is a bug, never retried as transient', async () => {
    const impls = withReadVm(async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    const result = await runActivity('readVm', { vmResourceId: 'x' }, deps, impls);
    expect(result).toEqual({
      ok: false,
      failure: {
        code: 'ActivityBug',
        message: expect.stringMatching(/^a bug in this app's readVm activity: Cannot read properties/),
        statusCode: null,
        operation: 'readVm',
      },
    });
  });

  it('a transient Azure failure is thrown so the durable retry runs the activity again', async () => {
    const transient = new AzureOperationError('throttled', 'TooManyRequests', 429, 'transient', 'read', undefined, {
      message: 'throttled',
    });
    const impls = withReadVm(async () => {
      throw transient;
    });
    await expect(runActivity('readVm', { vmResourceId: 'x' }, deps, impls)).rejects.toBe(transient);
  });

  it('a socket error nobody classified is still transient', async () => {
    const impls = withReadVm(async () => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    });
    await expect(runActivity('readVm', { vmResourceId: 'x' }, deps, impls)).rejects.toMatchObject({
      kind: 'transient',
      code: 'ECONNRESET',
    });
  });

  it('a permanent failure returned as data passes through untouched', async () => {
    const failure = { code: 'AuthorizationFailed', message: 'no', statusCode: 403, operation: 'read' };
    const impls = withReadVm(async () => ({ ok: false, failure }));
    expect(await runActivity('readVm', { vmResourceId: 'x' }, deps, impls)).toEqual({ ok: false, failure });
  });
});
