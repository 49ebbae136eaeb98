/**
 * One log line per decision, in a fixed key=value form so Application Insights can count them:
 *   traces | where message startswith "AlertDecision " | parse message with * "reason=" reason " " *
 *   | summarize count() by reason
 * Each decision is also counted in-process (alertMetrics). Nothing secret is in an alert, but free text from
 * the payload (rule names, observed errors) is quoted so it cannot forge fields of the line.
 */
import type { InvocationContext } from '@azure/functions';
import type { AlertDecision } from '../alerts/alertDecision';
import { countAlertDecision } from './alertMetrics';

export type AlertChannel = 'webhook' | 'eventGrid';

function field(name: string, value: string | undefined): string {
  return value === undefined ? '' : ` ${name}=${JSON.stringify(value)}`;
}

export function formatDecision(channel: AlertChannel, decision: AlertDecision, extra: Record<string, string | undefined> = {}): string {
  const details = decision.decision === 'invalid' && decision.details.length > 0 ? ` (${decision.details.join('; ')})` : '';
  return (
    `AlertDecision decision=${decision.decision} reason=${decision.reason} via=${channel}` +
    field('vm', decision.vmResourceId) +
    field('repair', decision.repairId) +
    field('alertId', decision.alertId) +
    field('rule', decision.rule) +
    Object.entries(extra)
      .map(([k, v]) => field(k, v))
      .join('') +
    ` | ${decision.message}${details}`
  );
}

export function recordDecision(
  context: InvocationContext,
  channel: AlertChannel,
  decision: AlertDecision,
  extra: Record<string, string | undefined> = {},
): void {
  countAlertDecision(decision.reason);
  const line = formatDecision(channel, decision, extra);
  if (decision.reason === 'misconfigured') context.error(line);
  else if (decision.decision === 'invalid') context.warn(line);
  else context.log(line);
}
