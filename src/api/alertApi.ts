/**
 * The two ways an alert reaches the app (docs/alerts.md):
 *  - POST /api/alerts: an action group's webhook with the common alert schema. 202 + the repair's status URL when
 *    a repair starts, 200 {ignored: reason} when the policy drops the alert (so the action group does not retry),
 *    400 for a payload that cannot be read, never 500 for bad input; 503 when the durable client fails, the one
 *    answer (with 408, 429, 504) on which an action group retries. An Event Grid delivery (validation or
 *    events) is refused with 400: Event Grid belongs on the trigger (alerts/eventGridDelivery.ts).
 *  - the Event Grid trigger: one event (Event Grid schema or CloudEvents) from the custom topic or the Resource
 *    Health system topic. A bad event is logged and dropped, never thrown: Event Grid would retry it for a day.
 *    Only a failure of the app itself (settings aside) is thrown, because then a retry can succeed.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import type { AlertDecision } from '../alerts/alertDecision';
import type { InboundParse } from '../alerts/alertSignal';
import { EVENT_GRID_AT_WEBHOOK_MESSAGE, isEventGridDelivery } from '../alerts/eventGridDelivery';
import { parseEventGridEvent, parseWebhookPayload } from '../alerts/parseInbound';
import { type AlertPolicy, readAlertPolicy } from '../domain/alertPolicyConfig';
import { type AppConfig, readConfig } from '../domain/config';
import { ConfigurationError } from '../domain/errors';
import type { ApiDependencies } from './apiDependencies';
import { type AlertChannel, recordDecision } from './alertDecisionLog';
import { decideAlert } from './alertIntake';
import { errorResponse, jsonResponse } from './httpResponses';
import { readJsonBody } from './readJsonBody';

/** The common alert schema caps an alert at 256 KB (larger log alerts drop their search results to fit). */
export const MAX_ALERT_BYTES = 256 * 1024;

type Settings = { ok: true; config: AppConfig; policy: AlertPolicy } | { ok: false; error: ConfigurationError };

function loadSettings(env: Record<string, string | undefined>): Settings {
  try {
    return { ok: true, config: readConfig(env), policy: readAlertPolicy(env) };
  } catch (err) {
    if (err instanceof ConfigurationError) return { ok: false, error: err };
    throw err;
  }
}

/** A parser that throws is a bug met on this payload; the payload is treated as unreadable, not retried. */
function safely(parse: () => InboundParse, context: InvocationContext): InboundParse {
  try {
    return parse();
  } catch (err) {
    context.error('alert parser failed', err);
    return {
      kind: 'invalid',
      message: `The payload could not be read; quote invocation ${context.invocationId} when reporting it.`,
      details: [],
    };
  }
}

function extraFields(parsed: InboundParse): Record<string, string | undefined> {
  if (parsed.kind !== 'signal') return {};
  const { kind, envelope, observedError, severity } = parsed.signal;
  // The severity goes into every line, so what the ALERT_MIN_SEVERITY default admits can be counted.
  return { kind, envelope, severity: severity === null ? undefined : `Sev${severity}`, observedError };
}

async function decideAndRecord(
  parsed: InboundParse,
  channel: AlertChannel,
  settings: Extract<Settings, { ok: true }>,
  context: InvocationContext,
  deps: ApiDependencies,
): Promise<AlertDecision[]> {
  const decisions = await decideAlert(parsed, {
    client: deps.client(context),
    config: settings.config,
    policy: settings.policy,
    now: deps.now,
  });
  for (const decision of decisions) recordDecision(context, channel, decision, extraFields(parsed));
  return decisions;
}

// ---- webhook -------------------------------------------------------------------------------------------------

function statusUrlFor(request: HttpRequest, id: string): string {
  return `${new URL(request.url).origin}/api/repairs/${encodeURIComponent(id)}`;
}

