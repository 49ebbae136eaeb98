/**
 * Entry points of the parsers: one event as the Event Grid trigger hands it over, and one body as an action
 * group (or a detector) POSTs it to the webhook. Dispatch is by event type first and by the payload's schemaId
 * second, because alerts relayed into a custom topic have no standard event type of their own.
 */
import { echoInput, quoteInput } from '../domain/echo';
import { sameIdentity } from '../domain/identity';
import { type InboundParse, invalid } from './alertSignal';
import { COMMON_ALERT_SCHEMA_ID, isCommonAlertPayload, parseCommonAlert } from './commonAlertSchema';
import { CONNECTION_FAILED_EVENT_TYPE, parseConnectionFailed } from './connectionFailedEvent';
import { looksLikeEnvelope, unwrapEvent } from './eventEnvelope';
import { HEALTH_EVENT_TYPE, parseHealthEvent } from './healthEvent';
import { isRecord } from './jsonValue';

// Event types are names, compared like every other name this app reads (identity.ts).
const same = sameIdentity;

export function parseEventGridEvent(raw: unknown): InboundParse {
  const unwrapped = unwrapEvent(raw);
  if (!unwrapped.ok) return unwrapped.result;
  const { format, id, type, data } = unwrapped.event;
  if (same(type, CONNECTION_FAILED_EVENT_TYPE)) return parseConnectionFailed(id, data, format);
  if (same(type, HEALTH_EVENT_TYPE)) return parseHealthEvent(id, data, format);
  if (isCommonAlertPayload(data)) {
    const parsed = parseCommonAlert(data, format, 'data');
    return parsed.kind === 'invalid' ? { ...parsed, eventId: id } : parsed;
  }
  return {
    kind: 'unsupported',
    eventId: id,
    eventType: echoInput(type),
    message:
      `Event type ${quoteInput(type)} is not one this app acts on (${CONNECTION_FAILED_EVENT_TYPE}, ${HEALTH_EVENT_TYPE}, ` +
      `or any type whose data is a common alert schema alert).`,
  };
}

/** The webhook takes the common alert schema (action groups) or, for detectors that post directly, one event in either envelope. */
export function parseWebhookPayload(body: unknown): InboundParse {
  if (isCommonAlertPayload(body)) return parseCommonAlert(body, 'none');
  if (looksLikeEnvelope(body)) return parseEventGridEvent(body);
  const schemaId = isRecord(body) && typeof body.schemaId === 'string' ? body.schemaId : undefined;
  return invalid(
    schemaId
      ? `The alert uses schema ${quoteInput(schemaId)}; this endpoint reads only the common alert schema. Turn on "Enable ` +
          `the common alert schema" (useCommonAlertSchema: true) on the action group's webhook.`
      : `The body is not a common alert schema alert (schemaId '${COMMON_ALERT_SCHEMA_ID}'). Turn on "Enable the common ` +
          `alert schema" (useCommonAlertSchema: true) on the action group's webhook.`,
  );
}
