/**
 * Settings from the environment (app settings in Azure, local.settings.json under `func start`).
 * Read once per HTTP call and copied into the orchestration input, so a replay never sees a changed setting.
 */
import { type ApprovalMode, approvalModeSetting } from './approval';
import { ConfigurationError } from './errors';
import { parseCidr } from './ipAddress';
import { type OfflineSettings, readOfflineSettings } from './offlineRepair';
import { readRescueVmSettings, type RescueVmSettings } from './rescueVmSettings';
import type { RetentionSettings } from './retention';
import { parseScopes, type Scope } from './scope';
import { readSerialConsoleSettings, type SerialConsoleSettings } from './serialConsole';
import { DEFAULT_SOURCE_PREFIX_LIMITS, type SourcePrefixLimits } from './sourceCidrPolicy';

export type ProbeAddressKind = 'public' | 'private';

export interface RepairSettings {
  probeAddress: ProbeAddressKind;
  /** The app's own outbound addresses as CIDRs; lets the flow tell "blocked for us" from "broken". */
  probeSourceCidrs: string[];
  probeTimeoutMs: number;
  certificateWarningDays: number;
  snapshotPollSeconds: number;
  snapshotTimeoutMinutes: number;
  activityRetryAttempts: number;
  activityRetryFirstIntervalSeconds: number;
  /** How long a restarted VM may take to be running with its agent Ready before the repair gives up on it. */
  restartTimeoutMinutes: number;
  powerPollSeconds: number;
  /** timeoutInSeconds given to each Run Command script. */
  runCommandTimeoutSeconds: number;
  runCommandPollSeconds: number;
  /**
   * How wide an allowed RDP source may be (MIN_SOURCE_PREFIX_V4): requests and ALERT_ALLOWED_SOURCE_CIDRS are
   * validated against it, and the orchestration re-assesses its own NSG change against it. Optional only because
   * inputs of repairs started before it existed lack it; the defaults apply then.
   */
  sourcePrefixLimits?: SourcePrefixLimits;
  /** How long a repair waits at an approval gate before it ends NotRepaired; optional for inputs that predate it. */
  approvalTimeoutMinutes?: number;
  /** MAX_CONCURRENT_REPAIRS: repairs holding a slot of the fleet-wide gate at once; optional for inputs that predate it. */
  maxConcurrentRepairs?: number;
  /** OFFLINE_REPAIR_DEFAULT and ALERT_OFFLINE_REPAIR; optional for inputs of repairs started before they existed. */
  offline?: OfflineSettings;
  /** RESCUE_VM_IMAGE / RESCUE_VM_SIZES / RESCUE_VM_SUBNET_ID; optional for inputs of repairs started before they existed. */
  rescueVm?: RescueVmSettings;
  /** SERIAL_CONSOLE_*: the serial console channel, null (or absent, in older inputs) when it is off. */
  serialConsole?: SerialConsoleSettings | null;
}

/** A day: long enough for an operator to be reached, short enough that a forgotten repair ends on its own. */
export const DEFAULT_APPROVAL_TIMEOUT_MINUTES = 1440;

/** A storm must not snapshot hundreds of disks at once; twenty keeps well inside ARM's write budget (README). */
export const DEFAULT_MAX_CONCURRENT_REPAIRS = 20;

export interface AppConfig {
  scopes: Scope[];
  /** True when REPAIR_ALLOWED_SCOPES is unset: the app then refuses every repair and says why. */
  scopesUnset: boolean;
  settings: RepairSettings;
  /** APPROVAL_DEFAULT: the approval mode of an HTTP request that does not name one. */
  approvalDefault: ApprovalMode;
  /** SNAPSHOT_RETENTION_DAYS / ORIGINAL_DISK_RETENTION_DAYS (src/domain/retention.ts); null: kept for ever. */
  retention: RetentionSettings;
}

export type Env = Record<string, string | undefined>;

/** A whole-number setting within bounds; unset or blank gives the default, anything else is a ConfigurationError. */
export function integerSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`${name} must be a whole number from ${min} to ${max}, got '${raw}'`, name);
  }
  return value;
}

export function readSourcePrefixLimits(env: Env): SourcePrefixLimits {
  return {
    minPrefixV4: integerSetting(env, 'MIN_SOURCE_PREFIX_V4', DEFAULT_SOURCE_PREFIX_LIMITS.minPrefixV4, 1, 32),
    // Not a setting while IPv6 sources are refused (sourceCidrPolicy.ts): a knob that changes nothing would mislead.
    minPrefixV6: DEFAULT_SOURCE_PREFIX_LIMITS.minPrefixV6,
  };
}

