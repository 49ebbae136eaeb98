import { createHttpHeaders, RestError, type PipelineResponse } from '@azure/core-rest-pipeline';
import { AzureOperationError, classifyAzureError, isTransientAzureError, sanitize } from '../../src/azure/errors';

/** A RestError as the SDK builds one from an ARM error response. */
function armError(status: number, code: string, message: string, headers: Record<string, string> = {}): RestError {
  const response = {
    status,
    headers: createHttpHeaders(headers),
    bodyAsText: JSON.stringify({ error: { code, message } }),
  } as PipelineResponse;
  return new RestError(message, { statusCode: status, code, response });
}

describe('classifyAzureError: HTTP status and ARM code table', () => {
  test.each([
    [408, 'RequestTimeout', 'timed out', 'transient'],
    [429, 'TooManyRequests', 'throttled', 'transient'],
    [500, 'InternalServerError', 'boom', 'transient'],
    [502, 'BadGateway', 'bad gateway', 'transient'],
    [503, 'ServiceUnavailable', 'unavailable', 'transient'],
    [504, 'GatewayTimeout', 'gateway timeout', 'transient'],
    [501, 'NotImplemented', 'not implemented', 'permanent'],
    [409, 'Conflict', 'conflict', 'transient'],
    [409, 'RetryableError', 'retry later', 'transient'],
    [409, 'AnotherOperationInProgress', 'Another operation on this or dependent resource is in progress.', 'transient'],
    [409, 'OperationNotAllowed', "Operation 'restart' is not allowed since another operation is in progress.", 'transient'],
    [409, 'OperationNotAllowed', 'The operation requires the VM to be running (or set to run).', 'permanent'],
    [
      409,
      'OperationNotAllowed',
      'Operation could not be completed as it results in exceeding approved Total Regional Cores quota.',
      'permanent',
    ],
    [409, 'PropertyChangeNotAllowed', "Changing property 'osDisk.createOption' is not allowed.", 'permanent'],
    [400, 'InvalidParameter', 'bad parameter', 'permanent'],
    [400, 'NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups', 'not running', 'permanent'],
    [401, 'InvalidAuthenticationToken', 'token expired', 'permanent'],
    [403, 'AuthorizationFailed', 'no', 'permanent'],
    [404, 'ResourceNotFound', "The Resource 'Microsoft.Compute/virtualMachines/x' under resource group 'rg' was not found.", 'permanent'],
    [404, 'ResourceGroupNotFound', "Resource group 'rg' could not be found.", 'permanent'],
    [404, 'NotFound', 'Resource not found.', 'permanent'],
  ])('%i %s -> %s', (status, code, message, kind) => {
    const err = classifyAzureError(armError(status, code, message), 'do something', '/subscriptions/x/resourceGroups/rg');
    expect(err).toBeInstanceOf(AzureOperationError);
    expect(err).toMatchObject({
      name: 'AzureOperationError',
      statusCode: status,
      code,
      kind,
      operation: 'do something',
      resourceId: '/subscriptions/x/resourceGroups/rg',
    });
    expect(err.details.message).toBe(message);
    expect(isTransientAzureError(armError(status, code, message))).toBe(kind === 'transient');
  });

  test('AuthorizationFailed: the missing permission and scope are extracted and named in the message', () => {
    const message =
      "The client 'a1b2' with object id 'a1b2' does not have authorization to perform action " +
      ("'Microsoft.Network/networkSecurityGroups/securityRules/write' over scope " +
        "'/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/nsg1/securityRules/AllowRDP' ") +
      'or the scope is invalid. If access was recently granted, please refresh your credentials.';
    const err = classifyAzureError(armError(403, 'AuthorizationFailed', message), 'restrict RDP rule');
    expect(err.details.missingPermission).toBe('Microsoft.Network/networkSecurityGroups/securityRules/write');
    expect(err.details.scope).toContain('/networkSecurityGroups/nsg1/securityRules/AllowRDP');
    expect(err.message).toMatch(
      /^restrict RDP rule was refused: the app's identity lacks permission 'Microsoft\.Network\/networkSecurityGroups\/securityRules\/write'/,
    );
  });

  test('Retry-After and the request id are kept; the code falls back to the body when the error has none', () => {
    const response = {
      status: 429,
      headers: createHttpHeaders({ 'retry-after': '17', 'x-ms-request-id': 'req-1' }),
      bodyAsText: JSON.stringify({
        error: { code: 'TooManyRequests', message: 'slow down', details: [{ code: 'SubscriptionRequestsThrottled' }] },
      }),
    } as PipelineResponse;
    const err = classifyAzureError(new RestError('slow down', { statusCode: 429, response }), 'read VM');
    expect(err).toMatchObject({ code: 'TooManyRequests', kind: 'transient' });
    expect(err.details).toMatchObject({ retryAfterMs: 17_000, requestId: 'req-1', innerCodes: ['SubscriptionRequestsThrottled'] });
  });

  test('the SDK parsed error details (error.details = cloudError) are used when present', () => {
    const err = new RestError('Unexpected status code: 409', { statusCode: 409 });
    err.details = { error: { code: 'OperationPreempted', message: 'Operation execution has been preempted by a more recent operation.' } };
    expect(classifyAzureError(err, 'deallocate VM')).toMatchObject({ code: 'OperationPreempted', kind: 'transient' });
  });
});

