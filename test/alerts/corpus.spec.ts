/**
 * Every fixture of test/fixtures/alerts/ through the REAL registered functions (webhook route and Event Grid
 * trigger) of a simulated app, with the durable host emulator's client behind them: each yields its expected
 * decision, exactly one decision is counted, only started decisions create an orchestration instance, and that
 * instance's input is an alert-sourced repair request for the right VM and port.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { alertDecisionCounts, resetAlertDecisionCounts } from '../../src/api/alertMetrics';
import { deliverEventGridEvent, postAlertWebhook } from '../../src/simulator/alertDelivery';
import { SIM_RESOURCE_GROUP } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { CORPUS, type CorpusCase, fixtureText } from '../fixtures/alerts/corpus';

const STACK = /\n\s+at /;

function alertIdOf(text: string): string | undefined {
  try {
    const value = JSON.parse(text);
    if (value?.data?.essentials?.alertId) return value.data.essentials.alertId;
    if (value?.data?.data?.essentials?.alertId) return value.data.data.essentials.alertId;
    if (value?.data_base64) return JSON.parse(Buffer.from(value.data_base64, 'base64').toString('utf8')).data.essentials.alertId;
    return value?.id;
  } catch {
    return undefined;
  }
}

it(`the corpus uses every fixture file (${CORPUS.length} cases)`, () => {
  const files = new Set(fs.readdirSync(path.join(__dirname, '../fixtures/alerts')).filter((f) => !f.endsWith('.ts')));
  for (const c of CORPUS) files.delete(c.file);
  expect([...files]).toEqual([]);
});

describe('alert corpus: each fixture yields its expected decision', () => {
  let app: SimulatedRepairApp;

  afterEach(async () => {
    await app.close();
  });

  it.each(
    CORPUS.map((c) => [`${c.file} via ${c.via}${c.settings ? ` ${JSON.stringify(c.settings)}` : ''} -> ${c.expect.reason}`, c] as const),
  )('%s', async (_name, c: CorpusCase) => {
    app = await SimulatedRepairApp.start({ settings: c.settings });
    resetAlertDecisionCounts();
    const text = fixtureText(c.file);

    if (c.via === 'webhook') {
      const response = await postAlertWebhook(app, text);
      expect(response.status).toBe(c.expect.status);
      expect(JSON.stringify(response.body)).not.toMatch(STACK);
      if (c.expect.reason === 'started') {
        expect(response.headers.Location).toBe(response.body.statusUrl);
        expect(response.body.statusUrl).toBe(`https://rdp-autorepair.simulated/api/repairs/${response.body.id}`);
        expect(response.body.source).toMatchObject({ kind: 'alert', alertId: alertIdOf(text) });
        expect(response.body.mode).toBe('repair');
      } else if (c.expect.reason === 'invalid') {
        expect(['InvalidAlert', 'InvalidJson']).toContain(response.body.error.code);
        expect(response.body.error.message.length).toBeGreaterThan(10);
      } else {
        expect(response.body.ignored).toBe(c.expect.reason);
        expect(typeof response.body.message).toBe('string');
      }
    } else {
      const delivery = await deliverEventGridEvent(app, JSON.parse(text));
      // A bad event is logged and dropped, never thrown (Event Grid would retry it for a day).
      expect(delivery.error).toBeUndefined();
      const logs = delivery.logs.map((l) => l.message);
      expect(logs.filter((l) => l.startsWith('AlertDecision '))).toHaveLength(1);
      expect(logs.join('\n')).toContain(`reason=${c.expect.reason} `);
      expect(logs.join('\n')).not.toMatch(STACK);
    }

    const counts = alertDecisionCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1);
    expect(counts[c.expect.reason]).toBe(1);

    const ids = app.emulator.instanceIds();
    if (c.expect.reason !== 'started') {
      expect(ids).toEqual([]);
      return;
    }
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(new RegExp(`^rdprepair-${c.expect.vm}-[0-9a-f]{16}$`));
    const status = await app.emulator.client.getStatus(ids[0]);
    const request = (status.input as any).request;
    expect(request.vm.name).toBe(c.expect.vm);
    expect(request.vm.resourceGroup.toLowerCase()).toBe(SIM_RESOURCE_GROUP);
    expect(request.mode).toBe('repair');
    expect(request.rdpPort).toBe(c.expect.rdpPort);
    expect(request.allowedSourceCidrs).toEqual([]);
    expect(request.source).toMatchObject({ kind: 'alert', alertId: alertIdOf(text) });
    expect(typeof request.source.rule).toBe('string');
    expect(status.runtimeStatus).toBe('Pending');
  });
});
