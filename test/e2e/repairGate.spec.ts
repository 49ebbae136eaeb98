/**
 * The fleet-wide repair gate end to end (MAX_CONCURRENT_REPAIRS=1, two broken VMs): the second repair waits before
 * it reads anything and says so in its status; it runs when the first ends; a cancel ends the wait cleanly; a
 * holder terminated without giving its slot back is released by the sweeper (releaseStaleRepairSlots), and the
 * slot goes to the next waiter.
 */
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';
import { currentStepOf, runWatchingSlots, slotsOf } from '../support/repairSlots';

let app: SimulatedRepairApp;

async function twoRepairs(): Promise<{ first: string; second: string; secondVm: string }> {
  app = await SimulatedRepairApp.start({ settings: { MAX_CONCURRENT_REPAIRS: '1' } });
  const a = await app.addScenario(findScenario('tls-disabled')!);
  const b = await app.addScenario(findScenario('corrupt-certificate')!);
  const first = (await app.http('POST', '/api/repairs', a.request)).body.id as string;
  const second = (await app.http('POST', '/api/repairs', b.request)).body.id as string;
  await runWatchingSlots(app.emulator, { advanceClock: false, until: () => slotsOf(app.emulator)?.waiters.length === 1 });
  await runWatchingSlots(app.emulator, {
    advanceClock: false,
    until: async () => (await currentStepOf(app.emulator, second)) === 'waitForRepairSlot',
  });
  return { first, second, secondVm: b.vmId };
}

async function status(id: string) {
  return (await app.http('GET', `/api/repairs/${id}`)).body;
}

function armRequestsFor(vmId: string): number {
  const name = vmId.split('/').at(-1)!.toLowerCase();
  return app.arm.requests().filter((r) => r.path.toLowerCase().includes(name)).length;
}

afterEach(async () => {
  await app.close();
});

it('the second repair waits, reading nothing, says where it stands, and runs when the first ends', async () => {
  const { first, second, secondVm } = await twoRepairs();
  const waiting = await status(second);
  expect(waiting.runtimeStatus).toBe('Running');
  expect(waiting.currentStep).toBe('waitForRepairSlot');
  expect(waiting.timeline).toHaveLength(1);
  expect(waiting.timeline[0].detail).toMatch(/^position 1 of 1 waiting; MAX_CONCURRENT_REPAIRS=1 \(1 repairs hold a slot\)/);
  expect(armRequestsFor(secondVm)).toBe(0);

  const firstDone = await app.emulator.runUntilComplete(first);
  expect(firstDone.runtimeStatus).toBe('Completed');
  const secondDone = await app.emulator.runUntilComplete(second);
  const output = secondDone.output as {
    outcome: { kind: string };
    timeline: Array<{ step: string; status: string; detail: string; endedAt: string }>;
  };
  expect(output.outcome.kind).toBe('Repaired');
  expect(output.timeline[0]).toMatchObject({ step: 'waitForRepairSlot', status: 'succeeded' });
  expect(output.timeline[0].detail).toMatch(/^slot granted after waiting since /);
  expect(output.timeline[1].step).toBe('preflight');
  // Told by the first repair's release, at the instant it ended (not at the next fallback timer).
  expect(output.timeline[0]).toMatchObject({ endedAt: new Date(firstDone.lastUpdatedTime).toISOString() });
  expect(slotsOf(app.emulator)).toMatchObject({ holders: {}, waiters: [] });
});

it('a cancel ends the wait: Cancelled, nothing read or changed, the place in the queue given up', async () => {
  const { first, second, secondVm } = await twoRepairs();
  expect((await app.http('POST', `/api/repairs/${second}/cancel`)).status).toBe(202);
  const done = await app.emulator.runUntilComplete(second, { advanceClock: false });
  const output = done.output as { outcome: { kind: string; reason: string }; changes: unknown[]; timeline: Array<{ step: string }> };
  expect(output.outcome.kind).toBe('Cancelled');
  expect(output.outcome.reason).toMatch(/before preflight\. Nothing had been changed\./);
  expect(output.changes).toEqual([]);
  expect(output.timeline.map((t) => t.step)).toEqual(['waitForRepairSlot']);
  expect(armRequestsFor(secondVm)).toBe(0);
  expect(slotsOf(app.emulator)?.waiters).toEqual([]);
  expect((await app.emulator.runUntilComplete(first)).runtimeStatus).toBe('Completed');
});

it('a holder terminated without releasing: the sweeper frees its slot and the next waiter runs', async () => {
  const { first, second } = await twoRepairs();
  await app.emulator.client.terminate(first, 'operator terminated it');
  await runWatchingSlots(app.emulator, {
    advanceClock: false,
    until: async () => (await app.emulator.client.getStatus(first)).runtimeStatus === 'Terminated',
  });
  // No finally ran: the slot is still held by the terminated repair, the second still waits.
  expect(Object.keys(slotsOf(app.emulator)?.holders ?? {})).toEqual([first]);
  const logs = await app.timer('releaseStaleRepairSlots');
  expect(logs.map((l) => l.message)).toEqual([
    expect.stringMatching(/^RepairSlotSweep checked=2 released=1 reminded=1 \| .* \(Terminated\)$/),
  ]);
  await runWatchingSlots(app.emulator, {
    advanceClock: false,
    until: async () => (await currentStepOf(app.emulator, second)) !== 'waitForRepairSlot',
  });
  expect(slotsOf(app.emulator)?.holders).toEqual({ [second]: expect.objectContaining({ claimed: true }) });
  expect((await app.emulator.runUntilComplete(second)).runtimeStatus).toBe('Completed');
  // A second sweep finds nothing to do.
  expect(await app.timer('releaseStaleRepairSlots')).toEqual([]);
});
