/**
 * The alert policy through the real handlers and the emulator's durable client: one repair per VM across
 * sources, cooldown on the app's virtual clock, the fleet-wide repair gate (also under a concurrent burst), the
 * alert CIDR setting, alerts naming several VMs, bad settings and a failing durable client.
 */
import { resetAlertDecisionCounts, alertDecisionCounts } from '../../src/api/alertMetrics';
import { deliverEventGridEvent, postAlertWebhook } from '../../src/simulator/alertDelivery';
import { asEventGridEvent, connectionFailedEventFor, vmMetricAlert } from '../../src/simulator/sampleAlerts';
import { SIM_RESOURCE_GROUP, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { runWatchingSlots, slotsOf } from '../support/repairSlots';

const vm = (name: string) =>
  `/subscriptions/${SIM_SUBSCRIPTION_ID}/resourceGroups/${SIM_RESOURCE_GROUP}/providers/Microsoft.Compute/virtualMachines/${name}`;
const MINUTE = 60_000;

let app: SimulatedRepairApp;

async function start(settings: Record<string, string | undefined> = {}): Promise<void> {
  app = await SimulatedRepairApp.start({ settings });
  resetAlertDecisionCounts();
}

afterEach(async () => {
  await app.close();
});

async function endRepair(id: string): Promise<void> {
  await app.emulator.client.terminate(id, 'ended by the test');
  await app.emulator.runUntilComplete(id);
}

describe('one repair per VM, whoever asks', () => {
  it('acknowledges and drops a second alert for a VM under repair, pointing at the running repair', async () => {
    await start();
    const first = await postAlertWebhook(app, vmMetricAlert(vm('vm-a')));
    expect(first.status).toBe(202);
    const second = await postAlertWebhook(app, vmMetricAlert(vm('vm-a').toLowerCase()));
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      ignored: 'alreadyRunning',
      id: first.body.id,
      statusUrl: first.body.statusUrl,
      vmResourceId: vm('vm-a'),
    });
    const viaEventGrid = await deliverEventGridEvent(app, connectionFailedEventFor(vm('vm-a'), app.clock.now()));
    expect(viaEventGrid.logs[0].message).toMatch(/^AlertDecision decision=ignored reason=alreadyRunning via=eventGrid /);
    // An operator's POST collides with the alert's repair too.
    const http = await app.http('POST', '/api/repairs', { vmResourceId: vm('vm-a') });
    expect(http.status).toBe(409);
    expect(http.body.error.details.id).toBe(first.body.id);
    expect(app.emulator.instanceIds()).toEqual([first.body.id]);
  });

  it('drops an alert for a VM an operator is repairing', async () => {
    await start();
    const http = await app.http('POST', '/api/repairs', { vmResourceId: vm('vm-b') });
    expect(http.status).toBe(202);
    const alert = await postAlertWebhook(app, vmMetricAlert(vm('vm-b')));
    expect(alert.body).toMatchObject({ ignored: 'alreadyRunning', id: http.body.id });
  });
});

describe('cooldown (REPAIR_COOLDOWN_MINUTES, default 360) on the virtual clock', () => {
  it('does not repair a VM again within the window after any outcome, and does after it', async () => {
    await start();
    const first = await postAlertWebhook(app, vmMetricAlert(vm('vm-c')));
    await endRepair(first.body.id);
    const endedAt = app.clock.nowMs();

    app.clock.advanceBy(359 * MINUTE);
    const during = await postAlertWebhook(app, vmMetricAlert(vm('vm-c')));
    expect(during.status).toBe(200);
    expect(during.body.ignored).toBe('coolingDown');
    expect(during.body.id).toBe(first.body.id);
    expect(during.body.message).toBe(
      `This VM's last repair ended (Terminated) at ${new Date(endedAt).toISOString()}; REPAIR_COOLDOWN_MINUTES=360 ` +
        `allows the next one from ${new Date(endedAt + 360 * MINUTE).toISOString()}.`,
    );

    app.clock.advanceBy(1 * MINUTE);
    const after = await postAlertWebhook(app, vmMetricAlert(vm('vm-c')));
    expect(after.status).toBe(202);
    expect(after.body.id).toBe(first.body.id);
  });

  it('applies only to alerts: an operator may repair again at once', async () => {
    await start({ REPAIR_COOLDOWN_MINUTES: '60' });
    const first = await postAlertWebhook(app, vmMetricAlert(vm('vm-d')));
    await endRepair(first.body.id);
    expect((await postAlertWebhook(app, vmMetricAlert(vm('vm-d')))).body.ignored).toBe('coolingDown');
    expect((await app.http('POST', '/api/repairs', { vmResourceId: vm('vm-d') })).status).toBe(202);
  });
});

