/**
 * SIMULATED: Azure Key Vault's secrets endpoint, as a core-rest-pipeline `HttpClient` for the REAL SecretClient
 * (@azure/keyvault-secrets), the way the simulated ARM serves the ARM clients. Shapes and behaviour:
 *  - a request without a bearer token gets 401 with the challenge `WWW-Authenticate: Bearer
 *    authorization="https://login.microsoftonline.com/<tenant>", resource="https://vault.azure.net"` (Microsoft docs,
 *    "Azure Key Vault authentication": the client's first request is unauthenticated and learns the tenant from it);
 *  - GET {vault}/secrets/{name}/{version?} -> 200 `{value, id, attributes: {enabled, created, updated, recoveryLevel}}`
 *    (learn.microsoft.com REST "Get Secret", sample response);
 *  - an unknown or disabled secret -> 404 / 403 `{error: {code, message}}` with codes SecretNotFound and Forbidden
 *    (the REST reference's KeyVaultError; the message wording is inferred);
 *  - api-version is required; any version the SDK sends is accepted (the secret shape is the same from 7.0 on).
 * The request log keeps method, secret name and status, never a value.
 */
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export const SIMULATED_VAULT_URI = 'https://rdp-sim-vault.vault.azure.net';
export const SIMULATED_TENANT = '72f988bf-0000-4000-8000-00000000a11c';

export interface VaultRequest {
  method: string;
  secretName: string | null;
  status: number;
}

interface StoredSecret {
  value: string;
  enabled: boolean;
  version: string;
  createdS: number;
}

export class SimulatedKeyVault implements HttpClient {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly log: VaultRequest[] = [];
  private nextVersion = 1;

  constructor(readonly vaultUri: string = SIMULATED_VAULT_URI) {}

  setSecret(name: string, value: string, options: { enabled?: boolean } = {}): void {
    const version = (this.nextVersion++).toString(16).padStart(32, '0');
    this.secrets.set(name.toLowerCase(), { value, enabled: options.enabled ?? true, version, createdS: 1_767_225_600 });
  }

  requests(): readonly VaultRequest[] {
    return this.log;
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const url = new URL(request.url);
    const match = /^\/secrets\/([^/]+)\/?([^/]*)$/.exec(url.pathname);
    const secretName = match?.[1] ? decodeURIComponent(match[1]) : null;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): PipelineResponse => {
      this.log.push({ method: request.method, secretName, status });
      return {
        request,
        status,
        headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', ...headers }),
        bodyAsText: JSON.stringify(body),
      };
    };
    if (url.origin !== this.vaultUri) return answer(404, error('VaultNotFound', `SIMULATED: no vault at ${url.origin}.`));
    if (!/^Bearer \S+/.test(request.headers.get('authorization') ?? '')) {
      return answer(401, error('Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.'), {
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${SIMULATED_TENANT}", resource="https://vault.azure.net"`,
      });
    }
    if (!url.searchParams.get('api-version')) return answer(400, error('BadParameter', 'The api-version query parameter is required.'));
    if (request.method !== 'GET' || !secretName) return answer(405, error('BadParameter', 'SIMULATED: only GET secret is implemented.'));
    const secret = this.secrets.get(secretName.toLowerCase());
    if (!secret) {
      return answer(404, error('SecretNotFound', `A secret with (name/id) ${secretName} was not found in this key vault.`));
    }
    if (!secret.enabled) return answer(403, error('Forbidden', `Operation get is not allowed on a disabled secret.`));
    return answer(200, {
      value: secret.value,
      id: `${this.vaultUri}/secrets/${secretName}/${secret.version}`,
      attributes: { enabled: true, created: secret.createdS, updated: secret.createdS, recoveryLevel: 'Recoverable+Purgeable' },
    });
  }
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
