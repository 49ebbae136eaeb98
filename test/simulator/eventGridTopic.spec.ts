/**
 * The simulated Event Grid topic answers the real EventGridPublisherClient as the service does: a token for the
 * Event Grid audience and the sender role are required, events must carry the schema's required fields.
 */
import { SimulatedCredential } from '../../src/simulator/arm';
import { SIM_TOPIC_ENDPOINT, SimulatedEventGridCredential, SimulatedEventGridTopic } from '../../src/simulator/eventGridTopic';
import { eventGridSink } from '../../src/watch/watchPublisher';

const event = {
  id: 'e1',
  eventType: 'RdpAutoRepair.ConnectionFailed',
  subject: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
  eventTime: new Date('2026-01-05T03:00:00Z'),
  dataVersion: '1',
  data: { vmResourceId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1' },
};

test('accepts events published with an Event Grid token and records them as a subscriber receives them', async () => {
  const topic = new SimulatedEventGridTopic();
  const credential = new SimulatedEventGridCredential();
  await eventGridSink(SIM_TOPIC_ENDPOINT, { credential, httpClient: topic, retryOptions: { maxRetries: 0 } }).send([event]);
  expect(credential.requestedScopes).toEqual(['https://eventgrid.azure.net/.default']);
  expect(topic.published).toEqual([
    {
      id: 'e1',
      topic: topic.topicId,
      subject: event.subject,
      eventType: event.eventType,
      eventTime: '2026-01-05T03:00:00.000Z',
      data: event.data,
      dataVersion: '1',
      metadataVersion: '1',
    },
  ]);
});

test('refuses a token for another audience (401) and a principal without EventGrid Data Sender (403)', async () => {
  const topic = new SimulatedEventGridTopic();
  // The ARM credential's token is not an Event Grid token.
  const wrong = eventGridSink(SIM_TOPIC_ENDPOINT, {
    credential: new SimulatedCredential(),
    httpClient: topic,
    retryOptions: { maxRetries: 0 },
  });
  await expect(wrong.send([event])).rejects.toMatchObject({ statusCode: 401 });
  topic.senderRoleAssigned = false;
  const right = eventGridSink(SIM_TOPIC_ENDPOINT, {
    credential: new SimulatedEventGridCredential(),
    httpClient: topic,
    retryOptions: { maxRetries: 0 },
  });
  await expect(right.send([event])).rejects.toMatchObject({ statusCode: 403 });
  expect(topic.published).toEqual([]);
});

test('refuses an event without a subject (400)', async () => {
  const topic = new SimulatedEventGridTopic();
  const sink = eventGridSink(SIM_TOPIC_ENDPOINT, {
    credential: new SimulatedEventGridCredential(),
    httpClient: topic,
    retryOptions: { maxRetries: 0 },
  });
  await expect(sink.send([{ ...event, subject: '' }])).rejects.toMatchObject({ statusCode: 400 });
});