describe('MAX_CONCURRENT_REPAIRS', () => {
  it('starts a repair for every alert; those beyond the limit wait for a slot, in order, and none is dropped', async () => {
    await start({ MAX_CONCURRENT_REPAIRS: '3' });
    const answers = [];
    for (const name of ['vm-1', 'vm-2', 'vm-3', 'vm-4', 'vm-5']) answers.push(await postAlertWebhook(app, vmMetricAlert(vm(name))));
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const ids = answers.map((a) => a.body.id as string);
    const fifth = ids[4];
    await runWatchingSlots(app.emulator, {
      advanceClock: false,
      until: () => (app.emulator.stats(fifth).episodes ?? 0) >= 2,
    });
    expect(Object.keys(slotsOf(app.emulator)?.holders ?? {})).toEqual(ids.slice(0, 3));
    expect(slotsOf(app.emulator)?.waiters.map((w) => w.repairId)).toEqual(ids.slice(3));
    const waiting = await app.http('GET', `/api/repairs/${fifth}`);
    expect(waiting.body.runtimeStatus).toBe('Running');
    expect(waiting.body.currentStep).toBe('waitForRepairSlot');
    expect(waiting.body.timeline.at(-1).detail).toMatch(/^position 2 of 2 waiting; MAX_CONCURRENT_REPAIRS=3 \(3 repairs hold a slot\)/);
    // These VMs do not exist: each repair ends Rejected at preflight and hands its slot on.
    const watch = await runWatchingSlots(app.emulator);
    expect(watch.peakHolders).toBeLessThanOrEqual(3);
    for (const id of ids) expect((await app.emulator.client.getStatus(id)).runtimeStatus).toBe('Completed');
    expect(slotsOf(app.emulator)).toMatchObject({ holders: {}, waiters: [] });
    expect(alertDecisionCounts()).toMatchObject({ started: 5 });
  });

  it('holds under a concurrent burst: 60 simultaneous alerts for 60 VMs all start, at most the limit hold a slot', async () => {
    await start({ MAX_CONCURRENT_REPAIRS: '7' });
    const events = Array.from({ length: 60 }, (_, i) => connectionFailedEventFor(vm(`vm-burst-${i}`), app.clock.now()));
    const deliveries = await Promise.all(events.map((e) => deliverEventGridEvent(app, e)));
    expect(deliveries.every((d) => d.error === undefined)).toBe(true);
    expect(app.emulator.instanceIds()).toHaveLength(60);
    expect(alertDecisionCounts()).toMatchObject({ started: 60 });
    const watch = await runWatchingSlots(app.emulator);
    expect(watch.peakHolders).toBe(7);
    expect(watch.peakWaiters).toBe(53);
  });

  it('gives operator-started repairs the same gate, queued ahead of alert-started ones', async () => {
    await start({ MAX_CONCURRENT_REPAIRS: '1' });
    const first = await postAlertWebhook(app, vmMetricAlert(vm('vm-i1')));
    const second = await postAlertWebhook(app, vmMetricAlert(vm('vm-i2')));
    const operator = await app.http('POST', '/api/repairs', { vmResourceId: vm('vm-h') });
    expect([first.status, second.status, operator.status]).toEqual([202, 202, 202]);
    await runWatchingSlots(app.emulator, { advanceClock: false, until: () => (slotsOf(app.emulator)?.waiters.length ?? 0) === 2 });
    expect(Object.keys(slotsOf(app.emulator)?.holders ?? {})).toEqual([first.body.id]);
    expect(slotsOf(app.emulator)?.waiters.map((w) => [w.repairId, w.priority])).toEqual([
      [operator.body.id, 'operator'],
      [second.body.id, 'alert'],
    ]);
  });
});

