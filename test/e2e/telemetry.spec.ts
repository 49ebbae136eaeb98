/**
 * Telemetry through the simulated app: every repair sends RepairStarted, one RepairStepEnded per finished step
 * and RepairEnded with its metrics, exactly once, also when the emulator replays the orchestrator after each
 * event and when the worker dies and a new one replays the history; and no secret quoted by Azure reaches it.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import type { RecordingTelemetry } from '../../src/simulator/recordingTelemetry';
import { jestModuleIsolation } from '../support/moduleIsolation';

async function run(name: string, options: SimulatedAppOptions = {}, before?: (app: SimulatedRepairApp) => void) {
  const app = await SimulatedRepairApp.start({ isolateModules: jestModuleIsolation, ...options });
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    before?.(app);
    const { status } = await app.runRepair(seeded.request);
    return { app, status, telemetry: app.telemetry };
  } finally {
    await app.close();
  }
}

/** The events of one repair as comparable rows: name, step, result (times differ between runs with faults). */
function story(telemetry: RecordingTelemetry): string[] {
  return telemetry.events.map((e) => [e.name, e.properties.step ?? '', e.properties.result ?? e.properties.outcome ?? ''].join(' '));
}

function expectOneOfEach(telemetry: RecordingTelemetry, status: any) {
  const id = status.repairId;
  expect(telemetry.eventsNamed('RepairStarted', id)).toHaveLength(1);
  expect(telemetry.eventsNamed('RepairEnded', id)).toHaveLength(1);
  // One event per timeline entry of the final status, each entry once. Events come as steps end, so a step that
  // ran alongside another (the snapshot during the diagnosis) may be reported after a later entry: compare by index.
  const steps = [...telemetry.eventsNamed('RepairStepEnded', id)].sort((a, b) => Number(a.properties.index) - Number(b.properties.index));
  expect(steps.map((e) => e.properties.index)).toEqual(status.timeline.map((_: unknown, i: number) => i));
  expect(steps.map((e) => [e.properties.step, e.properties.result])).toEqual(
    status.timeline.map((t: { step: string; status: string }) => [t.step, t.status]),
  );
  for (const name of ['rdp_autorepair.repairs', 'rdp_autorepair.time_to_repair_seconds', 'rdp_autorepair.restarts'] as const) {
    expect(telemetry.metricsNamed(name, id)).toHaveLength(1);
  }
  expect(telemetry.events[0].name).toBe('RepairStarted');
  expect(telemetry.events[telemetry.events.length - 1].name).toBe('RepairEnded');
}

describe('repair telemetry', () => {
  it('sends started, each step ended and the outcome with its metrics, once each, correlated by repair id', async () => {
    const { status, telemetry, app } = await run('nsg-open-to-world');
    expect(status.runtimeStatus).toBe('Completed');
    // The emulator replays the orchestrator for every event, so without the replay check each step would repeat.
    expect(app.emulator.activityExecutions.length).toBeGreaterThan(5);
    expectOneOfEach(telemetry, status);
    const ended = telemetry.eventsNamed('RepairEnded')[0].properties;
    expect(ended).toMatchObject({ outcome: status.outcome.kind, restarts: status.restarts, repairId: status.repairId });
    expect(ended.armWrites).toBeGreaterThanOrEqual(1);
    const byOutcome = telemetry.metricsNamed('rdp_autorepair.repairs')[0];
    expect(byOutcome).toEqual({
      name: 'rdp_autorepair.repairs',
      value: 1,
      dimensions: { repairId: status.repairId, outcome: status.outcome.kind, mode: 'repair', source: 'http' },
    });
    const seconds = (Date.parse(String(ended.endedAt)) - Date.parse(status.startedAt)) / 1000;
    expect(telemetry.metricsNamed('rdp_autorepair.time_to_repair_seconds')[0].value).toBe(seconds);
    // An online repair takes no downtime: no downtime metric rather than a zero that claims one was measured.
    expect(telemetry.metricsNamed('rdp_autorepair.downtime_seconds')).toEqual([]);
  });

  it('sends the same events once each when the worker dies after every second activity and a new one replays', async () => {
    const clean = await run('port-conflict');
    const crashed = await run('port-conflict', { workerFaults: { crashAfterActivity: (p) => p.ordinal % 2 === 0 } });
    expect(crashed.app.emulator.workerCrashes.length).toBeGreaterThanOrEqual(4);
    expectOneOfEach(crashed.telemetry, crashed.status);
    expect(story(crashed.telemetry)).toEqual(story(clean.telemetry));
  });

  it('sends each step once when an activity result is lost and the activity runs again', async () => {
    const clean = await run('healthy');
    const lost = await run('healthy', { workerFaults: { loseActivityResult: (p) => p.ordinal === 1 } });
    expect(lost.app.emulator.workerCrashes.map((c) => c.cause)).toEqual(['lostResult']);
    expectOneOfEach(lost.telemetry, lost.status);
    expect(story(lost.telemetry)).toEqual(story(clean.telemetry));
  });

  // Each as the first thing Azure's message quotes (the outcome keeps about 300 characters of it). Bearer tokens,
  // JWTs and sig= are already masked by the ARM error layer (src/azure/errors.ts), so they are in the unit tests.
  it.each([
    ['a SAS token in a connection string', 'SharedAccessSignature=sv=2022-11-02&sr=c&sp=r&sg=Zm9vYmFyU0FTc2ln', 'Zm9vYmFyU0FTc2ln'],
    ['a function key header', 'x-functions-key: fnHdrKey0123456789AbCdEf', 'fnHdrKey0123456789AbCdEf'],
    ['a password', 'adminPassword: Hunter2-Pa55word!', 'Hunter2-Pa55word!'],
    ['a function key', 'https://app.azurewebsites.net/api/repairs?code=fnKeyAbCdEf0123456789', 'fnKeyAbCdEf0123456789'],
    ['an account key', 'AccountName=diag;AccountKey=b3JnYW5pemF0aW9uYWNjb3VudGtleTEyMzQ1Njc4OTA=', 'b3JnYW5pemF0aW9u'],
  ])('sends no secret that Azure quotes in an error: %s', async (_what, quoted, secret) => {
    const { status, telemetry } = await run('healthy', {}, (app) =>
      app.injectArmFault({ method: 'GET', pathPattern: /\/virtualMachines\/[^/]+$/, status: 403, message: quoted, times: Infinity }),
    );
    // The secret did reach the repair (its status quotes Azure's message), so this test can fail.
    expect(JSON.stringify(status)).toContain(secret);
    expect(telemetry.eventsNamed('RepairEnded')).toHaveLength(1);
    expect(telemetry.text()).not.toContain(secret);
    expect(String(telemetry.eventsNamed('RepairEnded')[0].properties.reason)).toContain('[redacted]');
  });
});
