/**
 * The watch end to end on the simulated app (issue 16): the REAL timer function lists the tagged VMs through the
 * simulated ARM, probes their simulated RDP endpoints with the real probe, keeps its state in Durable Entities in
 * the emulator's task hub, publishes to a simulated Event Grid topic with a managed-identity token, and the
 * recorded event, handed to the app's Event Grid trigger, repairs the VM.
 */
import { CONNECTION_FAILED_EVENT_TYPE } from '../../src/alerts/connectionFailedEvent';
import { runRepairFromAlert } from '../../src/simulator/alertDelivery';
import { SIM_TOPIC_ENDPOINT } from '../../src/simulator/eventGridTopic';
import { disableTlsAndReboot, enableTlsAndReboot, watchedVm } from '../../src/simulator/scenarios/watchFleet';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { WATCH_TIMER } from '../../src/functions/watch';
import { CONNECTION_RECOVERED_EVENT_TYPE } from '../../src/watch/watchEvents';
import { SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { jestModuleIsolation } from '../support/moduleIsolation';

jest.setTimeout(60_000);

const WATCH_SETTINGS = { WATCH_ENABLED: 'true', WATCH_EVENT_TOPIC_ENDPOINT: SIM_TOPIC_ENDPOINT };
const FIVE_MINUTES = 5 * 60 * 1000;

const breakTls = disableTlsAndReboot;
const fixTls = enableTlsAndReboot;

/** One scheduled round: the timer fires, the entity signals it sent are applied, five minutes pass. */
async function round(app: SimulatedRepairApp): Promise<string[]> {
  const logs = await app.timer(WATCH_TIMER);
  await app.emulator.runUntilIdle({ advanceClock: false });
  app.clock.advanceBy(FIVE_MINUTES);
  return logs.map((l) => l.message);
}

async function withApp<T>(settings: Record<string, string>, body: (app: SimulatedRepairApp) => Promise<T>): Promise<T> {
  const app = await SimulatedRepairApp.start({ settings: { ...WATCH_SETTINGS, ...settings }, isolateModules: jestModuleIsolation });
  try {
    return await body(app);
  } finally {
    await app.close();
  }
}

test('a VM that turns broken raises one ConnectionFailed; the published event repairs it; Recovered follows', async () => {
  await withApp({}, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-web-01'));
    await app.addScenario(watchedVm('vm-untagged', { tagged: false }));
    await round(app);
    let watch = await app.http('GET', '/api/watch');
    expect(watch.status).toBe(200);
    expect(watch.body.vms.map((v: any) => [v.vmResourceId, v.lastVerdict])).toEqual([[vmId, 'healthy']]);
    // The round's counts reach telemetry as an event and as metrics by verdict.
    expect(app.telemetry.eventsNamed('WatchRoundEnded').map((e) => [e.properties.checked, e.properties.healthy])).toEqual([[1, 1]]);
    const byVerdict = Object.fromEntries(
      app.telemetry.metricsNamed('rdp_autorepair.watch_vms').map((m) => [m.dimensions.verdict, m.value]),
    );
    expect(byVerdict).toMatchObject({ healthy: 1, broken: 0, skipped: 0 });
    expect(app.telemetry.metricsNamed('rdp_autorepair.watch_round_seconds')).toHaveLength(1);

    breakTls(app.guestOf(vmId)!, app.clock.nowMs());
    const second = await round(app);
    expect(second.some((l) => l.startsWith('WatchVm') && l.includes('verdict=broken') && l.includes('(1 of 2)'))).toBe(true);
    expect(app.topic.published).toEqual([]);
    await round(app);
    expect(app.topic.published).toHaveLength(1);
    const event = app.topic.published[0]!;
    expect(event).toMatchObject({
      eventType: CONNECTION_FAILED_EVENT_TYPE,
      subject: vmId,
      data: { vmResourceId: vmId, port: 3389, source: 'rdp-autorepair-watch', verdict: 'broken', stage: 'tls' },
    });
    expect((event.data as any).errorCode).toMatch(/AFTER_CLIENT_HELLO/);
    // Published with a managed-identity token for Event Grid, never a key.
    expect(app.eventGridCredential.requestedScopes).toContain('https://eventgrid.azure.net/.default');
    watch = await app.http('GET', '/api/watch');
    expect(watch.body.vms[0]).toMatchObject({ lastVerdict: 'broken', failed: true, consecutiveBroken: 2 });

    // The subscription delivers it to the trigger: the alert intake starts the repair, which fixes TLS.
    const run = await runRepairFromAlert(app, event, vmId);
    expect(run.status?.runtimeStatus).toBe('Completed');
    expect(run.status?.outcome.kind).toBe('Repaired');
    expect(run.status?.source).toMatchObject({ kind: 'alert', alertId: event.id });

    await round(app);
    await round(app);
    expect(app.topic.ofType(CONNECTION_FAILED_EVENT_TYPE)).toHaveLength(1);
    expect(app.topic.ofType(CONNECTION_RECOVERED_EVENT_TYPE)).toHaveLength(1);
    expect(app.topic.ofType(CONNECTION_RECOVERED_EVENT_TYPE)[0]?.data).toMatchObject({ failedEventId: event.id, verdict: 'healthy' });
  });
});

