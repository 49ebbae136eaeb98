/**
 * The serial console channel's vocabulary: its settings, the activity that runs one console session, and what that
 * session reports back. Nothing here ever holds a credential: the secret is read inside the activity and only its
 * name crosses the activity boundary.
 */
import { ConfigurationError } from './errors';

/** VM tag naming the Key Vault secret that holds this VM's local credentials for the console login. */
export const SAC_SECRET_TAG = 'rdp-autorepair-sac-secret';

/**
 * The guest agent's two Windows services (Microsoft's "Azure Virtual Machine Agent overview" and "Troubleshoot the
 * Azure Windows VM Agent": WindowsAzureGuestAgent and RdAgent); both must run for the agent to report Ready.
 */
export const GUEST_AGENT_SERVICES = ['RdAgent', 'WindowsAzureGuestAgent'] as const;

export interface SerialConsoleSettings {
  /** SERIAL_CONSOLE_KEY_VAULT_URI: the vault holding the login secrets; the channel is off without it. */
  keyVaultUri: string;
  /** SERIAL_CONSOLE_DEFAULT_SECRET: the secret used for a VM without the tag; null: such a VM has no console login. */
  defaultSecret: string | null;
  /** SERIAL_CONSOLE_AGENT_WAIT_MINUTES: how long the repair waits for the agent to report Ready after the session. */
  agentWaitMinutes: number;
}

/** Key Vault secret names: 1-127 characters, letters, digits and dashes (Key Vault's naming rules). */
const SECRET_NAME = /^[0-9A-Za-z-]{1,127}$/;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The channel's settings, or null when SERIAL_CONSOLE_KEY_VAULT_URI is unset (the channel is then off). */
/** `agentWaitMinutes`: SERIAL_CONSOLE_AGENT_WAIT_MINUTES, read with the other whole-number settings (config.ts). */
export function readSerialConsoleSettings(env: Record<string, string | undefined>, agentWaitMinutes: number): SerialConsoleSettings | null {
  const raw = env.SERIAL_CONSOLE_KEY_VAULT_URI?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(
      `SERIAL_CONSOLE_KEY_VAULT_URI must be a vault URI such as https://myvault.vault.azure.net, got '${raw}'`,
      'SERIAL_CONSOLE_KEY_VAULT_URI',
    );
  }
  if (url.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '' || url.search !== '') {
    throw new ConfigurationError(
      `SERIAL_CONSOLE_KEY_VAULT_URI must be an https vault URI with no path, got '${raw}'`,
      'SERIAL_CONSOLE_KEY_VAULT_URI',
    );
  }
  const secret = env.SERIAL_CONSOLE_DEFAULT_SECRET?.trim() || null;
  if (secret !== null && !isSecretName(secret)) {
    throw new ConfigurationError(
      `SERIAL_CONSOLE_DEFAULT_SECRET must be a Key Vault secret name (letters, digits, dashes), got '${secret}'`,
      'SERIAL_CONSOLE_DEFAULT_SECRET',
    );
  }
  return { keyVaultUri: url.origin, defaultSecret: secret, agentWaitMinutes };
}

/** The secret a VM's console login uses: its tag, else the default; null when neither names one. */
export function loginSecretFor(tags: Record<string, string>, settings: SerialConsoleSettings): string | null {
  const tagged = Object.entries(tags)
    .find(([k]) => k.toLowerCase() === SAC_SECRET_TAG)?.[1]
    ?.trim();
  return tagged || settings.defaultSecret;
}

export interface SerialConsoleSessionInput {
  vmId: string;
  keyVaultUri: string;
  /** The Key Vault secret's name (never its value). */
  secretName: string;
}

/**
 * Why a session did not bring the agent's services up. Each is a finding of its own:
 * - consoleDisabled: the serial console is disabled for the subscription;
 * - locked: a ReadOnly lock on the VM (or above) blocks the connect;
 * - notAuthorized: the app's identity lacks Microsoft.SerialConsole/serialPorts/connect/action;
 * - refused: the gateway kept refusing the websocket (bounded retries);
 * - kicked: another session took the console over (one session per VM);
 * - noSacPrompt: no SAC prompt answered (SAC off, Windows not up, or a client Windows);
 * - unreadable: the console sent bytes that are not SAC text (a wrong port setting, a kernel debugger);
 * - timedOut: the console stopped answering in the middle of a step (a hung prompt);
 * - loginFailed: SAC did not accept the credentials from Key Vault;
 * - secretUnavailable: the secret could not be read, or is not in the documented format;
 * - commandFailed: a service command returned a non-zero exit code.
 */
export const SERIAL_FAILURES = [
  'consoleDisabled',
  'locked',
  'notAuthorized',
  'refused',
  'kicked',
  'noSacPrompt',
  'unreadable',
  'timedOut',
  'loginFailed',
  'secretUnavailable',
  'commandFailed',
] as const;
export type SerialFailure = (typeof SERIAL_FAILURES)[number];

/**
 * What the commands established for one service (from sc.exe's exit codes: config 0; start 0, or 1056 already
 * running). The same on a second run of the session, so a re-delivered activity answers as the first did.
 */
export interface ServiceCommandResult {
  service: string;
  /** `sc.exe config <service> start= auto` exited 0; null: not run. */
  automatic: boolean | null;
  /** `sc.exe start <service>` exited 0 or 1056; null: not run. */
  running: boolean | null;
}

export type SerialConsoleSessionResult =
  | { ok: true; typed: string[]; services: ServiceCommandResult[]; attempts: number }
  | { ok: false; failure: SerialFailure; detail: string; typed: string[]; services: ServiceCommandResult[]; attempts: number };
