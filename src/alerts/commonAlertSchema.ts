/**
 * The Azure Monitor common alert schema (`schemaId: azureMonitorCommonAlertSchema`), what an action group sends
 * with `useCommonAlertSchema: true`: `data.essentials` (alertId, alertRule, severity Sev0-Sev4, signalType,
 * monitoringService, monitorCondition Fired|Resolved, alertTargetIDs, configurationItems, firedDateTime) and
 * `data.alertContext`, whose shape depends on the signal type. Only what a repair decision needs is required;
 * everything else may be absent or null, as it is in Azure's own samples (a cost alert has no severity and
 * `alertTargetIDs: null`). `alertTargetIDs` itself is part of every common-schema alert: missing, the payload is
 * not one; null, the alert names no target and is ignored.
 *
 * What the alert means is read from essentials.signalType / monitoringService (docs/alerts.md "Decisions"):
 *  - `Activity Log` with monitoringService `Resource Health`: a Resource Health alert, treated as a health event
 *    (REPAIR_ON_HEALTH_EVENTS); alertContext.properties carries currentHealthStatus and cause
 *    (PlatformInitiated | UserInitiated); only platform-initiated Unavailable/Degraded may start a repair.
 *  - any other `Activity Log` (Administrative, ServiceHealth, Policy, Autoscale, Security): an operation or a
 *    notice, not a failed connection; never starts a repair.
 *  - everything else (Metric, Log): judged by its target and severity as before.
 */
import { z } from 'zod';
import { parseSeverity } from '../domain/alertPolicyConfig';
import { quoteInput } from '../domain/echo';
import { type AlertSignal, boundAlertId, boundRule, type EnvelopeFormat, type InboundParse, invalid } from './alertSignal';
import { issueLines, isRecord } from './jsonValue';
import { findVmTargets } from './vmTargets';

export const COMMON_ALERT_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

const essentialsSchema = z.looseObject({
  alertId: z.string({ error: 'is required (the alert instance id)' }).trim().min(1, { error: 'must not be empty' }),
  alertRule: z.string().nullish(),
  severity: z.unknown().optional(),
  signalType: z.string().nullish(),
  monitoringService: z.string().nullish(),
  monitorCondition: z
    .string({ error: "is required ('Fired' or 'Resolved')" })
    .refine((v) => /^(fired|resolved)$/i.test(v.trim()), { error: "must be 'Fired' or 'Resolved'" }),
  alertTargetIDs: z
    .array(z.unknown(), {
      error: (issue) =>
        issue.input === undefined ? 'is required (an array of resource ids, or null)' : 'must be an array of resource ids, or null',
    })
    .nullable(),
  firedDateTime: z.string().nullish(),
});

const payloadSchema = z.looseObject({
  schemaId: z.literal(COMMON_ALERT_SCHEMA_ID),
  data: z.looseObject(
    {
      essentials: essentialsSchema,
      alertContext: z.unknown().optional(),
    },
    { error: 'must be an object with essentials and alertContext' },
  ),
});

export function isCommonAlertPayload(value: unknown): boolean {
  return isRecord(value) && value.schemaId === COMMON_ALERT_SCHEMA_ID;
}

const same = (a: string | null | undefined, b: string) => typeof a === 'string' && a.trim().toLowerCase() === b.toLowerCase();

type Meaning = Pick<AlertSignal, 'kind' | 'notConnectionSignal' | 'plannedOrUserInitiated' | 'notActionable'> & { resolved?: boolean };

