/**
 * The offline repair with an ephemeral rescue VM, end to end through the simulated app: agent-down (created,
 * used, deleted: Repaired), rescue-vm-quota (every size refused: NotRepaired, the VM never deallocated, the NIC
 * made for it deleted). Each lists the resource group before and after: only the copy that is now the OS disk (and
 * the kept original disk) may differ; nothing leaks. The rescue VM's admin password appears nowhere in the
 * orchestrations' histories, their statuses or the logs.
 */
import type { PipelineRequest } from '@azure/core-rest-pipeline';
import { findScenario } from '../../src/simulator/scenarios/catalog';
import { type SimulatedAppOptions, SimulatedRepairApp } from '../../src/simulator/simulatedRepairApp';

function resourceIds(app: SimulatedRepairApp): string[] {
  const store = app.arm.world.store;
  return [...store.virtualMachines.values(), ...store.disks.values(), ...store.networkInterfaces.values(), ...store.snapshots.values()]
    .map((r) => r.id.toLowerCase())
    .sort();
}

async function run(name: string, options: SimulatedAppOptions = {}) {
  const app = await SimulatedRepairApp.start(options);
  const passwords: string[] = [];
  const everCreated = new Set<string>();
  const unsubscribe = app.arm.onChange((c) => {
    if (c.kind === 'resourceCreated') everCreated.add(c.resourceId.toLowerCase());
  });
  // Keeps what went to ARM in VM PUT bodies: the only place the password may appear.
  const send = app.arm.sendRequest.bind(app.arm);
  app.arm.sendRequest = async (request: PipelineRequest) => {
    if (request.method === 'PUT' && typeof request.body === 'string' && request.body.includes('adminPassword')) {
      passwords.push(
        (JSON.parse(request.body) as { properties: { osProfile: { adminPassword: string } } }).properties.osProfile.adminPassword,
      );
    }
    return send(request);
  };
  const logged: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
    jest.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
  );
  try {
    const seeded = await app.addScenario(findScenario(name)!);
    const originalId = app.arm.world.vm(seeded.vmId).osDiskId!.toLowerCase();
    const before = resourceIds(app);
    const writesBefore = app.arm.stats().writes;
    const startMs = app.clock.nowMs();
    const { start, status } = await app.runRepair(seeded.request);
    expect(status.runtimeStatus).toBe('Completed');
    const after = resourceIds(app);
    const histories = [start.body.id, `${start.body.id}:offline:1`, `${start.body.id}:cleanup:1`].map((id) =>
      JSON.stringify(app.emulator.history(id)),
    );
    const powerStates = app.arm.requests().filter((r) => /deallocate$/.test(r.path)).length;
    return {
      app,
      status,
      originalId,
      passwords,
      texts: [...histories, JSON.stringify(status), ...logged],
      created: after.filter((id) => !before.includes(id)),
      deleted: before.filter((id) => !after.includes(id)),
      everCreated: [...everCreated],
      writes: app.arm.stats().writes - writesBefore,
      simulatedSeconds: Math.round((app.clock.nowMs() - startMs) / 1000),
      deallocations: powerStates,
      vm: app.arm.world.vm(seeded.vmId),
    };
  } finally {
    unsubscribe();
    for (const spy of spies) spy.mockRestore();
    await app.close();
  }
}

function report(name: string, r: Awaited<ReturnType<typeof run>>) {
  // The numbers the note asks for, printed once per scenario (jest shows them with --verbose).
  process.stdout.write(
    `${name}: ${r.status.outcome.kind}, ${r.simulatedSeconds} s simulated, downtime ${r.status.artifacts.downtime?.seconds ?? 0} s, ` +
      `${r.writes} ARM writes\n  created and deleted: ${r.everCreated.filter((id) => !r.created.includes(id)).join(', ') || '-'}\n` +
      `  created and kept: ${r.created.join(', ') || '-'}\n`,
  );
}

describe('offline repair with an ephemeral rescue VM', () => {
  it('agent-down: a rescue VM is created, used and deleted; Repaired; nothing leaks; the password is nowhere', async () => {
    const r = await run('agent-down');
    report('agent-down', r);
    expect(r.status.outcome.kind).toBe('Repaired');
    expect(r.status.outcome.path).toBe('offline');
    const copy = r.status.artifacts.copyDiskId.toLowerCase();
    expect(r.vm.osDiskId?.toLowerCase()).toBe(copy);
    // Left behind: the copy (now the OS disk) only; the original disk is kept (not deleted), nothing else created.
    expect(r.created).toEqual([copy]);
    expect(r.deleted).toEqual([]);
    // The rescue VM, its NIC and its OS disk existed and are gone.
    const rescue = r.everCreated.filter((id) => /rdprescue-/.test(id));
    expect(rescue.map((id) => id.split('/')[7]).sort()).toEqual(
      ['disks', 'networkInterfaces', 'virtualMachines'].map((t) => t.toLowerCase()).sort(),
    );
    expect(r.status.cleanup.filter((c: { result: string }) => c.result === 'deleted').length).toBeGreaterThanOrEqual(1);
    expect(r.status.cleanup.some((c: { result: string }) => c.result === 'failed')).toBe(false);
    expect(r.status.timeline.map((t: { step: string }) => t.step)).toEqual(
      expect.arrayContaining(['offline:rescueVmCreate', 'offline:rescueVm', 'cleanup:list', 'cleanup:delete']),
    );
    expect(r.passwords.length).toBe(1);
    for (const password of r.passwords) for (const text of r.texts) expect(text.includes(password)).toBe(false);
  });

  it('rescue-vm-quota: every size refused for quota; NotRepaired, the VM never deallocated, the NIC deleted again', async () => {
    const r = await run('rescue-vm-quota');
    report('rescue-vm-quota', r);
    expect(r.status.outcome.kind).toBe('NotRepaired');
    expect(r.status.outcome.reason).toMatch(/not stopped/);
    expect(r.deallocations).toBe(0);
    expect(r.vm.powerState).toBe('running');
    expect(r.vm.osDiskId?.toLowerCase()).toBe(r.originalId);
    expect(r.created).toEqual([]);
    expect(r.deleted).toEqual([]);
    expect(r.everCreated.some((id) => /networkinterfaces\/rdprescue-/.test(id))).toBe(true);
    expect(r.status.findings.map((f: { code: string }) => f.code)).toContain('RescueVmQuota');
    expect(r.status.outcome.advice.join(' ')).toMatch(/quota/i);
  });
});
