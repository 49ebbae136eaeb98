/**
 * One serial console session that brings the guest agent's services back, from the secret to the closed socket:
 *  1. the login secret, read from Key Vault here and nowhere else (it never leaves this function);
 *  2. the subscription's console switch (`consoleServices/default`): disabled is a finding, not a retry;
 *  3. `serialPorts/0/connect` -> a `connectionString` (the gateway's wss:// address), then the websocket with the
 *     app's ARM token; refusals are retried a bounded number of times (the gateway is known to refuse while an
 *     earlier session lingers), a ReadOnly lock or a missing permission is not;
 *  4. the SAC client (sacClient.ts); the socket is closed whatever happened.
 * One session per VM at a time within this worker (a second one would kick the first off the console).
 */
import type { MicrosoftSerialConsoleClient } from '@azure/arm-serialconsole';
import { RestError } from '@azure/core-rest-pipeline';
import { classifyAzureError } from '../../azure/errors';
import { parseVmResourceId } from '../../azure/resourceId';
import { GUEST_AGENT_SERVICES, type SerialConsoleSessionInput, type SerialConsoleSessionResult } from '../../domain/serialConsole';
import type { ConsoleStream } from './consoleStream';
import { openGatewaySocket, type SocketOpening } from './gatewaySocket';
import { parseLoginSecret } from './loginSecret';
import { DEFAULT_SAC_TIMEOUTS, restoreAgentServices, type SacTimeouts } from './sacClient';
import type { SessionLocks } from './sessionLocks';

/** The api-version of Microsoft.SerialConsole sent (azure-rest-api-specs serialconsole stable/2024-07-01). */
export const SERIAL_CONSOLE_API_VERSION = '2024-07-01';

export interface SerialConsoleDeps {
  client(subscriptionId: string): MicrosoftSerialConsoleClient;
  /** A token for ARM (https://management.azure.com/.default): what the gateway accepts. */
  armToken(): Promise<string>;
  /** Key Vault's secret client for a vault (the real @azure/keyvault-secrets SecretClient). */
  secrets(vaultUri: string): { getSecret(name: string): Promise<{ value?: string | undefined }> };
  openSocket?(connectionString: string, token: string, timeoutMs: number): Promise<SocketOpening>;
  locks: SessionLocks;
  /** Connect attempts before the gateway's refusals are a finding (default 3), and the wait between them. */
  connectAttempts?: number;
  retryDelayMs?: number;
  handshakeTimeoutMs?: number;
  sacTimeouts?: SacTimeouts;
}

export async function runSerialConsoleSession(
  input: SerialConsoleSessionInput,
  deps: SerialConsoleDeps,
): Promise<SerialConsoleSessionResult> {
  return deps.locks.run(input.vmId, () => session(input, deps));
}

async function session(input: SerialConsoleSessionInput, deps: SerialConsoleDeps): Promise<SerialConsoleSessionResult> {
  const none = { typed: [], services: [] };
  const fail = (
    failure: Extract<SerialConsoleSessionResult, { ok: false }>['failure'],
    detail: string,
    attempts = 0,
  ): SerialConsoleSessionResult => ({
    ok: false,
    failure,
    detail,
    attempts,
    ...none,
  });

  let secretValue: string | undefined;
  try {
    secretValue = (await deps.secrets(input.keyVaultUri).getSecret(input.secretName)).value;
  } catch (err) {
    return fail('secretUnavailable', `Key Vault did not give the secret '${input.secretName}': ${errorCode(err)}`);
  }
  const secret = parseLoginSecret(secretValue);
  secretValue = undefined;
  if (!secret.ok) return fail('secretUnavailable', `the secret '${input.secretName}' cannot be used: ${secret.problem}`);

  const vm = parseVmResourceId(input.vmId);
  const client = deps.client(vm.subscriptionId);
  const disabled = await consoleDisabled(client);
  if (disabled === true) return fail('consoleDisabled', 'the serial console is disabled for this subscription (consoleServices/default)');

  const attempts = deps.connectAttempts ?? 3;
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, (deps.retryDelayMs ?? 2000) * (attempt - 1)));
    let connectionString: string | undefined;
    try {
      connectionString = (await client.serialPorts.connect(vm.resourceGroup, 'Microsoft.Compute', 'virtualMachines', vm.name, '0'))
        .connectionString;
    } catch (err) {
      const classified = classifyAzureError(err, 'serialPorts.connect', input.vmId);
      const code = classified.code;
      const status = classified.statusCode;
      if (code === 'ScopeLocked') return fail('locked', 'a ReadOnly lock on the VM or above it blocks the serial console connect', attempt);
      if (status === 403) return fail('notAuthorized', `the connect was refused: ${code}`, attempt);
      if (status !== undefined && status < 500 && status !== 429)
        return fail('refused', `the connect was refused: HTTP ${status} ${code}`, attempt);
      last = `the connect call failed: ${status ? `HTTP ${status} ` : ''}${code}`;
      continue;
    }
    if (!connectionString) return fail('refused', 'the connect call returned no connectionString', attempt);
    const opened = await (deps.openSocket ?? openGatewaySocket)(connectionString, await deps.armToken(), deps.handshakeTimeoutMs ?? 15_000);
    if (!opened.ok) {
      last = opened.detail;
      if (!opened.refused) return fail('refused', opened.detail, attempt);
      continue;
    }
    const stream = opened.stream;
    const outcome = await withStream(stream, (open) =>
      restoreAgentServices(open, secret.credentials, GUEST_AGENT_SERVICES, deps.sacTimeouts ?? DEFAULT_SAC_TIMEOUTS),
    );
    // Accepted, then closed before a single byte (the gateway's "Connection not trusted" while an older session lingers).
    if (!outcome.ok && outcome.failure === 'kicked' && stream.received() === 0) {
      last = 'the gateway closed the websocket before the console said anything';
      continue;
    }
    return { ...outcome, attempts: attempt };
  }
  return fail('refused', `the gateway refused ${attempts} times; last: ${last}`, attempts);
}

async function withStream<T>(stream: ConsoleStream, use: (stream: ConsoleStream) => Promise<T>): Promise<T> {
  try {
    return await use(stream);
  } finally {
    await stream.close();
  }
}

/**
 * The subscription's console switch. Microsoft's own examples disagree on the shape (SerialConsoleStatus.json:
 * `properties.disabled`; GetConsoleDisabledExamples.json: `disabled`), so both are read from the raw body; an
 * answer that has neither is "not known to be disabled" and the connect decides.
 */
async function consoleDisabled(client: MicrosoftSerialConsoleClient): Promise<boolean> {
  let body: unknown;
  try {
    await client.getConsoleStatus('default', {
      onResponse: (raw) => {
        body = raw.parsedBody;
      },
    });
  } catch {
    // The switch is read at subscription scope: a role assigned on resource groups cannot read it (403), and then the
    // connect, authorized on the VM, is the check that counts.
    return false;
  }
  const record = (body ?? {}) as { disabled?: unknown; properties?: { disabled?: unknown } };
  return record.properties?.disabled === true || record.disabled === true;
}

/** An error's service code (never its message, which could echo a request). */
function errorCode(err: unknown): string {
  if (err instanceof RestError) return `${err.code ?? 'error'}${err.statusCode ? ` (HTTP ${err.statusCode})` : ''}`;
  return err instanceof Error ? err.name : 'unknown error';
}