function bodyOf(request: HttpRequest, decision: AlertDecision): Record<string, unknown> {
  switch (decision.decision) {
    case 'started':
      return {
        id: decision.repairId,
        vmResourceId: decision.vmResourceId,
        mode: 'repair',
        source: { kind: 'alert', alertId: decision.alertId, ...(decision.rule ? { rule: decision.rule } : {}) },
        statusUrl: statusUrlFor(request, decision.repairId),
      };
    case 'ignored':
      return {
        ignored: decision.reason,
        message: decision.message,
        ...(decision.alertId ? { alertId: decision.alertId } : {}),
        ...(decision.vmResourceId ? { vmResourceId: decision.vmResourceId } : {}),
        ...(decision.repairId ? { id: decision.repairId, statusUrl: statusUrlFor(request, decision.repairId) } : {}),
      };
    case 'invalid':
      return { error: { code: 'InvalidAlert', message: decision.message, details: decision.details } };
  }
}

function webhookResponse(request: HttpRequest, decisions: AlertDecision[]): HttpResponseInit {
  const started = decisions.find((d) => d.decision === 'started');
  const status = started ? 202 : decisions.every((d) => d.decision === 'invalid') ? 400 : 200;
  const headers: Record<string, string> = started ? { Location: statusUrlFor(request, started.repairId as string) } : {};
  // One VM is the normal case and gets a flat body; an alert naming several VMs gets one entry per VM.
  const body = decisions.length === 1 ? bodyOf(request, decisions[0]) : { results: decisions.map((d) => bodyOf(request, d)) };
  return jsonResponse(status, body, headers);
}

export async function receiveAlertWebhook(
  request: HttpRequest,
  context: InvocationContext,
  deps: ApiDependencies,
): Promise<HttpResponseInit> {
  if (request.method.toUpperCase() === 'OPTIONS') {
    // The CloudEvents webhook handshake: answered with a refusal, never WebHook-Allowed-Origin (eventGridDelivery.ts).
    recordDecision(context, 'webhook', { decision: 'invalid', reason: 'invalid', message: EVENT_GRID_AT_WEBHOOK_MESSAGE, details: [] });
    return errorResponse(400, 'EventGridNotAccepted', EVENT_GRID_AT_WEBHOOK_MESSAGE);
  }
  const settings = loadSettings(deps.env());
  if (!settings.ok) {
    return errorResponse(500, 'ConfigurationError', `The app is misconfigured: ${settings.error.message}`, {
      setting: settings.error.setting,
    });
  }
  const body = await readJsonBody(request, MAX_ALERT_BYTES);
  if (!body.ok) {
    recordDecision(context, 'webhook', { decision: 'invalid', reason: 'invalid', message: body.message, details: [] });
    return errorResponse(body.status, body.code, body.message);
  }
  if (isEventGridDelivery(request.headers.get('aeg-event-type'), body.value)) {
    recordDecision(context, 'webhook', { decision: 'invalid', reason: 'invalid', message: EVENT_GRID_AT_WEBHOOK_MESSAGE, details: [] });
    return errorResponse(400, 'EventGridNotAccepted', EVENT_GRID_AT_WEBHOOK_MESSAGE);
  }
  const parsed = safely(() => parseWebhookPayload(body.value), context);
  let decisions: AlertDecision[];
  try {
    decisions = await decideAndRecord(parsed, 'webhook', settings, context, deps);
  } catch (err) {
    // Action groups retry a webhook only on 408, 429, 503 and 504 (not 500): 503 gives the alert another chance.
    context.error('alert not processed: the durable client failed', err);
    return errorResponse(
      503,
      'ServiceUnavailable',
      `The alert could not be processed now; retry later, or quote invocation ${context.invocationId} when reporting it.`,
      null,
      { 'Retry-After': '10' },
    );
  }
  return webhookResponse(request, decisions);
}

// ---- Event Grid ----------------------------------------------------------------------------------------------

export async function receiveEventGridEvent(event: unknown, context: InvocationContext, deps: ApiDependencies): Promise<AlertDecision[]> {
  const settings = loadSettings(deps.env());
  if (!settings.ok) {
    // Not retried: replaying hours-old alerts once someone fixes the setting would start surprising repairs.
    const decision: AlertDecision = {
      decision: 'ignored',
      reason: 'misconfigured',
      message: `The app is misconfigured (${settings.error.setting}): ${settings.error.message}. The event is dropped.`,
    };
    recordDecision(context, 'eventGrid', decision);
    return [decision];
  }
  const parsed = safely(() => parseEventGridEvent(event), context);
  return decideAndRecord(parsed, 'eventGrid', settings, context, deps);
}
