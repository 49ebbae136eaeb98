/**
 * The two envelopes an Event Grid trigger may receive, depending on the subscription's delivery schema:
 *  - Event Grid schema: {id, topic, subject, eventType, eventTime, data, dataVersion, metadataVersion};
 *  - CloudEvents 1.0:   {specversion: "1.0", id, source, type, subject?, time?, datacontenttype?, data | data_base64}.
 * Both are reduced to one shape. `data` may arrive as an object, as a JSON string (publishers that encode it
 * twice) or, in a CloudEvent, base64-encoded; all three are decoded here so the payload parsers see an object.
 */
import { echoInput } from '../domain/echo';
import { boundAlertId, type EnvelopeFormat, invalid, type InboundParse } from './alertSignal';
import { isRecord } from './jsonValue';

export interface UnwrappedEvent {
  format: Exclude<EnvelopeFormat, 'none'>;
  id: string;
  type: string;
  subject?: string;
  data: unknown;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function decodeData(data: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof data !== 'string') return { ok: true, value: data };
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch {
    return { ok: false, message: 'data: is a string that is not JSON' };
  }
}

function decodeBase64(text: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text.trim())) {
    return { ok: false, message: 'data_base64: is not base64' };
  }
  return decodeData(Buffer.from(text.trim(), 'base64').toString('utf8'));
}

export function looksLikeEnvelope(value: unknown): boolean {
  return isRecord(value) && ('specversion' in value || 'eventType' in value);
}

export function unwrapEvent(event: unknown): { ok: true; event: UnwrappedEvent } | { ok: false; result: InboundParse } {
  if (!isRecord(event)) return { ok: false, result: invalid('The event is not a JSON object.') };
  const id = nonEmptyString(event.id) ? boundAlertId(event.id) : undefined;
  if ('specversion' in event) {
    const problems: string[] = [];
    if (event.specversion !== '1.0')
      problems.push(`specversion: must be "1.0", got ${echoInput(JSON.stringify(event.specversion) ?? 'nothing')}`);
    if (!id) problems.push('id: is required');
    if (!nonEmptyString(event.source)) problems.push('source: is required');
    if (!nonEmptyString(event.type)) problems.push('type: is required');
    const data = event.data_base64 !== undefined && event.data === undefined ? decodeBase64(event.data_base64) : decodeData(event.data);
    if (!data.ok) problems.push(data.message);
    if (problems.length > 0 || !id || !data.ok) return { ok: false, result: invalid('The CloudEvent is invalid.', problems, id) };
    return {
      ok: true,
      event: {
        format: 'cloudEvents',
        id,
        type: String(event.type),
        subject: nonEmptyString(event.subject) ? event.subject : undefined,
        data: data.value,
      },
    };
  }
  if ('eventType' in event) {
    const problems: string[] = [];
    if (!id) problems.push('id: is required');
    if (!nonEmptyString(event.eventType)) problems.push('eventType: is required');
    const data = decodeData(event.data);
    if (!data.ok) problems.push(data.message);
    if (problems.length > 0 || !id || !data.ok) return { ok: false, result: invalid('The Event Grid event is invalid.', problems, id) };
    return {
      ok: true,
      event: {
        format: 'eventGrid',
        id,
        type: String(event.eventType),
        subject: nonEmptyString(event.subject) ? event.subject : undefined,
        data: data.value,
      },
    };
  }
  return {
    ok: false,
    result: invalid('The event is neither an Event Grid schema event (no eventType) nor a CloudEvent (no specversion).', [], id),
  };
}
