/**
 * The Azure Monitor common alert schema (`schemaId: azureMonitorCommonAlertSchema`), what an action group sends
 * with `useCommonAlertSchema: true`: `data.essentials` (alertId, alertRule, severity Sev0-Sev4, signalType,
 * monitorCondition Fired|Resolved, alertTargetIDs, configurationItems, firedDateTime) and `data.alertContext`,
 * whose shape depends on the signal type. Only what a repair decision needs is required; everything else may be
 * absent or null, as it is in Azure's own samples (a cost alert has no severity and no targets).
 */
import { z } from 'zod';
import { parseSeverity } from '../domain/alertPolicyConfig';
import { AlertSignal, EnvelopeFormat, InboundParse, invalid } from './alertSignal';
import { issueLines, isRecord } from './jsonValue';
import { findVmTargets } from './vmTargets';

export const COMMON_ALERT_SCHEMA_ID = 'azureMonitorCommonAlertSchema';

const essentialsSchema = z.looseObject({
  alertId: z.string({ error: 'is required (the alert instance id)' }).trim().min(1, { error: 'must not be empty' }),
  alertRule: z.string().nullish(),
  severity: z.unknown().optional(),
  signalType: z.string().nullish(),
  monitorCondition: z
    .string({ error: "is required ('Fired' or 'Resolved')" })
    .refine((v) => /^(fired|resolved)$/i.test(v.trim()), { error: "must be 'Fired' or 'Resolved'" }),
  alertTargetIDs: z.array(z.unknown(), { error: 'must be an array of resource ids' }).nullish(),
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

export function parseCommonAlert(payload: unknown, envelope: EnvelopeFormat, root = ''): InboundParse {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    return invalid('The payload is not a valid common alert schema alert.', issueLines(parsed.error, root));
  }
  const { essentials, alertContext } = parsed.data.data;
  const found = findVmTargets(essentials.alertTargetIDs, alertContext);
  const severity = parseSeverity(essentials.severity);
  const signal: AlertSignal = {
    kind: 'commonAlert',
    envelope,
    alertId: essentials.alertId,
    rule: essentials.alertRule ?? undefined,
    // A missing or unknown severity counts as the least severe (Sev4): it never widens what may start a repair.
    severity: severity ?? 4,
    resolved: /^resolved$/i.test(essentials.monitorCondition.trim()),
    targets: found.targets,
    otherResources: found.otherResources,
  };
  return { kind: 'signal', signal };
}
