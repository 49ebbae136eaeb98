/**
 * SIMULATED (bench only): a fleet incident. An alert storm reports N broken VMs spread over ten resource groups
 * of one subscription (a mix of the catalog's scenarios), delivered to the app's real Event Grid trigger; the app
 * repairs them under its own concurrency limit (MAX_CONCURRENT_REPAIRS: the alert intake drops an alert when that
 * many repairs are active), against a simulated ARM that enforces ARM's token-bucket throttling (arm/throttling.ts)
 * and runs one Run Command at a time per VM.
 *
 * A dropped alert is not queued by the app. The storm therefore fires again for every VM that has no repair yet,
 * every REALERT_MINUTES: what an Azure Monitor alert rule evaluated every 5 minutes does while its condition holds
 * (a stateless rule notifies on each evaluation; a stateful one would fire once, and a dropped VM would wait for a
 * human). A VM whose repair ended is not alerted again here (the cooldown would drop it anyway).
 */
import { deliverEventGridEvent } from '../alertDelivery';
import { ARM_THROTTLING } from '../arm/throttling';
import { asEventGridEvent, connectionMonitorAlert, RELAYED_ALERT_EVENT_TYPE } from '../sampleAlerts';
import { findScenario, SIM_OPERATOR_CIDR, SIM_SUBSCRIPTION_ID } from '../scenarios/catalog';
import type { Scenario } from '../scenarios/scenario';
import { SimulatedRepairApp } from '../simulatedRepairApp';

/** How often the storm fires again for VMs without a repair (an alert rule's evaluation frequency). */
export const REALERT_MINUTES = 5;
export const FLEET_RESOURCE_GROUPS = 10;

/**
 * The mix: the scenarios an alert-started repair can end well or honestly on, weighted towards the common faults.
 * Offline scenarios are left out: alert-started repairs never go offline by default (ALERT_OFFLINE_REPAIR=never).
 */
export const FLEET_MIX: readonly string[] = [
  'tls-disabled',
  'corrupt-certificate',
  'nsg-open-to-world',
  'port-conflict',
  'machinekeys-acl',
  'tls-disabled',
  'multiple-faults',
  'corrupt-certificate',
  'pinned-cert-expired',
  'unrepairable',
];

export interface FleetOptions {
  vms: number;
  maxConcurrentRepairs: number;
}

export interface FleetResult {
  vms: number;
  maxConcurrentRepairs: number;
  /** From the storm's first alert until the last repair ended (simulated). */
  makespanMs: number;
  outcomes: Record<string, number>;
  /** VMs that never got a repair (every alert dropped until the end). */
  neverStarted: number;
  /** Repairs whose outcome names throttling (a 429 that made the repair fail). */
  failedByThrottling: number;
  throttled429: number;
  /** Activity attempts that ended in a 429 and were retried by the durable retry policy. */
  throttledActivityFailures: number;
  throttledByKind: Record<string, number>;
  armWrites: number;
  armReads: number;
  peakWritesPerSecond: number;
  averageWritesPerSecond: number;
  /** Per VM, from the storm's first alert until its repair ended. */
  p50TimeToRepairMs: number;
  p95TimeToRepairMs: number;
  alertsDelivered: number;
  alertsDropped: number;
  realMs: number;
}

interface FleetVm {
  vmId: string;
  scenario: string;
  repairId: string | null;
  endedAtMs: number | null;
  outcome: string | null;
  throttled: boolean;
}

