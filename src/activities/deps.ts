/**
 * What activities need from the outside world, passed in by the composition root so the same activity code runs
 * against Azure in production and against the simulator in tests and the demo.
 */
import { MicrosoftSerialConsoleClient } from '@azure/arm-serialconsole';
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { type ArmClients, createProductionArmClients } from '../azure/clients';
import type { RdpProbeResult } from '../domain/rdpProbe';
import { SERIAL_CONSOLE_API_VERSION, type SerialConsoleDeps } from '../guest/serialConsole/serialConsoleSession';
import { SessionLocks } from '../guest/serialConsole/sessionLocks';
import { probeRdp, type ProbeOptions } from '../rdp/probe';
import type { BlobFetcher } from './serialLogTail';

export interface ActivityDeps {
  arm: ArmClients;
  probe(options: ProbeOptions): Promise<RdpProbeResult>;
  /** Where the probe dials for a VM address. Identity in production; the simulator maps VM addresses to loopback listeners. */
  dialTarget(address: string, port: number): Promise<{ host: string; port: number }>;
  /** Wall clock for certificate validity; the simulator passes its virtual clock. */
  now(): Date;
  /** HTTP GET of a blob through its SAS URL (the serial log of boot diagnostics); the simulator serves its own blobs. */
  blobFetch: BlobFetcher;
  /** The serial console channel (Microsoft.SerialConsole, its gateway, Key Vault); absent in tests that never use it. */
  serialConsole?: SerialConsoleDeps;
}

const ARM_SCOPE = 'https://management.azure.com/.default';

/** The serial console's clients on one credential (the app's identity); `httpClient` replaces the transport in the simulator. */
export function serialConsoleDeps(
  credential: TokenCredential,
  options: { armHttpClient?: HttpClient; vaultHttpClient?: HttpClient } = {},
): SerialConsoleDeps {
  const clients = new Map<string, MicrosoftSerialConsoleClient>();
  const vaults = new Map<string, SecretClient>();
  return {
    locks: new SessionLocks(),
    client(subscriptionId) {
      let client = clients.get(subscriptionId.toLowerCase());
      if (!client) {
        client = new MicrosoftSerialConsoleClient(credential, subscriptionId, {
          apiVersion: SERIAL_CONSOLE_API_VERSION,
          userAgentOptions: { userAgentPrefix: 'rdp-autorepair' },
          ...(options.armHttpClient ? { httpClient: options.armHttpClient } : {}),
        });
        clients.set(subscriptionId.toLowerCase(), client);
      }
      return client;
    },
    async armToken() {
      const token = await credential.getToken(ARM_SCOPE);
      if (!token) throw new Error("the app's identity gave no ARM token for the serial console gateway");
      return token.token;
    },
    secrets(vaultUri) {
      let client = vaults.get(vaultUri);
      if (!client) {
        client = new SecretClient(vaultUri, credential, options.vaultHttpClient ? { httpClient: options.vaultHttpClient } : {});
        vaults.set(vaultUri, client);
      }
      return client;
    },
  };
}

/**
 * The production dependencies. The ARM clients are built on first use: a managed identity is asked for a token
 * only when an activity actually calls ARM, and a worker that runs no activity never builds them.
 */
export function productionActivityDeps(): ActivityDeps {
  let arm: ArmClients | undefined;
  let serial: SerialConsoleDeps | undefined;
  return {
    get arm() {
      arm ??= createProductionArmClients();
      return arm;
    },
    get serialConsole() {
      const clientId = process.env.AZURE_CLIENT_ID?.trim();
      serial ??= serialConsoleDeps(new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {}));
      return serial;
    },
    probe: probeRdp,
    dialTarget: async (address, port) => ({ host: address, port }),
    now: () => new Date(),
    blobFetch: (url, init) => fetch(url, init),
  };
}
