/**
 * Event Grid subscriptions belong on the Event Grid trigger (receiveAlertEvent, endpoint type azurefunction),
 * whose host extension answers both validation handshakes itself: the Event Grid schema's
 * SubscriptionValidationEvent and the CloudEvents 1.0 webhook OPTIONS request (WebHook-Request-Origin ->
 * WebHook-Allowed-Origin). The webhook route POST /api/alerts is for action groups and for detectors that POST
 * one event themselves. An Event Grid subscription pointed at it instead is refused plainly, with what to do,
 * rather than half-served: answering the validation would make Event Grid deliver batches (arrays) and retries
 * to an endpoint built for one alert per call. The route's OPTIONS answers the CloudEvents handshake with the
 * same refusal and never with WebHook-Allowed-Origin, so such a subscription cannot validate against it.
 *
 * Recognised by what Event Grid itself sends: the `aeg-event-type` header (SubscriptionValidation,
 * Notification) on every delivery, the SubscriptionValidationEvent type, or an array body (Event Grid schema
 * deliveries are always arrays).
 */
import { isRecord } from './jsonValue';

export const SUBSCRIPTION_VALIDATION_EVENT_TYPE = 'Microsoft.EventGrid.SubscriptionValidationEvent';

export const EVENT_GRID_AT_WEBHOOK_MESSAGE =
  'This looks like an Event Grid delivery. Event Grid subscriptions must target the Event Grid trigger, not this webhook: ' +
  'create the subscription with --endpoint-type azurefunction --endpoint <app resource id>/functions/receiveAlertEvent ' +
  '(the Functions host then answers the validation handshake). POST /api/alerts is for action groups (common alert schema) ' +
  'and for detectors that POST one event themselves.';

function isValidationEvent(value: unknown): boolean {
  return (
    isRecord(value) &&
    typeof value.eventType === 'string' &&
    value.eventType.trim().toLowerCase() === SUBSCRIPTION_VALIDATION_EVENT_TYPE.toLowerCase()
  );
}

export function isEventGridDelivery(aegEventType: string | null, body: unknown): boolean {
  if (aegEventType !== null && aegEventType.trim() !== '') return true;
  if (Array.isArray(body)) return true;
  return isValidationEvent(body);
}
