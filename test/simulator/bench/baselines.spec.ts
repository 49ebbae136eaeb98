/** The bench's baselines and ratios are measured, not assumed: the article order really runs blind. */
import { runArticleOrder } from '../../../src/simulator/bench/articleOrder';
import { baselineRequest } from '../../../src/simulator/bench/baselineRun';
import { compare, ratio } from '../../../src/simulator/bench/comparison';
import { criticalPathOf } from '../../../src/simulator/bench/criticalPath';
import { downtime, healthySince, type Measured, measure } from '../../../src/simulator/bench/measure';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { findScenario } from '../../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../../src/simulator/simulatedRepairApp';

jest.setTimeout(15_000);

function measured(overrides: Partial<Measured>): Measured {
  return {
    policy: 'app',
    outcome: 'x',
    timeToHealthyMs: null,
    totalMs: 0,
    downtimeMs: 0,
    restarts: 0,
    armReads: 0,
    armWrites: 0,
    runCommands: 0,
    historyEvents: null,
    largestCustomStatusChars: null,
    steps: [],
    ...overrides,
  };
}

test('the article order restarts blind: TLS disabled costs the certificate step and two restarts', async () => {
  const scenario = findScenario('tls-disabled');
  if (!scenario) throw new Error('scenario missing');
  const app = await SimulatedRepairApp.start();
  try {
    const seeded = await app.addScenario(scenario);
    const run = await runArticleOrder(app, baselineRequest(seeded.request));
    expect(run.outcome).toBe('healthy');
    expect(run.counts.restarts).toBe(2);
    const restarts = app.arm.requests({ operation: 'virtualMachines.restart' }).filter((r) => r.method === 'POST');
    expect(restarts).toHaveLength(2);
    // The certificate was fine, and step 2 renewed it anyway, then restarted: the article does not look first.
    const scripts = app.arm.requests({ operation: 'virtualMachineRunCommands.createOrUpdate' }).map((r) => r.path.split('/').pop() ?? '');
    expect(scripts.some((n) => n.includes('renew-certificate'))).toBe(true);
    expect(run.steps).toEqual(expect.arrayContaining(['probe after step 2: broken', 'probe after step 3: healthy']));
  } finally {
    await app.close();
  }
});

test('ratios come from the measured rows and are null where they mean nothing', () => {
  const ours = measured({ timeToHealthyMs: 280_000, downtimeMs: 90_000, restarts: 1, armWrites: 12 });
  const article = measured({ policy: 'articleOrder', timeToHealthyMs: 400_000, downtimeMs: 180_000, restarts: 2, armWrites: 6 });
  const row = compare('tls-disabled', ours, article, null);
  expect(row.vsArticleOrder).toBe(0.7);
  expect(row.ratiosVsArticleOrder).toEqual({ timeToHealthy: 0.7, downtime: 0.5, restarts: 0.5, armWrites: 2 });
  expect(row.vsCriticalPath).toBe(ratio(280_000, criticalPathOf('tls-disabled')?.ms ?? null));
  expect(row.vsAzVmRepair).toBeNull();
  expect(ratio(1, 0)).toBeNull();
  expect(ratio(null, 5)).toBeNull();
  const neverHealthy = compare('tls-disabled', ours, measured({ timeToHealthyMs: null }), null);
  expect(neverHealthy.vsArticleOrder).toBeNull();
});

test('the critical path is the sum of the latency figures of the fault', () => {
  const m = LATENCY_MODEL;
  // A fix script costs Run Command's time plus the simulated guest's work in it (enable-tls: 1 s); after a restart
  // or a start, even an oracle waits for Windows to boot before RDP can answer.
  expect(criticalPathOf('tls-disabled')?.ms).toBe(
    m.snapshotCreate.ms + m.runCommand.ms + 1_000 + m.vmRestart.ms + m.rdpListeningAfterBoot.ms,
  );
  expect(criticalPathOf('offline-only-gen2')?.operations.slice(-3)).toEqual(['start', 'guest-boot', 'probe']);
  expect(criticalPathOf('agent-down')?.operations.slice(-3)).toEqual(['start', 'guest-boot', 'probe']);
  expect(criticalPathOf('port-conflict')?.operations).not.toContain('guest-boot');
  expect(criticalPathOf('healthy')).toBeNull();
});

test('time to healthy is the start of the last unbroken healthy run; downtime sums the intervals out of running', () => {
  const p = (atMs: number, verdict: 'healthy' | 'broken') => ({ address: 'a', port: 3389, atMs, verdict });
  expect(healthySince([p(10, 'broken'), p(20, 'healthy'), p(30, 'broken'), p(40, 'healthy'), p(50, 'healthy')], 0)).toBe(40);
  expect(healthySince([p(10, 'healthy'), p(20, 'broken')], 0)).toBeNull();
  const at = (ms: number) => new Date(ms);
  const vmId = 'vm';
  expect(
    downtime(
      [
        { kind: 'powerState', at: at(100), vmId, from: 'running', to: 'stopping' },
        { kind: 'powerState', at: at(150), vmId, from: 'stopping', to: 'starting' },
        { kind: 'powerState', at: at(190), vmId, from: 'starting', to: 'running' },
        { kind: 'powerState', at: at(300), vmId, from: 'running', to: 'deallocating' },
      ],
      0,
      400,
    ),
  ).toBe(90 + 100);
});

test.each(['nsg-open-to-world', 'port-conflict'])(
  '%s: no policy beats the critical path, since the bench charges the ARM work awaited inside activities',
  async (name) => {
    const scenario = findScenario(name);
    const critical = criticalPathOf(name);
    if (!scenario || !critical) throw new Error('scenario or critical path missing');
    for (const policy of ['app', 'articleOrder'] as const) {
      const run = await measure(scenario, policy);
      expect(run.timeToHealthyMs).not.toBeNull();
      expect(run.timeToHealthyMs ?? 0).toBeGreaterThanOrEqual(critical.ms);
    }
  },
);