/** Ten years: anything longer is "for ever", which is what leaving the setting unset says. */
export const MAX_RETENTION_DAYS = 3650;

/** Unset or blank: null (kept for ever, the default); otherwise whole days from 1 (a same-day deletion is no backup). */
function retentionDays(env: Env, name: 'SNAPSHOT_RETENTION_DAYS' | 'ORIGINAL_DISK_RETENTION_DAYS'): number | null {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return null;
  return integerSetting(env, name, 0, 1, MAX_RETENTION_DAYS);
}

export function readRetentionSettings(env: Env): RetentionSettings {
  return {
    snapshotDays: retentionDays(env, 'SNAPSHOT_RETENTION_DAYS'),
    originalDiskDays: retentionDays(env, 'ORIGINAL_DISK_RETENTION_DAYS'),
  };
}

export function readConfig(env: Env = process.env): AppConfig {
  const scopes = parseScopes(env.REPAIR_ALLOWED_SCOPES);
  if (!scopes.ok) throw new ConfigurationError(scopes.message, 'REPAIR_ALLOWED_SCOPES');
  const probeAddress = (env.RDP_PROBE_ADDRESS ?? 'public').trim().toLowerCase();
  if (probeAddress !== 'public' && probeAddress !== 'private') {
    throw new ConfigurationError(`RDP_PROBE_ADDRESS must be 'public' or 'private', got '${env.RDP_PROBE_ADDRESS}'`, 'RDP_PROBE_ADDRESS');
  }
  const probeSourceCidrs: string[] = [];
  for (const entry of (env.PROBE_SOURCE_ADDRESSES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const parsed = parseCidr(entry);
    if (!parsed.ok) throw new ConfigurationError(`PROBE_SOURCE_ADDRESSES: ${parsed.message}`, 'PROBE_SOURCE_ADDRESSES');
    probeSourceCidrs.push(parsed.value.text);
  }
  return {
    scopes: scopes.value,
    scopesUnset: scopes.value.length === 0,
    approvalDefault: approvalModeSetting(env, 'APPROVAL_DEFAULT'),
    retention: readRetentionSettings(env),
    settings: {
      probeAddress,
      probeSourceCidrs,
      probeTimeoutMs: integerSetting(env, 'RDP_PROBE_TIMEOUT_MS', 5000, 500, 60000),
      certificateWarningDays: integerSetting(env, 'CERT_EXPIRY_WARNING_DAYS', 14, 0, 365),
      snapshotPollSeconds: integerSetting(env, 'SNAPSHOT_POLL_SECONDS', 15, 5, 600),
      snapshotTimeoutMinutes: integerSetting(env, 'SNAPSHOT_TIMEOUT_MINUTES', 60, 5, 1440),
      activityRetryAttempts: integerSetting(env, 'ACTIVITY_RETRY_ATTEMPTS', 4, 1, 10),
      activityRetryFirstIntervalSeconds: integerSetting(env, 'ACTIVITY_RETRY_FIRST_INTERVAL_SECONDS', 5, 1, 300),
      restartTimeoutMinutes: integerSetting(env, 'RESTART_TIMEOUT_MINUTES', 15, 3, 120),
      powerPollSeconds: integerSetting(env, 'POWER_POLL_SECONDS', 15, 5, 300),
      runCommandTimeoutSeconds: integerSetting(env, 'RUN_COMMAND_TIMEOUT_SECONDS', 300, 60, 5400),
      runCommandPollSeconds: integerSetting(env, 'RUN_COMMAND_POLL_SECONDS', 5, 5, 300),
      sourcePrefixLimits: readSourcePrefixLimits(env),
      approvalTimeoutMinutes: integerSetting(env, 'APPROVAL_TIMEOUT_MINUTES', DEFAULT_APPROVAL_TIMEOUT_MINUTES, 1, 10080),
      maxConcurrentRepairs: integerSetting(env, 'MAX_CONCURRENT_REPAIRS', DEFAULT_MAX_CONCURRENT_REPAIRS, 1, 1000),
      offline: readOfflineSettings(env),
      rescueVm: readRescueVmSettings(env),
      serialConsole: readSerialConsoleSettings(env, integerSetting(env, 'SERIAL_CONSOLE_AGENT_WAIT_MINUTES', 10, 1, 60)),
    },
  };
}
