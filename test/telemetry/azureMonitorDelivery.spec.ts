/**
 * The production sink really sends: the Azure Monitor exporter posts events and metrics to the connection
 * string's IngestionEndpoint (`/v2.1/track`, Application Insights' ingestion envelope). The exporter accepts
 * https only, so the stand-in ingestion endpoint serves a loopback test certificate that this process trusts.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { gunzipSync } from 'node:zlib';
import { azureMonitorTelemetry } from '../../src/telemetry/azureMonitorTelemetry';

const fixtures = join(__dirname, '..', 'fixtures', 'tls');
const cert = readFileSync(join(fixtures, 'loopback-cert.pem'), 'utf8');
const key = readFileSync(join(fixtures, 'loopback-key.pem'), 'utf8');

interface Envelope {
  name: string;
  iKey: string;
  data: { baseType: string; baseData: { name?: string; properties?: Record<string, string>; metrics?: { name: string }[] } };
}

let server: Server;
let port = 0;
const received: Envelope[] = [];

beforeAll(async () => {
  // Only this jest worker's default CA list gains the loopback certificate.
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
  server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      if (req.url?.startsWith('/v2.1/track')) received.push(...(JSON.parse(body.toString('utf8')) as Envelope[]));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('sends events to customEvents and metrics to customMetrics at the ingestion endpoint', async () => {
  const iKey = '00000000-0000-4000-8000-000000000001';
  const telemetry = azureMonitorTelemetry(`InstrumentationKey=${iKey};IngestionEndpoint=https://127.0.0.1:${port}/`);
  telemetry.event({ name: 'RepairEnded', properties: { repairId: 'r-1', outcome: 'Repaired', restarts: 1, caveats: null } });
  telemetry.metric({ name: 'rdp_autorepair.repairs', value: 1, dimensions: { repairId: 'r-1', outcome: 'Repaired' } });
  telemetry.metric({ name: 'rdp_autorepair.time_to_repair_seconds', value: 312, dimensions: { repairId: 'r-1', outcome: 'Repaired' } });
  // shutdown flushes both batches (the log processor's and the periodic metric reader's).
  await telemetry.shutdown();

  const event = received.find((e) => e.data.baseType === 'EventData');
  expect(event).toBeDefined();
  expect(event?.iKey).toBe(iKey);
  expect(event?.data.baseData.name).toBe('RepairEnded');
  expect(event?.data.baseData.properties).toMatchObject({ repairId: 'r-1', outcome: 'Repaired', restarts: '1' });
  const metrics = received.filter((e) => e.data.baseType === 'MetricData').flatMap((e) => e.data.baseData.metrics ?? []);
  expect(metrics.map((m) => m.name)).toEqual(expect.arrayContaining(['rdp_autorepair.repairs', 'rdp_autorepair.time_to_repair_seconds']));
}, 30_000);