function stringProperty(alertContext: unknown, name: string): string | undefined {
  const properties = isRecord(alertContext) && isRecord(alertContext.properties) ? alertContext.properties : undefined;
  const value = properties?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function resourceHealthMeaning(alertContext: unknown): Meaning {
  const current = stringProperty(alertContext, 'currentHealthStatus');
  const cause = stringProperty(alertContext, 'cause');
  const state = current?.toLowerCase();
  if (state === 'available') return { kind: 'healthEvent', resolved: true };
  if (state !== 'unavailable' && state !== 'degraded') {
    return {
      kind: 'healthEvent',
      notActionable:
        `Resource Health reports ${current === undefined ? 'no state' : quoteInput(current)}, which says nothing about the ` + `guest`,
    };
  }
  if (same(cause, 'PlatformInitiated')) return { kind: 'healthEvent' };
  if (same(cause, 'UserInitiated')) {
    return {
      kind: 'healthEvent',
      plannedOrUserInitiated:
        `Resource Health says the VM is ${current} because of a user-initiated action (a stop, a restart, a resize): that ` +
        `is not a fault to repair`,
    };
  }
  return {
    kind: 'healthEvent',
    notActionable:
      `Resource Health reports ${current} without saying the platform caused it (cause ` +
      `${cause === undefined ? 'absent' : quoteInput(cause)}); downtime that may be user-initiated or planned is not ` +
      `repaired`,
  };
}

function meaningOf(signalType: string | null | undefined, monitoringService: string | null | undefined, alertContext: unknown): Meaning {
  const activityLog = same(signalType, 'Activity Log') || (monitoringService ?? '').trim().toLowerCase().startsWith('activity log');
  if (!activityLog) return { kind: 'commonAlert' };
  if (same(monitoringService, 'Resource Health')) return resourceHealthMeaning(alertContext);
  const service = monitoringService?.trim() || 'Activity Log';
  if (same(monitoringService, 'Activity Log - Administrative')) {
    return {
      kind: 'commonAlert',
      notConnectionSignal:
        'An Administrative activity-log alert records an operation on the resource (a restart, a deallocate; often this ' +
        "app's own repair), not a failed connection",
    };
  }
  if (same(monitoringService, 'ServiceHealth')) {
    return {
      kind: 'commonAlert',
      notConnectionSignal:
        'A Service Health alert is about an Azure service incident or planned maintenance, not a failed connection to this VM',
    };
  }
  return {
    kind: 'commonAlert',
    notConnectionSignal: `A ${quoteInput(service)} activity-log alert records an event, not a failed connection`,
  };
}

/** An alert of a thousand bad targets gets a bounded answer. */
const MAX_DETAIL_LINES = 20;

function boundedLines(lines: string[]): string[] {
  return lines.length <= MAX_DETAIL_LINES ? lines : [...lines.slice(0, MAX_DETAIL_LINES), `and ${lines.length - MAX_DETAIL_LINES} more`];
}

export function parseCommonAlert(payload: unknown, envelope: EnvelopeFormat, root = ''): InboundParse {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return invalid('The payload is not a valid common alert schema alert.', issueLines(parsed.error, root));
  }
  const { essentials, alertContext } = parsed.data.data;
  const found = findVmTargets(essentials.alertTargetIDs, alertContext);
  if (found.malformed.length > 0) {
    const at = [root, 'data.essentials'].filter(Boolean).join('.');
    return invalid(
      'The alert names a resource id that is not well-formed; it is rejected rather than read through its other fields.',
      boundedLines(
        found.malformed.map((m) =>
          m.startsWith('alertTargetIDs') ? `${at}.${m}` : `${[root, 'data.alertContext'].filter(Boolean).join('.')} ${m}`,
        ),
      ),
    );
  }
  const severity = parseSeverity(essentials.severity);
  const meaning = meaningOf(essentials.signalType, essentials.monitoringService, alertContext);
  const signal: AlertSignal = {
    kind: meaning.kind,
    envelope,
    alertId: boundAlertId(essentials.alertId),
    rule: boundRule(essentials.alertRule ?? undefined),
    // A missing or unknown severity counts as the least severe (Sev4): it never widens what may start a repair.
    severity: severity ?? 4,
    resolved: /^resolved$/i.test(essentials.monitorCondition.trim()) || meaning.resolved === true,
    ...(meaning.notConnectionSignal ? { notConnectionSignal: meaning.notConnectionSignal } : {}),
    ...(meaning.plannedOrUserInitiated ? { plannedOrUserInitiated: meaning.plannedOrUserInitiated } : {}),
    ...(meaning.notActionable ? { notActionable: meaning.notActionable } : {}),
    targets: found.targets,
    otherResources: found.otherResources,
  };
  return { kind: 'signal', signal };
}
