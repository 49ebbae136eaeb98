/**
 * SIMULATED (bench only): one scenario run by one policy (the app, the article's order, `az vm repair`'s
 * sequence) on a fresh simulated Azure, measured the same way for all three by witnesses outside the policies:
 * the probes the simulated app saw (time to RDP healthy), the VM's power-state changes in the simulated ARM
 * (downtime), the ARM request log (writes), and for the app the durable history and custom status (memory).
 */
import type { ArmChange } from '../arm';
import type { Scenario } from '../scenarios/scenario';
import { type ObservedProbe, SimulatedRepairApp } from '../simulatedRepairApp';
import { runArticleOrder } from './articleOrder';
import { runAzVmRepair } from './azVmRepair';
import { baselineRequest, type BaselineRun } from './baselineRun';

export type Policy = 'app' | 'articleOrder' | 'azVmRepair';

export interface Measured {
  policy: Policy;
  /** The app's outcome kind, or the baseline's (healthy, broken, failed). */
  outcome: string;
  /** From the start until the first probe of the last unbroken run of healthy probes; null when RDP never ended healthy. */
  timeToHealthyMs: number | null;
  /** From the start until the policy had nothing left to do (cleanup included). */
  totalMs: number;
  /** Time the VM was not running because of the policy (restarts, deallocation). */
  downtimeMs: number;
  restarts: number;
  armReads: number;
  armWrites: number;
  runCommands: number;
  /** The app only: durable history events of the repair and its sub-orchestrations, and the largest custom status. */
  historyEvents: number | null;
  largestCustomStatusChars: number | null;
  steps: string[];
}

export async function measure(scenario: Scenario, policy: Policy): Promise<Measured> {
  const probes: ObservedProbe[] = [];
  const app = await SimulatedRepairApp.start({ onProbe: (p) => probes.push(p), chargeShortArmOperations: true });
  try {
    const seeded = await app.addScenario(scenario);
    // Seeding is not the policy's time.
    app.arm.takeEarlyCompletionDebtMs();
    const power: ArmChange[] = [];
    const vmKey = seeded.vmId.toLowerCase();
    const unsubscribe = app.arm.onChange((c) => {
      if (c.kind === 'powerState' && c.vmId.toLowerCase() === vmKey) power.push(c);
    });
    const t0 = app.clock.nowMs();
    const run = policy === 'app' ? await runApp(app, seeded.request) : await runBaseline(app, policy, seeded.request);
    app.arm.sync();
    unsubscribe();
    const end = Math.max(app.clock.nowMs(), run.endMs);
    const stats = app.arm.stats();
    return {
      policy,
      outcome: run.outcome,
      timeToHealthyMs: healthySince(probes, t0),
      totalMs: run.endMs - t0,
      downtimeMs: downtime(power, t0, end),
      restarts: run.restarts,
      armReads: stats.reads,
      armWrites: stats.writes,
      runCommands: run.runCommands,
      historyEvents: run.historyEvents,
      largestCustomStatusChars: run.largestCustomStatusChars,
      steps: run.steps,
    };
  } finally {
    await app.close();
  }
}

interface PolicyRun {
  outcome: string;
  endMs: number;
  restarts: number;
  runCommands: number;
  historyEvents: number | null;
  largestCustomStatusChars: number | null;
  steps: string[];
}

async function runApp(app: SimulatedRepairApp, request: Record<string, unknown>): Promise<PolicyRun> {
  let largest = 0;
  const stop = app.emulator.on('progress', (event) => {
    if (event.type === 'customStatusChanged') largest = Math.max(largest, JSON.stringify(event.customStatus ?? null).length);
  });
  try {
    const { start, status } = await app.runRepair(request);
    if (!status)
      return {
        outcome: `HTTP ${start.status}`,
        endMs: app.clock.nowMs(),
        restarts: 0,
        runCommands: 0,
        historyEvents: 0,
        largestCustomStatusChars: 0,
        steps: [],
      };
    const id: string = start.body.id;
    // The repair's own history plus every sub-orchestration it started (`<id>:offline:1`, ...).
    const historyEvents = app.emulator
      .instanceIds()
      .filter((i) => i === id || i.startsWith(`${id}:`))
      .reduce((sum, i) => sum + app.emulator.stats(i).historyEvents, 0);
    return {
      outcome: status.outcome.kind,
      endMs: Date.parse(status.lastUpdatedTime),
      restarts: status.restarts,
      runCommands: status.guestRuns.length,
      historyEvents,
      largestCustomStatusChars: largest,
      steps: [],
    };
  } finally {
    stop();
  }
}

async function runBaseline(app: SimulatedRepairApp, policy: Exclude<Policy, 'app'>, request: Record<string, unknown>): Promise<PolicyRun> {
  const input = baselineRequest(request);
  const run: BaselineRun = policy === 'articleOrder' ? await runArticleOrder(app, input) : await runAzVmRepair(app, input);
  return {
    outcome: run.outcome,
    endMs: app.clock.nowMs(),
    restarts: run.counts.restarts,
    runCommands: run.counts.runCommands,
    historyEvents: null,
    largestCustomStatusChars: null,
    steps: run.steps,
  };
}

/** The first probe of the final unbroken run of healthy probes, relative to t0; null if the last probe was not healthy. */
export function healthySince(probes: readonly ObservedProbe[], t0: number): number | null {
  let since: number | null = null;
  for (const p of probes) {
    if (p.verdict !== 'healthy') since = null;
    else if (since === null) since = p.atMs;
  }
  return since === null ? null : since - t0;
}

/** Sum of the intervals the VM spent out of `running` after leaving it during the run (an already stopped VM counts nothing). */
export function downtime(changes: readonly ArmChange[], t0: number, end: number): number {
  let downSince: number | null = null;
  let total = 0;
  for (const c of changes) {
    if (c.kind !== 'powerState') continue;
    const at = c.at.getTime();
    if (c.from === 'running' && c.to !== 'running' && downSince === null) downSince = Math.max(at, t0);
    if (c.to === 'running' && downSince !== null) {
      total += at - downSince;
      downSince = null;
    }
  }
  return downSince === null ? total : total + (end - downSince);
}
