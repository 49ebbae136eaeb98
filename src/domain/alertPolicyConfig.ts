/**
 * Settings of the alert intake (docs/alerts.md): which alerts may start a repair and how often. Read from the
 * environment like config.ts, with the same ConfigurationError naming the bad setting, so a typo is reported
 * instead of silently widening or narrowing what an unattended alert may do.
 */
import { DEFAULT_MAX_CONCURRENT_REPAIRS, type Env, integerSetting, readSourcePrefixLimits } from './config';
import { type ApprovalMode, approvalModeSetting } from './approval';
import { ConfigurationError } from './errors';
import { validateRepairRequest } from './repairRequest';
import type { SourcePrefixLimits } from './sourceCidrPolicy';

export interface AlertPolicy {
  /** Alerts of this severity or more severe (a lower number) may start a repair; Sev4 is the least severe. */
  minSeverity: number;
  /** A VM whose last repair ended less than this long ago is not repaired again (stops repair loops); 0 = off. */
  cooldownMinutes: number;
  /** At most this many repairs hold a slot at once (the fleet-wide gate); the others wait for one, in order. */
  maxConcurrentRepairs: number;
  /** Resource Health availability events start repairs only when the operators opt in. */
  repairOnHealthEvents: boolean;
  /** allowedSourceCidrs for alert-started repairs; empty = a world-open RDP rule is only reported. */
  allowedSourceCidrs: string[];
  /** MIN_SOURCE_PREFIX_V4 and co.: ALERT_ALLOWED_SOURCE_CIDRS and every alert request are held to them. */
  sourcePrefixLimits: SourcePrefixLimits;
  /** ALERT_APPROVAL_DEFAULT: whether an alert-started (unattended) repair waits for approval before disruptive steps. */
  approvalDefault: ApprovalMode;
}

const SEVERITY = /^sev([0-4])$/i;

/** 'Sev0'..'Sev4' (any case) to 0..4; anything else is undefined. */
export function parseSeverity(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = SEVERITY.exec(text.trim());
  return match ? Number(match[1]) : undefined;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new ConfigurationError(`${name} must be 'true' or 'false', got '${raw}'`, name);
}

// Any well-formed VM id: the CIDR list is checked by the very schema an HTTP request's allowedSourceCidrs goes
// through, so the setting accepts exactly what a caller could have sent (no second, drifting copy of the rules).
const PLACEHOLDER_VM =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm';

function sourceCidrs(env: Env, limits: SourcePrefixLimits): string[] {
  const raw = env.ALERT_ALLOWED_SOURCE_CIDRS;
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const checked = validateRepairRequest({ vmResourceId: PLACEHOLDER_VM, allowedSourceCidrs: list }, { kind: 'http' }, limits);
  if (!checked.ok) {
    const problems = checked.problems.map((p) => p.message).join('; ');
    throw new ConfigurationError(`ALERT_ALLOWED_SOURCE_CIDRS: ${problems}`, 'ALERT_ALLOWED_SOURCE_CIDRS');
  }
  return checked.request.allowedSourceCidrs;
}

export function readAlertPolicy(env: Env = process.env): AlertPolicy {
  const rawSeverity = env.ALERT_MIN_SEVERITY;
  // Sev4 (every severity) by default: an operator who routes an alert to this app's action group asks for a
  // repair, and severity is the rule author's urgency label, not evidence about RDP. What Sev3 used to filter by
  // accident (Administrative activity-log alerts, Sev4 by default) is now dropped for what it means
  // (alertScreening.ts); ALERT_MIN_SEVERITY stays for operators who share one action group across severities.
  let minSeverity = 4;
  if (rawSeverity !== undefined && rawSeverity.trim() !== '') {
    const parsed = parseSeverity(rawSeverity);
    if (parsed === undefined) {
      throw new ConfigurationError(
        `ALERT_MIN_SEVERITY must be one of Sev0, Sev1, Sev2, Sev3, Sev4, got '${rawSeverity}'`,
        'ALERT_MIN_SEVERITY',
      );
    }
    minSeverity = parsed;
  }
  const sourcePrefixLimits = readSourcePrefixLimits(env);
  return {
    minSeverity,
    cooldownMinutes: integerSetting(env, 'REPAIR_COOLDOWN_MINUTES', 360, 0, 43200),
    maxConcurrentRepairs: integerSetting(env, 'MAX_CONCURRENT_REPAIRS', DEFAULT_MAX_CONCURRENT_REPAIRS, 1, 1000),
    repairOnHealthEvents: flag(env, 'REPAIR_ON_HEALTH_EVENTS', false),
    allowedSourceCidrs: sourceCidrs(env, sourcePrefixLimits),
    sourcePrefixLimits,
    approvalDefault: approvalModeSetting(env, 'ALERT_APPROVAL_DEFAULT'),
  };
}
