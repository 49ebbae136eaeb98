/**
 * SIMULATED (bench only): a fleet incident. An alert storm reports N broken VMs spread over ten resource groups
 * of one subscription (a mix of the catalog's scenarios), delivered to the app's real Event Grid trigger; the app
 * starts one repair per VM and the repairs take turns at its fleet-wide gate (MAX_CONCURRENT_REPAIRS slots of the
 * `repairSlots` entity; the rest wait, event-driven), against a simulated ARM that enforces ARM's token-bucket
 * throttling (arm/throttling.ts) and runs one Run Command at a time per VM.
 *
 * The storm alerts each VM once, and once more a moment later (a second alert rule, or an action group's retry):
 * the duplicate shows the per-VM dedupe (alreadyRunning). The stale-slot sweeper (releaseStaleRepairSlots) fires
 * every SWEEP_MINUTES of virtual time, as its timer would.
 */
import { deliverEventGridEvent } from '../alertDelivery';
import { ARM_THROTTLING } from '../arm/throttling';
import { asEventGridEvent, connectionMonitorAlert, RELAYED_ALERT_EVENT_TYPE } from '../sampleAlerts';
import { findScenario, SIM_OPERATOR_CIDR, SIM_SUBSCRIPTION_ID } from '../scenarios/catalog';
import type { Scenario } from '../scenarios/scenario';
import { SimulatedRepairApp } from '../simulatedRepairApp';
import type { RepairSlotsState } from '../../domain/repairSlots';

/**
 * The gate's entity as the task hub names it (docs/alerts.md "Concurrency"), read from the emulator to measure how
 * many repairs held a slot: the bench observes the hub, it takes nothing from the product's code to do so.
 */
const SLOTS_ENTITY = { name: 'repairSlots', key: 'fleet' } as const;

/** The sweeper's schedule (src/functions/repairSlots.ts: every 5 minutes). */
export const SWEEP_MINUTES = 5;
export const FLEET_RESOURCE_GROUPS = 10;
const SWEEP_FUNCTION = 'releaseStaleRepairSlots';

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
  /** VMs that never got a repair (their alert was refused). */
  neverStarted: number;
  /** The most repairs that held a slot of the gate at once (read after every batch of the entity); <= the limit. */
  peakSlotHolders: number;
  /** The most repairs waiting for a slot at once. */
  peakSlotWaiters: number;
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
  /** Alerts that started nothing (the duplicates: a repair of the VM was already running). */
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
    // 1,000 VMs restarting: endpoints follow the state when probed, not at every change (see the option).
    endpointsOnDemand: true,
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
    let lastRefusal = '';
    const alert = async (vm: FleetVm): Promise<boolean> => {
      const event = asEventGridEvent(
        RELAYED_ALERT_EVENT_TYPE,
        connectionMonitorAlert(vm.vmId, { firedAt: app.clock.now() }),
        SIM_SUBSCRIPTION_ID,
      );
      const delivery = await deliverEventGridEvent(app, event);
      alertsDelivered += 1;
      const started = delivery.logs.some((l) => l.message.startsWith('AlertDecision decision=started'));
      if (!started) {
        alertsDropped += 1;
        lastRefusal = delivery.error ?? delivery.logs.map((l) => l.message).join(' / ');
      }
      return started;
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
    const gate = { peakHolders: 0, peakWaiters: 0 };
    try {
      for (const vm of fleet) {
        if (!(await alert(vm))) continue;
        const found = await app.http('GET', `/api/repairs?vmResourceId=${encodeURIComponent(vm.vmId)}`);
        if (found.status !== 200) continue;
        vm.repairId = found.body.id as string;
        byRepair.set(vm.repairId, vm);
      }
      // A bad setting (FLEET_PROBE_TIMEOUT_MS out of range, ...) refuses every alert: say why instead of a table of zeros.
      if (byRepair.size === 0 && fleet.length > 0) throw new Error(`no alert started a repair; the last answer: ${lastRefusal}`);
      for (const vm of fleet) await alert(vm);
      let seenBatches = app.emulator.entities.batches.length;
      let nextSweep = t0 + SWEEP_MINUTES * 60_000;
      for (let steps = 0; ; steps += 1) {
        if (steps > 20_000_000) throw new Error('the fleet did not settle within 20,000,000 emulator steps');
        if (app.clock.nowMs() >= nextSweep) {
          await app.timer(SWEEP_FUNCTION);
          while (nextSweep <= app.clock.nowMs()) nextSweep += SWEEP_MINUTES * 60_000;
        }
        // One unit of work, moving the clock to the next timer when nothing is ready.
        if (!(await app.emulator.step())) break;
        if (app.emulator.entities.batches.length === seenBatches) continue;
        seenBatches = app.emulator.entities.batches.length;
        const slots = app.emulator.entities.read(SLOTS_ENTITY);
        const state = slots.entityState as RepairSlotsState | undefined;
        if (!state) continue;
        gate.peakHolders = Math.max(gate.peakHolders, Object.keys(state.holders).length);
        gate.peakWaiters = Math.max(gate.peakWaiters, state.waiters.length);
      }
    } finally {
      stop();
    }
    const stillRunning = fleet.filter((v) => v.repairId !== null && v.endedAtMs === null).length;
    if (stillRunning > 0) throw new Error(`${stillRunning} repairs never ended although the emulator is idle`);
    return {
      ...summarize(app, fleet, options, t0, alertsDelivered, alertsDropped, realStart),
      throttledActivityFailures,
      peakSlotHolders: gate.peakHolders,
      peakSlotWaiters: gate.peakWaiters,
    };
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
): Omit<FleetResult, 'throttledActivityFailures' | 'peakSlotHolders' | 'peakSlotWaiters'> {
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
