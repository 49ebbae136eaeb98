/**
 * SIMULATED: an Event Grid custom topic's publish endpoint, plugged into EventGridPublisherClient as its
 * `httpClient`. It records what was published and checks what the service checks; it delivers nothing by itself
 * (a test hands the recorded events to the app's Event Grid trigger, as a subscription would).
 *
 * What it models, with sources (Microsoft Learn):
 *  - "Publish events to Azure Event Grid custom topics using access keys / Microsoft Entra ID": POST
 *    https://<topic>.<region>-1.eventgrid.azure.net/api/events?api-version=2018-01-01, body a JSON array of events
 *    in the Event Grid schema; the Entra token's audience is https://eventgrid.azure.net and the caller needs the
 *    "EventGrid Data Sender" role on the topic.
 *  - "Azure Event Grid event schema": id, subject, eventType, eventTime are required strings; data and dataVersion
 *    are optional for custom topics; the service stamps `topic` itself.
 *  - "Event Grid quotas and limits": an event is at most 1 MB, a request at most 1 MB.
 *  - Answers: 200 with an empty body on success, 400 for a malformed event, 401 without a valid token, 403 with a
 *    token lacking the data-sender permission, 413 over the size limit. The exact error bodies are not documented
 *    in detail; these follow the `{error: {code, message}}` shape ARM-style services use, which the SDK only quotes.
 * Unknown: how the real service orders or batches fan-out; this records each request as one batch, in order.
 * Never registered as a function; used by tests and the demo only.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export const SIM_TOPIC_ENDPOINT = 'https://rdp-autorepair-watch.westeurope-1.eventgrid.azure.net/api/events';
const EVENTGRID_SCOPE = 'https://eventgrid.azure.net/.default';
const SIM_EVENTGRID_TOKEN = 'simulated-eventgrid-token-not-a-secret';
const MAX_REQUEST_BYTES = 1024 * 1024;

/**
 * SIMULATED: a managed identity that hands out an Event Grid token only for the Event Grid audience, so a client
 * asking for any other audience (ARM's, say) gets a token the topic refuses.
 */
export class SimulatedEventGridCredential implements TokenCredential {
  readonly requestedScopes: string[] = [];
  async getToken(scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const list = Array.isArray(scopes) ? scopes : [scopes];
    this.requestedScopes.push(...list);
    const token = list.includes(EVENTGRID_SCOPE) ? SIM_EVENTGRID_TOKEN : `simulated-token-for-${list.join('+')}`;
    return { token, expiresOnTimestamp: Date.now() + 60 * 60 * 1000 };
  }
}

export interface PublishedEvent {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data?: unknown;
  dataVersion?: string;
  metadataVersion: string;
}

export interface PublishAttempt {
  status: number;
  events: number;
}

export class SimulatedEventGridTopic implements HttpClient {
  /** Every event accepted, in order, as a subscriber would receive it (the service stamps topic and metadataVersion). */
  readonly published: PublishedEvent[] = [];
  readonly attempts: PublishAttempt[] = [];
  /** False models a managed identity without "EventGrid Data Sender" on the topic. */
  senderRoleAssigned = true;
  private failures: number[] = [];

  constructor(
    readonly endpoint: string = SIM_TOPIC_ENDPOINT,
    /** The topic's ARM id, stamped on each event as `topic`. */
    readonly topicId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.EventGrid/topics/watch',
  ) {}

  /** The next `times` publish requests answer `status` (a 503 from the service, say), whatever they carry. */
  failNext(status: number, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  /** Events of one type, as published. */
  ofType(eventType: string): PublishedEvent[] {
    return this.published.filter((e) => e.eventType === eventType);
  }

  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const answer = (status: number, code?: string, message?: string): PipelineResponse => {
      this.attempts.push({ status, events: 0 });
      const body = code ? JSON.stringify({ error: { code, message } }) : '';
      return {
        request,
        status,
        headers: createHttpHeaders(code ? { 'content-type': 'application/json' } : {}),
        bodyAsText: body,
      };
    };
    const url = new URL(request.url);
    const expected = new URL(this.endpoint);
    if (url.host !== expected.host || url.pathname !== expected.pathname) return answer(404, 'NotFound', 'No such topic endpoint.');
    if (request.method !== 'POST') return answer(405, 'MethodNotAllowed', 'Publish with POST.');
    if (!url.searchParams.get('api-version')) return answer(400, 'BadRequest', 'The api-version query parameter is required.');
    if (request.headers.get('authorization') !== `Bearer ${SIM_EVENTGRID_TOKEN}`) {
      return answer(401, 'Unauthorized', 'The request authorization is missing or the token is not for https://eventgrid.azure.net.');
    }
    if (!this.senderRoleAssigned) {
      return answer(403, 'Forbidden', "The principal does not have 'Microsoft.EventGrid/events/send/action' on the topic.");
    }
    const injected = this.failures.shift();
    if (injected !== undefined) return answer(injected, 'ServiceUnavailable', 'Simulated failure injected by the test.');
    const text = typeof request.body === 'string' ? request.body : '';
    if (Buffer.byteLength(text) > MAX_REQUEST_BYTES) return answer(413, 'PayloadTooLarge', 'The request exceeds 1 MB.');
    let events: unknown;
    try {
      events = JSON.parse(text);
    } catch {
      return answer(400, 'BadRequest', 'The body is not JSON.');
    }
    if (!Array.isArray(events)) return answer(400, 'BadRequest', 'The Event Grid schema takes an array of events.');
    const accepted: PublishedEvent[] = [];
    for (const [i, e] of events.entries()) {
      const event = e as Record<string, unknown>;
      for (const field of ['id', 'subject', 'eventType', 'eventTime']) {
        if (typeof event[field] !== 'string' || event[field] === '') {
          return answer(400, 'BadRequest', `Event ${i}: ${field} is required and must be a string.`);
        }
      }
      accepted.push({
        id: event.id as string,
        topic: this.topicId,
        subject: event.subject as string,
        eventType: event.eventType as string,
        eventTime: event.eventTime as string,
        ...(event.data !== undefined ? { data: event.data } : {}),
        ...(typeof event.dataVersion === 'string' ? { dataVersion: event.dataVersion } : {}),
        metadataVersion: '1',
      });
    }
    this.published.push(...accepted);
    this.attempts.push({ status: 200, events: accepted.length });
    return { request, status: 200, headers: createHttpHeaders({}), bodyAsText: '' };
  }
}
