/**
 * Findings of the serial console channel, one per way it can fail, each with advice an operator can follow with
 * README alone. Kept beside findings.ts so the channel's vocabulary stays in one place.
 */
import type { Finding } from '../domain/repairStatus';
import { SAC_SECRET_TAG, type SerialFailure } from '../domain/serialConsole';

const ADVICE: Record<SerialFailure, string> = {
  consoleDisabled:
    'The serial console is disabled for the whole subscription. A subscription owner can enable it (az serial-console enable), ' +
    'or repair the VM offline.',
  locked: 'A ReadOnly lock on the VM, its resource group or subscription blocks the serial console. Remove the lock, or repair offline.',
  notAuthorized:
    "Give the app's identity Microsoft.SerialConsole/serialPorts/connect/action on the VM (the custom role in deploy/ has it), " +
    'or repair offline.',
  refused:
    'The serial console gateway refused the session. If someone else has the console open, wait until they close it and start ' +
    'the repair again; otherwise repair offline.',
  kicked:
    'Another serial console session took over (one session per VM). Wait until it is closed, then start the repair again. ' +
    "If the repair had logged in, its command channel may still be logged in: type exit in SAC's Cmd channel, or restart the VM.",
  noSacPrompt:
    'No SAC> prompt answered: Windows may not be up, or the Special Administration Console is off (bcdedit /ems on enables it, ' +
    'with a restart). Look at boot diagnostics, or repair offline.',
  unreadable: 'The serial console sent bytes that are not text (kernel debugging or a wrong serial setting). Repair offline.',
  timedOut: 'The console stopped answering partway (a hung prompt). Look at the serial console in the portal, or repair offline.',
  loginFailed:
    `SAC did not accept the credentials. Put the VM's local user name and password in the Key Vault secret (tag ${SAC_SECRET_TAG} ` +
    'or SERIAL_CONSOLE_DEFAULT_SECRET), as README describes, and start the repair again.',
  secretUnavailable:
    "The login secret could not be read or is not in the documented JSON form. Check the secret's name, its value " +
    '({"username": "...", "password": "..."}), and that the app\'s identity has the Key Vault Secrets User role on the vault.',
  commandFailed: 'A service command failed in the guest: the VM agent may be damaged. Reinstall the Azure VM agent, or repair offline.',
};

export const SerialConsoleFindings = {
  failed(failure: SerialFailure, detail: string): Finding {
    return {
      code: `SerialConsole${failure[0]?.toUpperCase()}${failure.slice(1)}`,
      severity: 'error',
      message: `The serial console could not bring the VM agent back: ${detail}`,
      advice: ADVICE[failure],
    };
  },
  noSecret(): Finding {
    return {
      code: 'SerialConsoleNoSecret',
      severity: 'warning',
      message:
        `The serial console channel is configured, but this VM has no ${SAC_SECRET_TAG} tag and no ` +
        'SERIAL_CONSOLE_DEFAULT_SECRET is set.',
      advice: `Tag the VM with ${SAC_SECRET_TAG} naming a Key Vault secret with its local credentials (README, "Serial console").`,
    };
  },
  agentNotReady(minutes: number, last: string): Finding {
    return {
      code: 'SerialConsoleAgentNotReady',
      severity: 'error',
      message:
        `The VM agent's services were started through the serial console, but the agent did not report Ready within ${minutes} ` +
        `minutes (last seen: ${last}).`,
      advice: 'The agent may be damaged or unable to reach the platform (168.63.129.16). Reinstall the Azure VM agent, or repair offline.',
    };
  },
} as const;