describe('requests and answers', () => {
  it('gives alert repairs the ALERT_ALLOWED_SOURCE_CIDRS, validated as an HTTP request would be', async () => {
    await start({ ALERT_ALLOWED_SOURCE_CIDRS: '203.0.113.0/24,198.51.100.0/25' });
    const answer = await postAlertWebhook(app, vmMetricAlert(vm('vm-e')));
    const status = await app.emulator.client.getStatus(answer.body.id);
    expect((status.input as any).request.allowedSourceCidrs).toEqual(['203.0.113.0/24', '198.51.100.0/25']);
  });

  it('answers an alert naming several VMs with one result per VM', async () => {
    await start();
    const alert = vmMetricAlert(vm('vm-f')) as any;
    alert.data.essentials.alertTargetIDs = [vm('vm-f'), vm('vm-g').toLowerCase(), vm('vm-f').toLowerCase()];
    const answer = await postAlertWebhook(app, alert);
    expect(answer.status).toBe(202);
    expect(answer.body.results).toHaveLength(2);
    expect(answer.body.results[0]).toMatchObject({ vmResourceId: vm('vm-f'), mode: 'repair' });
    expect(answer.body.results[1]).toMatchObject({ vmResourceId: vm('vm-g'), mode: 'repair' });
    expect(answer.headers.Location).toBe(answer.body.results[0].statusUrl);
  });

  it('takes an alert up to the common schema limit of 256 KB and refuses a larger body with 413', async () => {
    await start();
    const big = vmMetricAlert(vm('vm-big')) as any;
    big.data.alertContext.SearchResults = { rows: 'x'.repeat(200 * 1024) };
    expect((await postAlertWebhook(app, big)).status).toBe(202);
    big.data.alertContext.SearchResults = { rows: 'x'.repeat(300 * 1024) };
    const tooBig = await postAlertWebhook(app, big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('PayloadTooLarge');
  });

  it('ignores other event types without an error', async () => {
    await start();
    const delivery = await deliverEventGridEvent(
      app,
      asEventGridEvent('Microsoft.EventGrid.SubscriptionValidationEvent', { validationCode: 'x' }, SIM_SUBSCRIPTION_ID),
    );
    expect(delivery.error).toBeUndefined();
    expect(alertDecisionCounts().unsupportedEventType).toBe(1);
  });
});

describe('failures of the app itself', () => {
  it('a bad setting: the webhook answers 500 naming it; the Event Grid trigger logs and drops the event', async () => {
    await start({ MAX_CONCURRENT_REPAIRS: 'lots' });
    const answer = await postAlertWebhook(app, vmMetricAlert(vm('vm-x')));
    expect(answer.status).toBe(500);
    expect(answer.body.error).toEqual({
      code: 'ConfigurationError',
      message: "The app is misconfigured: MAX_CONCURRENT_REPAIRS must be a whole number from 1 to 1000, got 'lots'",
      details: { setting: 'MAX_CONCURRENT_REPAIRS' },
    });
    const delivery = await deliverEventGridEvent(app, connectionFailedEventFor(vm('vm-x'), app.clock.now()));
    expect(delivery.error).toBeUndefined();
    expect(delivery.logs.map((l) => [l.level, l.message.split(' | ')[0]])).toEqual([
      ['error', 'AlertDecision decision=ignored reason=misconfigured via=eventGrid'],
    ]);
    expect(app.emulator.instanceIds()).toEqual([]);
  });

  it(
    'a failing durable client: the webhook answers 503 (action groups retry it) without a stack; the Event Grid trigger ' +
      'throws so Event Grid retries',
    async () => {
      await start();
      const failing = {
        ...app.emulator.client,
        getStatus: async () => Promise.reject(new Error('The operation failed with an unexpected status code: 503. Details: "busy"')),
      };
      app.useDurableClient(failing);
      const answer = await postAlertWebhook(app, vmMetricAlert(vm('vm-y')));
      expect(answer.status).toBe(503);
      expect(answer.headers['Retry-After']).toBe('10');
      expect(answer.body.error.code).toBe('ServiceUnavailable');
      expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at |busy/);
      const delivery = await deliverEventGridEvent(app, connectionFailedEventFor(vm('vm-y'), app.clock.now()));
      expect(delivery.error).toContain('503');
      // A bad event is still dropped quietly even while the client is down: it never reaches the client.
      const bad = await deliverEventGridEvent(app, { id: 'e', eventType: 'RdpAutoRepair.ConnectionFailed', data: {} });
      expect(bad.error).toBeUndefined();
    },
  );
});
