import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { createArmClients, createProductionArmClients, DEFAULT_LRO_POLL_INTERVAL_MS } from '../../src/azure/clients';

const SUB_A = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const SUB_B = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

class FixedCredential implements TokenCredential {
  scopes: string[] = [];
  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.scopes.push(...([] as string[]).concat(scopes));
    return { token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

/** Records what the SDK pipeline sends and answers with an empty VM list. */
class RecordingHttpClient implements HttpClient {
  requests: PipelineRequest[] = [];
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    this.requests.push(request);
    return { request, status: 200, headers: createHttpHeaders({ 'content-type': 'application/json' }), bodyAsText: '{"value":[]}' };
  }
}

test('one cached client per subscription and service, case-insensitively', () => {
  const clients = createArmClients({ credential: new FixedCredential() });
  expect(clients.compute(SUB_A)).toBe(clients.compute(SUB_A.toUpperCase()));
  expect(clients.compute(SUB_A)).not.toBe(clients.compute(SUB_B));
  expect(clients.network(SUB_A)).toBe(clients.network(SUB_A));
  expect(clients.lroPollIntervalMs).toBe(DEFAULT_LRO_POLL_INTERVAL_MS);
});

test('subscription ids and poll intervals are validated', () => {
  const clients = createArmClients({ credential: new FixedCredential() });
  expect(() => clients.compute('prod')).toThrow(/not a GUID/);
  expect(() => createArmClients({ credential: new FixedCredential(), lroPollIntervalMs: -1 })).toThrow(RangeError);
});

test('httpClient, endpoint and credential reach the SDK pipeline (ARM scope, bearer token, our user agent)', async () => {
  const http = new RecordingHttpClient();
  const credential = new FixedCredential();
  const clients = createArmClients({
    credential,
    httpClient: http,
    endpoint: 'https://management.sovereign.example',
    lroPollIntervalMs: 5,
  });
  for await (const _ of clients.compute(SUB_A).virtualMachines.list('rg')) void _;
  const request = http.requests[0]!;
  expect(request.url).toMatch(
    new RegExp(
      `^https://management\\.sovereign\\.example/subscriptions/${SUB_A}/resourceGroups/rg/providers/Microsoft\\.Compute/virtualMachines\\?api-version=`,
    ),
  );
  expect(request.headers.get('authorization')).toBe('Bearer test-token');
  expect(request.headers.get('user-agent')).toMatch(/^rdp-autorepair azsdk-js-arm-compute/);
  expect(credential.scopes).toEqual(['https://management.azure.com/.default']);
  expect(clients.lroPollIntervalMs).toBe(5);
});

test('production clients use DefaultAzureCredential, reading only AZURE_CLIENT_ID (no token is requested at construction)', () => {
  const system = createProductionArmClients({});
  const user = createProductionArmClients({ AZURE_CLIENT_ID: '11111111-2222-3333-4444-555555555555' });
  expect(system.compute(SUB_A).pipeline).toBeDefined();
  expect(user.network(SUB_A)).toBeDefined();
  expect(user.lroPollIntervalMs).toBe(DEFAULT_LRO_POLL_INTERVAL_MS);
});