test('a flapping VM produces one event, not many', async () => {
  await withApp({}, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-flappy'));
    const guest = app.guestOf(vmId)!;
    for (const broken of [true, true, false, true, false, true, true, false, true]) {
      if (broken) breakTls(guest, app.clock.nowMs());
      else fixTls(guest, app.clock.nowMs());
      await round(app);
    }
    expect(app.topic.published.map((e) => e.eventType)).toEqual([CONNECTION_FAILED_EVENT_TYPE]);
  });
});

test('a stopped VM and one this app is not admitted to produce no event and no repair', async () => {
  await withApp({}, async (app) => {
    const stopped = await app.addScenario(watchedVm('vm-off', { powerState: 'deallocated' }));
    const elsewhere = await app.addScenario(watchedVm('vm-bastion-only', { rdpFrom: 'elsewhere' }));
    breakTls(app.guestOf(elsewhere.vmId)!, app.clock.nowMs());
    let last: string[] = [];
    for (let i = 0; i < 3; i++) last = await round(app);
    expect(app.topic.published).toEqual([]);
    expect(app.emulator.instanceIds()).toEqual([]);
    expect(last.find((l) => l.startsWith('WatchRound'))).toMatch(/checked=0 .*skipped=2 .*events=0/);
    const watch = await app.http('GET', '/api/watch');
    const byId = new Map(watch.body.vms.map((v: any) => [v.vmResourceId, v]));
    expect((byId.get(stopped.vmId) as any).lastObservation).toEqual({ kind: 'notRunning', powerState: 'deallocated' });
    expect((byId.get(elsewhere.vmId) as any).lastObservation.kind).toBe('notWatchable');
    expect((byId.get(elsewhere.vmId) as any).lastObservation.reason).toMatch(/do not admit this app's probe addresses/);
  });
});

test('with no topic configured, the event goes straight to the start path', async () => {
  await withApp({ WATCH_EVENT_TOPIC_ENDPOINT: '' }, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-direct'));
    breakTls(app.guestOf(vmId)!, app.clock.nowMs());
    await round(app);
    const logs = await app.timer(WATCH_TIMER);
    expect(logs.some((l) => l.message.startsWith('AlertDecision decision=started'))).toBe(true);
    expect(logs.some((l) => l.message.includes('start path decided started'))).toBe(true);
    expect(app.topic.attempts).toEqual([]);
    const found = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(vmId)}`);
    expect(found.status).toBe(200);
  });
});

test('a restart of the app keeps the state: the count carries over to the new worker', async () => {
  await withApp({}, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-restart'));
    breakTls(app.guestOf(vmId)!, app.clock.nowMs());
    await round(app);
    const before = app.registry;
    app.restartApp();
    expect(app.registry).not.toBe(before);
    await round(app);
    expect(app.topic.published.map((e) => e.eventType)).toEqual([CONNECTION_FAILED_EVENT_TYPE]);
  });
});

test('off unless WATCH_ENABLED=true: the timer checks nothing', async () => {
  await withApp({ WATCH_ENABLED: '' }, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-quiet'));
    breakTls(app.guestOf(vmId)!, app.clock.nowMs());
    const logs = [...(await round(app)), ...(await round(app))];
    expect(logs.filter((l) => l.startsWith('WatchRound disabled'))).toHaveLength(2);
    expect(app.topic.published).toEqual([]);
    expect(app.arm.requests()).toEqual([]);
  });
});

test('a publish the topic refuses is tried again at the next round', async () => {
  await withApp({}, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-retry'));
    breakTls(app.guestOf(vmId)!, app.clock.nowMs());
    await round(app);
    app.topic.senderRoleAssigned = false;
    const refused = await round(app);
    expect(refused.find((l) => l.startsWith('WatchRound'))).toMatch(/events=0 publishFailures=1/);
    app.topic.senderRoleAssigned = true;
    await round(app);
    expect(app.topic.published.map((e) => e.eventType)).toEqual([CONNECTION_FAILED_EVENT_TYPE]);
    expect(app.topic.attempts.map((a) => a.status)).toEqual([403, 200]);
  });
});

test('a subscription scope is listed with List All; a scope ARM refuses is named, the others still watched', async () => {
  const scopes = `/subscriptions/${SIM_SUBSCRIPTION_ID},/subscriptions/00000000-0000-0000-0000-0000000000ff`;
  await withApp({ REPAIR_ALLOWED_SCOPES: scopes }, async (app) => {
    const { vmId } = await app.addScenario(watchedVm('vm-sub-scope'));
    const logs = await round(app);
    expect(app.arm.requests().map((r) => r.operation)).toContain('virtualMachines.listAll');
    expect(logs.some((l) => l.startsWith('WatchScopeUnlisted') && l.includes('0000000000ff'))).toBe(true);
    const watch = await app.http('GET', '/api/watch');
    expect(watch.body.vms.map((v: any) => [v.vmResourceId, v.lastVerdict])).toEqual([[vmId, 'healthy']]);
  });
});