export async function runFleet(options: FleetOptions): Promise<FleetResult> {
  const realStart = Date.now();
  const app = await SimulatedRepairApp.start({
    throttling: ARM_THROTTLING,
    settings: {
      REPAIR_ALLOWED_SCOPES: `/subscriptions/${SIM_SUBSCRIPTION_ID}`,
      MAX_CONCURRENT_REPAIRS: String(options.maxConcurrentRepairs),
      ALERT_ALLOWED_SOURCE_CIDRS: SIM_OPERATOR_CIDR,
      // Real time only (FLEET_PROBE_TIMEOUT_MS): a silent endpoint (a VM restarting) costs the probe timeout for real.
      ...(process.env.FLEET_PROBE_TIMEOUT_MS ? { RDP_PROBE_TIMEOUT_MS: process.env.FLEET_PROBE_TIMEOUT_MS } : {}),
    },
  });
  try {
    const groups = Array.from({ length: FLEET_RESOURCE_GROUPS }, (_, i) => app.addResourceGroup(`rg-fleet-${String(i).padStart(2, '0')}`));
    const fleet: FleetVm[] = [];
    for (let i = 0; i < options.vms; i += 1) {
      const name = FLEET_MIX[i % FLEET_MIX.length] ?? 'tls-disabled';
      const scenario: Scenario | undefined = findScenario(name);
      if (!scenario) throw new Error(`fleet mix names an unknown scenario ${name}`);
      const seeded = await app.addScenario(scenario, { resourceGroup: groups[i % groups.length], nameSuffix: String(i).padStart(4, '0') });
      fleet.push({ vmId: seeded.vmId, scenario: name, repairId: null, endedAtMs: null, outcome: null, throttled: false });
    }
    const t0 = app.clock.nowMs();
    let alertsDelivered = 0;
    let alertsDropped = 0;
    const storm = async (): Promise<void> => {
      for (const vm of fleet.filter((v) => v.repairId === null)) {
        const alert = connectionMonitorAlert(vm.vmId, { firedAt: app.clock.now() });
        const delivery = await deliverEventGridEvent(app, asEventGridEvent(RELAYED_ALERT_EVENT_TYPE, alert, SIM_SUBSCRIPTION_ID));
        alertsDelivered += 1;
        const started = delivery.logs.find((l) => l.message.startsWith('AlertDecision decision=started'));
        if (!started) {
          alertsDropped += 1;
          continue;
        }
        const found = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(vm.vmId)}`);
        if (found.status === 200) vm.repairId = found.body.id;
      }
    };
    const byRepair = new Map<string, FleetVm>();
    let throttledActivityFailures = 0;
    const stop = app.emulator.on('progress', (event) => {
      if (event.type === 'activityCompleted' && !event.ok && /throttl|TooManyRequests|\b429\b/i.test(event.error ?? '')) {
        throttledActivityFailures += 1;
      }
      if (event.type !== 'instanceFinished') return;
      const vm = byRepair.get(event.instanceId);
      if (!vm) return;
      const output = event.output as { outcome?: { kind?: string } } | null;
      vm.endedAtMs = event.at.getTime();
      vm.outcome = output?.outcome?.kind ?? event.runtimeStatus;
      vm.throttled = /throttl|TooManyRequests|\b429\b/i.test(JSON.stringify(output?.outcome ?? event.output ?? ''));
    });
    const stormAndTrack = async (): Promise<void> => {
      await storm();
      for (const vm of fleet) if (vm.repairId !== null) byRepair.set(vm.repairId, vm);
    };
    try {
      await stormAndTrack();
      let nextStorm = t0 + REALERT_MINUTES * 60_000;
      let idleStorms = 0;
      for (let steps = 0; ; steps += 1) {
        if (steps > 5_000_000) throw new Error('the fleet did not settle within 5,000,000 emulator steps');
        const unstarted = fleet.some((v) => v.repairId === null);
        if (unstarted && app.clock.nowMs() >= nextStorm) {
          await stormAndTrack();
          while (nextStorm <= app.clock.nowMs()) nextStorm += REALERT_MINUTES * 60_000;
        }
        // One unit of work, moving the clock to the next timer when nothing is ready (a storm may come a timer late).
        if (await app.emulator.step()) continue;
        if (!unstarted) break;
        // Idle with VMs never started: their alerts were dropped for a reason a new storm cannot change. Stop.
        if (fleet.every((v) => v.repairId === null || v.endedAtMs !== null) && idleStorms++ >= 2) break;
        app.clock.advanceTo(nextStorm);
      }
    } finally {
      stop();
    }
    const stillRunning = fleet.filter((v) => v.repairId !== null && v.endedAtMs === null).length;
    if (stillRunning > 0) throw new Error(`${stillRunning} repairs never ended although the emulator is idle`);
    return { ...summarize(app, fleet, options, t0, alertsDelivered, alertsDropped, realStart), throttledActivityFailures };
  } finally {
    await app.close();
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function summarize(
  app: SimulatedRepairApp,
  fleet: readonly FleetVm[],
  options: FleetOptions,
  t0: number,
  alertsDelivered: number,
  alertsDropped: number,
  realStart: number,
): Omit<FleetResult, 'throttledActivityFailures'> {
  const outcomes: Record<string, number> = {};
  for (const vm of fleet) {
    const key = vm.outcome ?? 'never started';
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  const ended = fleet.flatMap((v) => (v.endedAtMs === null ? [] : [v.endedAtMs - t0])).sort((a, b) => a - b);
  const makespanMs = ended.at(-1) ?? 0;
  const writesPerSecond = new Map<number, number>();
  for (const entry of app.arm.requests({ kind: 'write' })) {
    const second = Math.floor(entry.at.getTime() / 1000);
    writesPerSecond.set(second, (writesPerSecond.get(second) ?? 0) + 1);
  }
  const stats = app.arm.stats();
  const throttle = app.arm.throttle?.stats() ?? { throttled: 0, byKind: {} };
  return {
    vms: options.vms,
    maxConcurrentRepairs: options.maxConcurrentRepairs,
    makespanMs,
    outcomes,
    neverStarted: fleet.filter((v) => v.repairId === null).length,
    failedByThrottling: fleet.filter((v) => v.throttled).length,
    throttled429: throttle.throttled,
    throttledByKind: throttle.byKind,
    armWrites: stats.writes,
    armReads: stats.reads,
    peakWritesPerSecond: Math.max(0, ...writesPerSecond.values()),
    averageWritesPerSecond: makespanMs > 0 ? Math.round((stats.writes / (makespanMs / 1000)) * 100) / 100 : 0,
    p50TimeToRepairMs: percentile(ended, 50),
    p95TimeToRepairMs: percentile(ended, 95),
    alertsDelivered,
    alertsDropped,
    realMs: Date.now() - realStart,
  };
}
