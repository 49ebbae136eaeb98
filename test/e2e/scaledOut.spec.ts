/**
 * MAX_CONCURRENT_REPAIRS across a scaled-out app: three app instances (each the app loaded in its own modules,
 * with its own registrations and handlers) on ONE task hub. A burst of alerts for more VMs than the limit arrives
 * spread over the three instances at once; every work item goes to the instances in turn. The gate (one Durable
 * Entity of the hub) must hold: at no moment do more repairs hold a slot, or run past the gate, than the limit,
 * and every repair ends.
 */
import { deliverEventGridEvent } from '../../src/simulator/alertDelivery';
import { connectionFailedEventFor } from '../../src/simulator/sampleAlerts';
import { findScenario, SIM_SUBSCRIPTION_ID } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { jestModuleIsolation } from '../support/moduleIsolation';
import { slotsOf } from '../support/repairSlots';

const INSTANCES = 3;
const LIMIT = 4;
const MIX = ['tls-disabled', 'corrupt-certificate', 'port-conflict', 'machinekeys-acl', 'nsg-open-to-world', 'healthy'];
const VMS = 15;

it(`three app instances on one task hub: ${VMS} alerted VMs, never more than ${LIMIT} repairs past the gate`, async () => {
  const app = await SimulatedRepairApp.start({
    instances: INSTANCES,
    isolateModules: jestModuleIsolation,
    settings: { MAX_CONCURRENT_REPAIRS: String(LIMIT), REPAIR_ALLOWED_SCOPES: `/subscriptions/${SIM_SUBSCRIPTION_ID}` },
  });
  try {
    const group = app.addResourceGroup('rg-scaled-out');
    const vms: string[] = [];
    for (let i = 0; i < VMS; i++) {
      const seeded = await app.addScenario(findScenario(MIX[i % MIX.length]!)!, { resourceGroup: group, nameSuffix: String(i) });
      vms.push(seeded.vmId);
    }
    // The instances do not share module state: each has its own registrations.
    expect(new Set([0, 1, 2].map((i) => app.instance(i).registry)).size).toBe(INSTANCES);
    const deliveries = await Promise.all(
      vms.map((vmId, i) => deliverEventGridEvent(app.instance(i % INSTANCES), connectionFailedEventFor(vmId, app.clock.now()))),
    );
    expect(deliveries.map((d) => d.error)).toEqual(vms.map(() => undefined));
    const ids = app.emulator.instanceIds();
    expect(ids).toHaveLength(VMS);

    let peakHolders = 0;
    let peakPastGate = 0;
    for (let steps = 0; ; steps++) {
      if (steps > 50_000) throw new Error('the repairs did not settle');
      if (!(await app.emulator.step())) break;
      peakHolders = Math.max(peakHolders, Object.keys(slotsOf(app.emulator)?.holders ?? {}).length);
      // From the repairs' side: running and past the gate (their timeline has reached preflight).
      let pastGate = 0;
      for (const id of ids) {
        const status = await app.emulator.client.getStatus(id);
        const timeline = (status.customStatus as { timeline?: Array<{ step: string }> } | undefined)?.timeline ?? [];
        if (status.runtimeStatus === 'Running' && timeline.some((t) => t.step === 'preflight')) pastGate++;
      }
      peakPastGate = Math.max(peakPastGate, pastGate);
    }
    expect(peakHolders).toBe(LIMIT);
    expect(peakPastGate).toBeLessThanOrEqual(LIMIT);
    expect(peakPastGate).toBeGreaterThan(1);
    for (const id of ids) {
      const status = await app.emulator.client.getStatus(id);
      expect([id, status.runtimeStatus]).toEqual([id, 'Completed']);
    }
    expect(slotsOf(app.emulator)).toMatchObject({ holders: {}, waiters: [] });
    // Every instance took its share of the work items.
    expect(app.emulator.workItemsByWorker).toHaveLength(INSTANCES);
    for (const n of app.emulator.workItemsByWorker) expect(n).toBeGreaterThan(50);
  } finally {
    await app.close();
  }
}, 300_000);
