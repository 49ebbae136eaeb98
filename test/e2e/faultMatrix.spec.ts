/**
 * The fault matrix (issue 10): every scenario clean, then under sampled fault classes at sampled points. Each run
 * must end as the clean run did (or, for a permanent fault, in an honest NotRepaired), leave no Run Command run,
 * no extra snapshot, no NSG rule that `changes` does not list, never write a disk, restart no more than the clean
 * run (plus what the fault class allows), finish within a virtual-time bound, and complete.
 *
 * A fault class is one entry of FAULT_CLASSES: where it can strike in a scenario (its points, derived from the
 * clean run) and how to arm it. By default each class is tried on a few sampled (scenario, point) pairs, seeded
 * so a failure repeats; FAULT_MATRIX=full tries every pair (minutes, not for every commit). FAULT_MATRIX_SEED
 * picks another sample; FAULT_MATRIX_ONLY=<text> keeps the classes whose name contains it. The figures are printed last.
 */
import type { PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import type { SecurityRuleState } from '../../src/simulator/arm/world/types';
import { SCENARIOS, findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { jestModuleIsolation } from '../support/moduleIsolation';
import { seededRandom } from '../support/seededRandom';

const FULL = process.env.FAULT_MATRIX === 'full';
const SEED = Number(process.env.FAULT_MATRIX_SEED ?? 20261201);
const ONLY = process.env.FAULT_MATRIX_ONLY?.toLowerCase();
/** Sampled (scenario, point) pairs per fault class, unless FULL. */
const SAMPLES_PER_CLASS = 4;
/** The SDK's own attempts per call (FAST_RETRY_OPTIONS: 3 retries); a fault that outlasts them reaches the activity. */
const SDK_ATTEMPTS = 4;

interface RequestRecord {
  method: string;
  path: string;
  operation: string;
  status: number;
}

interface CleanRun {
  scenario: string;
  outcome: string;
  restarts: number;
  restartRequests: number;
  snapshots: number;
  virtualMs: number;
  requests: RequestRecord[];
  /** Activity executions of the clean run, for the worker-fault classes' points. */
  activities: number;
}

interface Point {
  label: string;
  /** 1-based index of the ARM request the fault strikes, for request-level classes. */
  k?: number;
  /** The long-running operation that ends Failed, for LRO classes. */
  operation?: string;
  /** 1-based activity execution the fault follows, for worker-fault classes. */
  activity?: number;
}

interface Armed {
  /** How many faults were actually delivered (a point the faulted run never reached delivers none). */
  delivered(): number;
}

interface FaultClass {
  name: string;
  /** A permanent fault may end in an honest NotRepaired; a transient one must end as the clean run did. */
  permanent: boolean;
  /** Restarts beyond the clean run's that the class may cause (a dropped restart is asked for again). */
  extraRestarts?: number;
  /** App options for the run, fixed or per point (worker faults are armed when the app starts). */
  options?: SimulatedAppOptions | ((point: Point) => SimulatedAppOptions);
  points(clean: CleanRun): Point[];
  arm(app: SimulatedRepairApp, point: Point): Armed;
}

/** Points after every activity execution of the clean run. */
const everyActivity = (clean: CleanRun): Point[] =>
  Array.from({ length: clean.activities }, (_, i) => ({ label: `after activity #${i + 1}`, activity: i + 1 }));

/** Points at every ARM request of the clean run. */
const everyRequest = (clean: CleanRun): Point[] =>
  clean.requests.map((r, i) => ({ label: `#${i + 1} ${r.method} ${r.operation}`, k: i + 1 }));

/**
 * Makes the k-th ARM request of this run (and the SDK's retries of it, which follow at once) fail with `fault`:
 * `times` answers in a row on that request's path. The simulated ARM is the SDK's HTTP client, so wrapping its
 * sendRequest sees every request in order.
 */
function atRequest(
  app: SimulatedRepairApp,
  k: number,
  fault: { status?: number; retryAfterSeconds?: number; retryAfterMs?: number; networkError?: 'ECONNRESET' | 'ETIMEDOUT' },
  times: number,
): Armed {
  const arm = app.arm;
  const send = arm.sendRequest.bind(arm);
  let seen = 0;
  let handle: { remaining(): number } | null = null;
  arm.sendRequest = async (request: PipelineRequest): Promise<PipelineResponse> => {
    seen += 1;
    if (seen === k) {
      const url = new URL(request.url);
      const exact = new RegExp(`^${url.pathname.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'i');
      handle = arm.faults.inject({ method: request.method, pathPattern: exact, times, ...fault });
    }
    return send(request);
  };
  return { delivered: () => (handle ? times - handle.remaining() : 0) };
}

const LRO_OPERATIONS = [
  'snapshots.createOrUpdate',
  'securityRules.createOrUpdate',
  'networkInterfaces.listEffectiveNetworkSecurityGroups',
  'virtualMachineRunCommands.createOrUpdate',
  'virtualMachineRunCommands.delete',
  'virtualMachines.restart',
];

const FAULT_CLASSES: FaultClass[] = [
  {
    name: '429 Retry-After beyond SDK retries',
    permanent: false,
    points: everyRequest,
    // Retry-After is honoured by the SDK in real time: a 1 s header on some points keeps that path tested,
    // retry-after-ms on the rest keeps the matrix fast.
    arm: (app, p) =>
      atRequest(app, p.k!, p.k! % 5 === 0 ? { status: 429, retryAfterSeconds: 1 } : { status: 429, retryAfterMs: 5 }, SDK_ATTEMPTS),
  },
  {
    name: '500 beyond SDK retries',
    permanent: false,
    points: everyRequest,
    arm: (app, p) => atRequest(app, p.k!, { status: 500 }, SDK_ATTEMPTS),
  },
  {
    name: '503 beyond SDK retries',
    permanent: false,
    points: everyRequest,
    arm: (app, p) => atRequest(app, p.k!, { status: 503, retryAfterMs: 5 }, SDK_ATTEMPTS),
  },
  {
    name: 'network error (ECONNRESET)',
    permanent: false,
    points: everyRequest,
    arm: (app, p) => atRequest(app, p.k!, { networkError: 'ECONNRESET' }, SDK_ATTEMPTS),
  },
  {
    name: 'LRO ends Failed',
    permanent: true,
    points: (clean) =>
      LRO_OPERATIONS.filter((op) => clean.requests.some((r) => r.operation === op && r.status < 300)).map((op) => ({
        label: op,
        operation: op,
      })),
    arm: (app, p) => {
      const handle = app.arm.faults.failNextLro({
        operation: p.operation!,
        code: 'InternalExecutionError',
        message: 'SIMULATED: the operation failed in the platform.',
      });
      return { delivered: () => 1 - handle.remaining() };
    },
  },
  {
    name: 'restart accepted and dropped',
    permanent: false,
    extraRestarts: 1,
    points: (clean) => (clean.restartRequests > 0 ? [{ label: 'first restart' }] : []),
    arm: (app) => {
      const handle = app.arm.faults.dropNextAction({ operation: 'virtualMachines.restart' });
      return { delivered: () => 1 - handle.remaining() };
    },
  },
  {
    // The worker process dies after an activity's result was recorded: every in-process module is loaded anew.
    name: 'worker dies after an activity',
    permanent: false,
    options: (p) => ({ isolateModules: jestModuleIsolation, workerFaults: { crashAfterActivity: (a) => a.ordinal === p.activity } }),
    points: everyActivity,
    arm: (app) => ({ delivered: () => app.emulator.workerCrashes.filter((c) => c.cause === 'crashAfterActivity').length }),
  },
  {
    // The activity ran (its effects happened), its completion was never recorded: it is delivered again later.
    name: 'activity result lost, run again',
    permanent: false,
    options: (p) => ({ isolateModules: jestModuleIsolation, workerFaults: { loseActivityResult: (a) => a.ordinal === p.activity } }),
    points: everyActivity,
    arm: (app) => ({ delivered: () => app.emulator.activityExecutions.filter((e) => e.resultLost).length }),
  },
  {
    name: 'every activity executed twice',
    permanent: false,
    options: { executeActivitiesTwice: true },
    points: () => [{ label: 'all activities' }],
    arm: (app) => ({ delivered: () => app.emulator.activityExecutions.filter((e) => e.run === 2).length }),
  },
];

interface Observed {
  status: any;
  requests: RequestRecord[];
  leftRuns: string[];
  snapshots: number;
  restartRequests: number;
  diskWrites: number;
  strayRules: string[];
  virtualMs: number;
  stalled: string | null;
}

function ruleKey(rule: SecurityRuleState): string {
  const { etag: _e, provisioningState: _p, ...rest } = rule;
  return JSON.stringify(rest);
}

async function runOnce(
  scenarioName: string,
  options: SimulatedAppOptions = {},
  arm?: (app: SimulatedRepairApp) => Armed,
): Promise<Observed & { delivered: number; activities: number }> {
  const app = await SimulatedRepairApp.start(options);
  try {
    const seeded = await app.addScenario(findScenario(scenarioName)!);
    const rulesBefore = new Map<string, string>();
    for (const nsg of app.arm.world.store.networkSecurityGroups.values())
      for (const r of nsg.rules) rulesBefore.set(`${nsg.id}/securityRules/${r.name}`.toLowerCase(), ruleKey(r));
    const armed = arm?.(app);
    const t0 = app.clock.nowMs();
    let status: any;
    let stalled: string | null = null;
    try {
      ({ status } = await app.runRepair(seeded.request));
    } catch (err) {
      // followRepair gives up after a bounded number of emulator steps, or when no work is left: a hang.
      stalled = err instanceof Error ? err.message : String(err);
    }
    const log = app.arm.requests();
    const changed = new Set<string>((status?.changes ?? []).map((c: { resourceId: string }) => c.resourceId.toLowerCase()));
    const taggedDisks = new Set<string>(
      (status?.changes ?? [])
        .filter((c: { property: string }) => c.property.startsWith('tags.'))
        .map((c: { resourceId: string }) => c.resourceId.toLowerCase()),
    );
    const strayRules: string[] = [];
    for (const nsg of app.arm.world.store.networkSecurityGroups.values()) {
      for (const r of nsg.rules) {
        const id = `${nsg.id}/securityRules/${r.name}`.toLowerCase();
        if (rulesBefore.get(id) !== ruleKey(r) && !changed.has(id)) strayRules.push(id);
      }
    }
    return {
      status,
      requests: log.map((r) => ({ method: r.method, path: r.path, operation: r.operation, status: r.status })),
      leftRuns: app.arm.world.vms().flatMap((vm) => app.arm.runCommands.listByVm(vm.id).map((run) => run.name)),
      snapshots: app.arm.world.snapshots().length,
      restartRequests: log.filter((r) => r.operation === 'virtualMachines.restart' && r.status === 202).length,
      // The offline repair creates its own copy of the OS disk and tags the original (a tags-only PATCH, listed in
      // changes); any other disk written would be a fault's doing.
      diskWrites: log.filter(
        (r) =>
          r.method !== 'GET' &&
          /\/disks\//i.test(r.path) &&
          !/\/disks\/rdprepair-copy-/i.test(r.path) &&
          !(r.operation === 'disks.update' && taggedDisks.has(r.path.toLowerCase())),
      ).length,
      strayRules,
      virtualMs: status ? Date.parse(status.lastUpdatedTime) - t0 : 0,
      delivered: armed?.delivered() ?? 0,
      activities: app.emulator.activityExecutions.length,
      stalled,
    };
  } finally {
    await app.close();
  }
}

/** What is wrong with a faulted run, in words (empty: it is fine). */
function problems(fault: FaultClass, clean: CleanRun, run: Observed): string[] {
  const found: string[] = [];
  const status = run.status;
  if (run.stalled) return [`the repair did not end: ${run.stalled}`];
  if (!status) return ['the repair was not accepted'];
  if (status.runtimeStatus !== 'Completed') found.push(`runtimeStatus ${status.runtimeStatus}`);
  const kind = status.outcome?.kind;
  const honestNotRepaired =
    kind === 'NotRepaired' &&
    typeof status.outcome.reason === 'string' &&
    status.outcome.reason.length > 20 &&
    status.kept.length === status.undoLog.length;
  if (kind !== clean.outcome && !(fault.permanent && honestNotRepaired))
    found.push(`outcome ${kind} (${status.outcome?.reason}), clean run: ${clean.outcome}`);
  if (run.leftRuns.length > 0) found.push(`Run Command runs left on the VM: ${run.leftRuns.join(', ')}`);
  if (run.snapshots > clean.snapshots) found.push(`${run.snapshots} snapshots, clean run: ${clean.snapshots}`);
  if (run.strayRules.length > 0) found.push(`NSG rules changed but not in changes: ${run.strayRules.join(', ')}`);
  if (run.diskWrites > 0) found.push(`${run.diskWrites} disk write(s)`);
  const allowed = clean.restartRequests + (fault.extraRestarts ?? 0);
  if (run.restartRequests > allowed) found.push(`${run.restartRequests} restarts, at most ${allowed} allowed`);
  // Bound: the clean run's time plus the longest legitimate extra (durable retries, a second restart, the sweep).
  const bound = clean.virtualMs + 30 * 60_000;
  if (run.virtualMs > bound) found.push(`took ${Math.round(run.virtualMs / 1000)} s of virtual time, bound ${Math.round(bound / 1000)} s`);
  if (status.timeline.some((t: { status: string }) => t.status === 'running')) found.push('a step is still marked running');
  return found;
}

interface Figures {
  runs: number;
  faultsDelivered: number;
  outcomes: Record<string, number>;
  sameAsClean: number;
  honestNotRepaired: number;
  notReached: number;
}

const clean = new Map<string, CleanRun>();
const figures: Figures = { runs: 0, faultsDelivered: 0, outcomes: {}, sameAsClean: 0, honestNotRepaired: 0, notReached: 0 };
const byClass: Array<{ name: string; runs: number; delivered: number }> = [];

describe(`fault matrix (${FULL ? 'full sweep' : `sampled, seed ${SEED}`})`, () => {
  beforeAll(async () => {
    for (const scenario of SCENARIOS) {
      const run = await runOnce(scenario.name);
      expect(run.status.runtimeStatus).toBe('Completed');
      expect(run.leftRuns).toEqual([]);
      clean.set(scenario.name, {
        scenario: scenario.name,
        outcome: run.status.outcome.kind,
        restarts: run.status.restarts,
        restartRequests: run.restartRequests,
        snapshots: run.snapshots,
        virtualMs: run.virtualMs,
        requests: run.requests,
        activities: run.activities,
      });
      figures.runs += 1;
      figures.outcomes[run.status.outcome.kind] = (figures.outcomes[run.status.outcome.kind] ?? 0) + 1;
    }
  }, 180_000);

  it('every scenario ends clean as the catalog says', () => {
    for (const scenario of SCENARIOS) expect(clean.get(scenario.name)?.outcome).toBe(scenario.expectedOutcome);
  });

  it.each(FAULT_CLASSES.filter((f) => !ONLY || f.name.toLowerCase().includes(ONLY)).map((f) => [f.name, f] as const))(
    '%s',
    async (_name, fault) => {
      const next = seededRandom(SEED + fault.name.length * 7919);
      const pairs = SCENARIOS.flatMap((s) => fault.points(clean.get(s.name)!).map((point) => ({ scenario: s.name, point })));
      const sample = FULL ? pairs : pickSample(pairs, SAMPLES_PER_CLASS, next);
      const failures: string[] = [];
      let delivered = 0;
      for (const { scenario, point } of sample) {
        const base = clean.get(scenario)!;
        const options = typeof fault.options === 'function' ? fault.options(point) : (fault.options ?? {});
        const run = await runOnce(scenario, options, (app) => fault.arm(app, point));
        figures.runs += 1;
        delivered += run.delivered;
        if (run.delivered === 0) figures.notReached += 1;
        const kind = run.status?.outcome?.kind ?? 'none';
        figures.outcomes[kind] = (figures.outcomes[kind] ?? 0) + 1;
        if (kind === base.outcome) figures.sameAsClean += 1;
        else if (kind === 'NotRepaired') figures.honestNotRepaired += 1;
        const wrong = problems(fault, base, run);
        if (wrong.length > 0) failures.push(`${scenario} @ ${point.label}: ${wrong.join('; ')}`);
      }
      figures.faultsDelivered += delivered;
      byClass.push({ name: fault.name, runs: sample.length, delivered });
      expect(failures).toEqual([]);
    },
    FULL ? 3_600_000 : 120_000,
  );

  afterAll(() => {
    const lines = [
      `fault matrix (${FULL ? 'full' : `sampled, seed ${SEED}`}): ${figures.runs} runs (${clean.size} clean), ` +
        `${figures.faultsDelivered} faults delivered, ${figures.notReached} faulted run(s) never reached their point`,
      `  outcomes: ${Object.entries(figures.outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; faulted runs ending as clean: ${figures.sameAsClean}, in an honest NotRepaired: ${figures.honestNotRepaired}`,
      ...byClass.map((c) => `  ${c.name}: ${c.runs} run(s), ${c.delivered} fault(s) delivered`),
    ];
    console.log(lines.join('\n'));
  });
});

/** `count` pairs, spread over the scenarios first (one per scenario before a second), chosen by `next`. */
function pickSample<T extends { scenario: string }>(pairs: T[], count: number, next: () => number): T[] {
  const byScenario = new Map<string, T[]>();
  for (const pair of pairs) byScenario.set(pair.scenario, [...(byScenario.get(pair.scenario) ?? []), pair]);
  const scenarios = [...byScenario.keys()];
  const chosen: T[] = [];
  while (chosen.length < count && scenarios.length > 0) {
    const s = scenarios.splice(Math.floor(next() * scenarios.length), 1)[0]!;
    const options = byScenario.get(s)!;
    chosen.push(options[Math.floor(next() * options.length)]!);
  }
  return chosen;
}
