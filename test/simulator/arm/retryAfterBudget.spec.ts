/**
 * Every activity that talks to ARM, against the simulated ARM sending Azure's real Retry-After (10 s per poll) and
 * with the SDK's own polling: jest's fake timers stand in for the wall clock, so the test measures how long each
 * activity would hold a Functions worker in Azure without waiting for it. Short operations complete only when that
 * clock has moved past their duration (SimulatedArm `wallClock`), so the SDK must really wait out Retry-After.
 *
 * Budget: the host's functionTimeout (host.json) is the hard limit; "well inside" is a fifth of it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityDeps } from '../../../src/activities/deps';
import { getSnapshotState } from '../../../src/activities/getSnapshotState';
import { openNsgPort } from '../../../src/activities/openNsgPort';
import { readVm } from '../../../src/activities/readVm';
import { readVmNetwork } from '../../../src/activities/readVmNetwork';
import { readVmPower } from '../../../src/activities/readVmPower';
import { restartVm } from '../../../src/activities/restartVm';
import { restrictNsgRule } from '../../../src/activities/restrictNsgRule';
import { startOsDiskSnapshot } from '../../../src/activities/startOsDiskSnapshot';
import { DEFAULT_LRO_POLL_INTERVAL_MS } from '../../../src/azure/clients';
import type { VmFacts } from '../../../src/domain/vmFacts';
import { deleteGuestScript, readGuestScript, startGuestScript } from '../../../src/guest/runCommandChannel';
import { LATENCY_MODEL, RETRY_AFTER } from '../../../src/simulator/latencyModel';
import { standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';
import { armActivityDeps } from '../../support/armActivityDeps';

const HOST_TIMEOUT_MS = parseTimeSpan(JSON.parse(readFileSync(join(__dirname, '../../../host.json'), 'utf8')).functionTimeout);
const BUDGET_MS = HOST_TIMEOUT_MS / 5;

function parseTimeSpan(value: string): number {
  const [h, m, s] = value.split(':').map(Number) as [number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000;
}

let w: StandardWorld;
let deps: ActivityDeps;

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  w = standardWorld({
    arm: { wallClock: () => Date.now() },
    // Production's poll interval and retry delays: nothing in this test is made faster than in Azure.
    clients: { lroPollIntervalMs: DEFAULT_LRO_POLL_INTERVAL_MS, retryOptions: {} },
  });
  deps = armActivityDeps(w.clients, () => new Date());
});

afterEach(() => {
  jest.useRealTimers();
});

/** Runs `work` to completion on the fake wall clock; returns its result and the wall time it took. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let done = false;
  const promise = work().finally(() => {
    done = true;
  });
  for (let i = 0; !done && i < 100_000; i++) await jest.advanceTimersByTimeAsync(50);
  return { value: await promise, ms: Date.now() - started };
}

async function facts(): Promise<VmFacts> {
  const read = await timed(() => readVm({ vmResourceId: w.web01.vm.id }, deps));
  if (!read.value.ok || !read.value.value.found) throw new Error('web01 not read');
  return read.value.value.facts;
}

test('the network provider answers with Retry-After 10, as in Azure', () => {
  expect(RETRY_AFTER.network.ms).toBe(10_000);
});

test('activities that await a network operation honour Retry-After and stay well inside the host timeout', async () => {
  const vm = await facts();
  const nsgId = w.web01.nicNsg!.id;

  const network = await timed(() => readVmNetwork({ vm }, deps));
  expect(network.value.ok && network.value.value.fromEffectiveRules).toBe(true);

  const open = await timed(() =>
    openNsgPort(
      { repairId: 'r1', nsgId, ruleName: 'rdp-autorepair-3390', priority: 310, port: 3390, sourcePrefixes: ['203.0.113.0/24'] },
      deps,
    ),
  );
  expect(open.value).toMatchObject({ ok: true, value: { wrote: true } });

  const restrict = await timed(() =>
    restrictNsgRule(
      { repairId: 'r1', nsgId, ruleName: 'AllowRDP', expectedSourcePrefixes: ['*'], newSourcePrefixes: ['198.51.100.0/24'] },
      deps,
    ),
  );
  expect(restrict.value).toMatchObject({ ok: true, value: { wrote: true } });

  for (const [name, took, operation] of [
    ['readVmNetwork', network.ms, LATENCY_MODEL.effectiveNsgQuery.ms],
    ['openNsgPort', open.ms, LATENCY_MODEL.nsgRuleWrite.ms],
    ['restrictNsgRule', restrict.ms, LATENCY_MODEL.nsgRuleWrite.ms],
  ] as const) {
    if (process.env.ARM_BUDGET_REPORT) process.stdout.write(`${name}: ${took} ms of wall time\n`);
    // At least one Retry-After wait (the operation outlasts the immediate first poll), never past the budget.
    expect({ name, waitedRetryAfter: took >= RETRY_AFTER.network.ms && took >= operation }).toEqual({ name, waitedRetryAfter: true });
    expect({ name, withinBudget: took <= BUDGET_MS }).toEqual({ name, withinBudget: true });
  }
  // Polls were spaced by Retry-After, not by the SDK's 2 s interval: 2 status polls per operation at most.
  expect(w.arm.requests({ operation: 'operations.poll' }).length).toBeLessThanOrEqual(6);
});

test('activities that only start a long operation return without waiting on Retry-After', async () => {
  const vm = await facts();
  const snapshot = await timed(() =>
    startOsDiskSnapshot(
      {
        repairId: 'r1',
        vmId: vm.id,
        osDiskId: vm.osDisk.managedDiskId!,
        location: vm.location,
        zone: vm.zone,
        snapshotName: 'web01-budget',
      },
      deps,
    ),
  );
  expect(snapshot.value.ok).toBe(true);
  const state = await timed(() =>
    getSnapshotState({ snapshotId: `${vm.id.split('/providers/')[0]}/providers/Microsoft.Compute/snapshots/web01-budget` }, deps),
  );
  w.arm.clock.advanceBy(1_000); // the restart is decided after the VM's last provisioning change
  const restart = await timed(() => restartVm({ vmId: vm.id, decidedAt: w.arm.clock.now().toISOString() }, deps));
  expect(restart.value).toMatchObject({ ok: true, value: { alreadyRestarted: false } });
  const power = await timed(() => readVmPower({ vmId: vm.id }, deps));

  w.arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms + LATENCY_MODEL.agentReadyAfterBoot.ms);
  const script = await timed(() =>
    startGuestScript(w.clients, vm.id, { runName: 'budget-1', script: 'Write-Output 1', parameters: [], timeoutSeconds: 60 }),
  );
  const read = await timed(() => readGuestScript(w.clients, vm.id, 'budget-1'));
  const deleted = await timed(() => deleteGuestScript(w.clients, vm.id, 'budget-1'));

  for (const [name, took] of [
    ['startOsDiskSnapshot', snapshot.ms],
    ['getSnapshotState', state.ms],
    ['restartVm', restart.ms],
    ['readVmPower', power.ms],
    ['startGuestScript', script.ms],
    ['readGuestScript', read.ms],
    ['deleteGuestScript', deleted.ms],
  ] as const) {
    // No wait at all beyond this harness's 50 ms timer steps (a Retry-After wait would be 10 000 ms).
    expect({ name, waited: took >= 1_000 }).toEqual({ name, waited: false });
  }
  expect(w.arm.requests({ operation: 'operations.poll' })).toHaveLength(0);
});
