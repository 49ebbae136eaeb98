/**
 * The one place SDK clients are constructed. Activities receive `ArmClients` by injection, so production gets
 * managed-identity clients talking to management.azure.com and tests get the same SDK classes whose
 * `httpClient` is the simulated ARM: serialization, LRO polling and the retry policy stay the SDK's own.
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { isSubscriptionId } from './resourceId';

/** The SDK's retry knobs (see core-rest-pipeline's `PipelineRetryOptions`). */
export interface ArmRetryOptions {
  maxRetries?: number;
  retryDelayInMs?: number;
  maxRetryDelayInMs?: number;
}

export interface ArmClientOptions {
  credential: TokenCredential;
  /** Replaces the SDK's HTTP transport (the simulated ARM in tests); the pipeline policies stay. */
  httpClient?: HttpClient;
  retryOptions?: ArmRetryOptions;
  /** Delay between LRO status polls, passed to the SDK as `updateIntervalInMs`. */
  lroPollIntervalMs?: number;
  /** ARM endpoint; defaults to public Azure. Must be https: the SDK refuses to send bearer tokens over http. */
  endpoint?: string;
}

export interface ArmClients {
  compute(subscriptionId: string): ComputeManagementClient;
  network(subscriptionId: string): NetworkManagementClient;
  /** What to pass as `updateIntervalInMs` to SDK pollers and to `awaitShortLro`. */
  readonly lroPollIntervalMs: number;
}

/** The SDK's own default LRO poll interval (core-lro `POLL_INTERVAL_IN_MS`). */
export const DEFAULT_LRO_POLL_INTERVAL_MS = 2000;

const USER_AGENT_PREFIX = 'rdp-autorepair';

export function createArmClients(options: ArmClientOptions): ArmClients {
  const lroPollIntervalMs = options.lroPollIntervalMs ?? DEFAULT_LRO_POLL_INTERVAL_MS;
  if (!Number.isFinite(lroPollIntervalMs) || lroPollIntervalMs < 0) {
    throw new RangeError(`lroPollIntervalMs must be a non-negative number, got ${lroPollIntervalMs}`);
  }
  const shared = {
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX },
  };
  // One client per subscription: each carries its own pipeline (and token cache), cheap to keep, wasteful to rebuild.
  const computeClients = new Map<string, ComputeManagementClient>();
  const networkClients = new Map<string, NetworkManagementClient>();

  return {
    lroPollIntervalMs,
    compute(subscriptionId) {
      const key = checkedKey(subscriptionId);
      let client = computeClients.get(key);
      if (!client) {
        client = new ComputeManagementClient(options.credential, subscriptionId, shared);
        computeClients.set(key, client);
      }
      return client;
    },
    network(subscriptionId) {
      const key = checkedKey(subscriptionId);
      let client = networkClients.get(key);
      if (!client) {
        client = new NetworkManagementClient(options.credential, subscriptionId, shared);
        networkClients.set(key, client);
      }
      return client;
    },
  };
}

/**
 * Production clients: DefaultAzureCredential resolves to the function app's managed identity in Azure. The only
 * setting read is `AZURE_CLIENT_ID`, which selects a user-assigned identity; without it the system-assigned
 * identity is used.
 */
export function createProductionArmClients(env: { AZURE_CLIENT_ID?: string | undefined } = process.env): ArmClients {
  const clientId = env.AZURE_CLIENT_ID?.trim();
  const credential = new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
  return createArmClients({ credential });
}

function checkedKey(subscriptionId: string): string {
  if (!isSubscriptionId(subscriptionId)) {
    throw new RangeError(`Subscription id ${JSON.stringify(subscriptionId)} is not a GUID`);
  }
  return subscriptionId.toLowerCase();
}
