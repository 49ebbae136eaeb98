/**
 * Publishing the watch's events to the Event Grid custom topic with the app's managed identity.
 *
 * EventGridPublisherClient with a TokenCredential: the SDK asks the credential for an Entra token for
 * https://eventgrid.azure.net/.default and sends it as a bearer token, so no topic key is stored anywhere and
 * access is the role assignment "EventGrid Data Sender" on the topic, which can be revoked like any other role.
 * The SDK also brings the service's retry policy and the Event Grid schema's serialization.
 */
import type { TokenCredential } from '@azure/core-auth';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { EventGridPublisherClient } from '@azure/eventgrid';
import { DefaultAzureCredential } from '@azure/identity';
import type { WatchEventSink } from './watchRound';

export interface PublisherOptions {
  credential: TokenCredential;
  /** The simulated topic in tests and the demo; the SDK's own transport otherwise. */
  httpClient?: HttpClient;
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
}

export function eventGridSink(endpoint: string, options: PublisherOptions): WatchEventSink {
  const client = new EventGridPublisherClient(endpoint, 'EventGrid', options.credential, {
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
    ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    userAgentOptions: { userAgentPrefix: 'rdp-autorepair-watch' },
  });
  return { send: (events) => client.send(events) };
}

/**
 * Production senders, one per endpoint, built on first use: DefaultAzureCredential is the function app's managed
 * identity in Azure (AZURE_CLIENT_ID selects a user-assigned one, as for the ARM clients).
 */
export function productionWatchSinks(env: { AZURE_CLIENT_ID?: string | undefined } = process.env): (endpoint: string) => WatchEventSink {
  const sinks = new Map<string, WatchEventSink>();
  let credential: TokenCredential | undefined;
  return (endpoint) => {
    let sink = sinks.get(endpoint);
    if (!sink) {
      const clientId = env.AZURE_CLIENT_ID?.trim();
      credential ??= new DefaultAzureCredential(clientId ? { managedIdentityClientId: clientId } : {});
      sink = eventGridSink(endpoint, { credential });
      sinks.set(endpoint, sink);
    }
    return sink;
  };
}