describe('classifyAzureError: failures without an HTTP error response', () => {
  test.each([['ECONNRESET'], ['ETIMEDOUT'], ['ECONNREFUSED'], ['REQUEST_SEND_ERROR']])('network error %s is transient', (code) => {
    const err = classifyAzureError(new RestError(`socket ${code}`, { code }), 'read VM');
    expect(err).toMatchObject({ kind: 'transient', code, statusCode: undefined, details: { networkErrorCode: code } });
  });

  test('a plain Node system error (not wrapped by the SDK) is transient too', () => {
    const sys = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(classifyAzureError(sys, 'read VM').kind).toBe('transient');
  });

  test.each([
    ['InternalExecutionError', 'An internal execution error occurred.', 'transient'],
    ['OperationPreempted', 'Operation execution has been preempted by a more recent operation.', 'transient'],
    ['AllocationFailed', 'Allocation failed.', 'transient'],
    ['OSProvisioningTimedOut', 'OS Provisioning did not finish in the allotted time.', 'permanent'],
    ['BadRequest', 'The disk is encrypted with an unsupported key.', 'permanent'],
  ])('LRO ended Failed with %s -> %s', (code, message, kind) => {
    // The text core-lro throws when an operation's status is Failed.
    const err = classifyAzureError(new Error(`The long-running operation has failed. ${code}. ${message}`), 'start VM');
    expect(err).toMatchObject({ code, kind, statusCode: undefined, details: { message, longRunningOperationFailed: true } });
  });

  test('an LRO failure without an error body is permanent with a generic code', () => {
    expect(classifyAzureError(new Error('The long-running operation has failed'), 'x')).toMatchObject({
      code: 'LongRunningOperationFailed',
      kind: 'permanent',
    });
  });

  test('credential problems are permanent and point at the managed identity', () => {
    const err = Object.assign(new Error('ManagedIdentityCredential: no managed identity endpoint found.'), {
      name: 'CredentialUnavailableError',
    });
    const classified = classifyAzureError(err, 'read VM');
    expect(classified).toMatchObject({ code: 'AuthenticationFailed', kind: 'permanent' });
    expect(classified.message).toContain('managed identity');
  });

  test('timeouts are transient, cancellations and unknown errors permanent, and classification is idempotent', () => {
    expect(classifyAzureError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'x').kind).toBe('transient');
    expect(classifyAzureError(Object.assign(new Error('aborted'), { name: 'AbortError' }), 'x')).toMatchObject({
      code: 'Canceled',
      kind: 'permanent',
    });
    const unknown = classifyAzureError('a string was thrown', 'x');
    expect(unknown).toMatchObject({ code: 'UnexpectedError', kind: 'permanent' });
    expect(classifyAzureError(unknown, 'something else')).toBe(unknown);
  });
});

describe('no secrets in errors', () => {
  test('tokens, JWTs and SAS signatures in messages are redacted', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ';
    const text = `Authorization: Bearer abc.def-ghi; token ${jwt}; https://x.blob.core.windows.net/v?sv=1&sig=SECRETSIG%3D&se=2`;
    const cleaned = sanitize(text);
    expect(cleaned).not.toContain('abc.def-ghi');
    expect(cleaned).not.toContain(jwt);
    expect(cleaned).not.toContain('SECRETSIG');
    expect(cleaned).toContain('sig=[REDACTED]');

    const err = classifyAzureError(armError(400, 'BadRequest', `bad header Bearer ${jwt}`), 'x');
    expect(JSON.stringify(err.toJSON())).not.toContain(jwt);
    expect(err.toJSON()).toMatchObject({ name: 'AzureOperationError', code: 'BadRequest', kind: 'permanent' });
  });
});
