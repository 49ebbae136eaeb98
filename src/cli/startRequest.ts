/**
 * The POST /api/repairs body from `start`'s arguments: flags the operator gave, on top of the simulated scenario's
 * own request when --simulated. The app validates the body again; this only catches what is clearly wrong early.
 */
import { CliError } from './cliError';
import { EXIT } from './exitCodes';

export interface StartFlags {
  diagnose?: boolean;
  allowSource?: string[];
  rdpPort?: string;
  approval?: string;
  offline?: string;
  rescueVm?: string;
  allowLegacyTls?: boolean;
}

export function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new CliError(`${flag} must be a whole number from ${min} to ${max}, got '${raw}'`, EXIT.usage, 'BadArgument');
  }
  return value;
}

/** Seconds as given on the command line (decimals allowed), in milliseconds. */
export function seconds(flag: string, raw: string, min: number, max: number): number {
  const value = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new CliError(`${flag} must be a number of seconds from ${min} to ${max}, got '${raw}'`, EXIT.usage, 'BadArgument');
  }
  return Math.round(value * 1000);
}

export function startRequestBody(vmId: string, flags: StartFlags, base: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = { ...base, vmResourceId: vmId };
  if (flags.diagnose) body.mode = 'diagnose';
  if (flags.allowSource && flags.allowSource.length > 0) body.allowedSourceCidrs = flags.allowSource;
  if (flags.rdpPort !== undefined) body.rdpPort = wholeNumber('--rdp-port', flags.rdpPort, 1, 65535);
  if (flags.approval !== undefined) body.approval = flags.approval;
  if (flags.offline !== undefined) body.offline = flags.offline;
  if (flags.rescueVm !== undefined) body.rescueVmResourceId = flags.rescueVm;
  if (flags.allowLegacyTls) body.allowLegacyTls = true;
  return body;
}
