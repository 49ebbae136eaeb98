/**
 * The simulator witnesses a whole offline disk swap, driven by the product's own activities: a running VM's disk
 * keeps changing until it is deallocated (a copy made before misses the later writes, one made after misses
 * none), the copy attached to a rescue VM is what the offline script's model repairs, and after the swap the VM
 * boots with the repaired state; swapping the original back restores what it had, unwritten.
 */
import { runActivity } from '../../src/activities';
import type { ActivityInput, ActivityName, ActivityOutput } from '../../src/domain/activityContracts';
import type { OfflineRepairResult } from '../../src/domain/guestScriptContracts';
import { judgeOfflineRepair } from '../../src/orchestration/decisions/offlineRepairVerdict';
import { copyDiskPlan } from '../../src/orchestration/decisions/osDiskCopy';
import { createSimulatedArmClients, SimulatedArm } from '../../src/simulator/arm';
import { attachSimulatedGuest, rdpEndpoint, SimulatedWindowsGuest } from '../../src/simulator/guest';
import { SimulatedDiskContents } from '../../src/simulator/guest/diskContents';
import { LATENCY_MODEL } from '../../src/simulator/latencyModel';
import { armActivityDeps } from '../support/armActivityDeps';

const SUB = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const REPAIR = 'rdprepair-web01-0123456789abcdef';

function setUp() {
  const arm = new SimulatedArm({ seed: 5 });
  const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: 'rg-rdp-prod', location: 'westeurope' });
  const broken = arm.world.addVmWithNetwork({ resourceGroup: rg, name: 'web01', zone: '1', agentStatus: 'NotReady' }).vm.id;
  const rescue = arm.world.addVmWithNetwork({
    resourceGroup: rg,
    name: 'rescue01',
    zone: '1',
    vnetAddressPrefix: '10.9.0.0/16',
    subnetAddressPrefix: '10.9.0.0/24',
  }).vm.id;
  const brokenGuest = new SimulatedWindowsGuest(
    { agent: 'NotReady', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
    { nowMs: arm.clock.nowMs() },
  );
  const rescueGuest = new SimulatedWindowsGuest({}, { nowMs: arm.clock.nowMs() });
  attachSimulatedGuest(arm, broken, brokenGuest);
  attachSimulatedGuest(arm, rescue, rescueGuest);
  const contents = new SimulatedDiskContents(arm);
  contents.addGuest(broken, brokenGuest);
  contents.addGuest(rescue, rescueGuest);
  const deps = armActivityDeps(createSimulatedArmClients(arm), () => new Date(arm.clock.nowMs()));
  async function call<N extends ActivityName>(name: N, input: ActivityInput<N>): Promise<ActivityOutput<N>> {
    const result = await runActivity(name, input, deps);
    if (!result.ok) throw new Error(`${name} failed: ${result.failure.code}: ${result.failure.message}`);
    return result.value;
  }
  return { arm, rg, broken, rescue, brokenGuest, rescueGuest, contents, call };
}

const tls12 = (content: { disk: unknown } | undefined) => JSON.stringify(content?.disk).includes('TLS 1.2');

describe('offline disk swap on the simulator', () => {
  test('no write is lost, the copy is repaired on the rescue VM, the VM boots repaired, the original stays unwritten', async () => {
    const { arm, broken, rescue, brokenGuest, rescueGuest, contents, call } = setUp();
    const originalId = arm.world.vm(broken).osDiskId!;

    // The backup snapshot is taken while the VM runs; the workload writes after it.
    const snap = await call('startOsDiskSnapshot', {
      repairId: REPAIR,
      vmId: broken,
      osDiskId: originalId,
      location: 'westeurope',
      zone: '1',
      snapshotName: 'backup',
    });
    brokenGuest.writeFile('C:\\data\\orders-0001.csv');
    expect(contents.contentOf(snap.snapshotId)?.files).not.toContain('C:\\data\\orders-0001.csv');

    await call('deallocateVm', { vmId: broken });
    arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    arm.sync();
    const traits = await call('readOsDiskTraits', { vmId: broken });
    const plan = copyDiskPlan(traits.disk!, 'web01', REPAIR, new Date(arm.clock.nowMs()));
    const copy = await call('copyOsDisk', {
      repairId: REPAIR,
      vmId: broken,
      sourceDiskId: originalId,
      name: plan.name,
      carry: plan.carry,
      tags: plan.tags,
    });
    arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
    expect(contents.contentOf(copy.diskId)?.files).toContain('C:\\data\\orders-0001.csv');
    const originalBefore = contents.contentOf(originalId);

    await call('attachDataDisk', { vmId: rescue, diskId: copy.diskId, lun: 0 });
    arm.clock.advanceBy(LATENCY_MODEL.dataDiskAttachDetach.ms);
    expect([...rescueGuest.disks.byLun.keys()]).toEqual([0]);

    const run = {
      repairId: REPAIR,
      vmId: rescue,
      script: 'offline-repair' as const,
      params: { Lun: 0, DiskSizeGiB: copy.properties!.sizeGiB!, Generation: 2, RunId: 'r-1', DetectOnly: false, AllowLegacyTls: false },
      runName: 'rdpar-offline-1',
      timeoutSeconds: 900,
    };
    expect((await call('startGuestScript', run)).state).not.toBe('failed');
    let result: OfflineRepairResult | null = null;
    for (let polls = 0; polls < 40 && !result; polls += 1) {
      arm.clock.advanceBy(15_000);
      const state = await call('readGuestScript', run);
      if (state.state === 'failed') throw new Error(`offline-repair failed: ${state.detail}`);
      if (state.state === 'succeeded') result = state.result as OfflineRepairResult;
    }
    if (!result) throw new Error('offline-repair did not end');
    const verdict = judgeOfflineRepair(result);
    expect(verdict.swap).toBe(true);
    expect(verdict.fixed).toContain('tls');

    await call('detachDataDisk', { vmId: rescue, diskId: copy.diskId });
    arm.clock.advanceBy(LATENCY_MODEL.dataDiskAttachDetach.ms);
    expect(rescueGuest.disks.byLun.size).toBe(0);
    // The rescue VM was never restarted or stopped.
    expect(arm.world.vm(rescue).powerState).toBe('running');

    await call('swapOsDisk', { vmId: broken, toDiskId: copy.diskId, expectedFromDiskId: originalId });
    arm.clock.advanceBy(LATENCY_MODEL.osDiskSwap.ms);
    await call('startVm', { vmId: broken });
    arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
    arm.sync();
    expect(brokenGuest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 1, disabledByDefault: 0 });
    expect(brokenGuest.read().files).toContain('C:\\data\\orders-0001.csv');
    expect(rdpEndpoint(brokenGuest.read(), { nowMs: arm.clock.nowMs() }).behaviour).toBe('healthy');

    // Tagging the original (tags-only PATCH) keeps its other tags, changes metadata only, and is not repeated.
    arm.world.store.disks.get(originalId)!.tags = { owner: 'web-team' };
    const writesBefore = arm.requests().filter((r) => r.method === 'PATCH').length;
    expect(await call('tagDisk', { diskId: originalId, tags: { 'rdp-autorepair-original-of': 'web01' } })).toEqual({
      alreadyTagged: false,
    });
    expect(await call('tagDisk', { diskId: originalId, tags: { 'rdp-autorepair-original-of': 'web01' } })).toEqual({ alreadyTagged: true });
    expect(arm.requests().filter((r) => r.method === 'PATCH').length).toBe(writesBefore + 1);
    expect(arm.world.disk(originalId).tags).toEqual({ owner: 'web-team', 'rdp-autorepair-original-of': 'web01' });

    // The original disk was never written: the same content as before the repair, TLS 1.2 still off.
    expect(contents.contentOf(originalId)).toEqual(originalBefore);
    expect(tls12(originalBefore)).toBe(true);

    // Rolling back: the original swapped back in boots exactly as it was, the workload's write included.
    await call('deallocateVm', { vmId: broken });
    arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    arm.sync();
    await call('swapOsDisk', { vmId: broken, toDiskId: originalId, expectedFromDiskId: copy.diskId });
    arm.clock.advanceBy(LATENCY_MODEL.osDiskSwap.ms);
    await call('startVm', { vmId: broken });
    arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
    arm.sync();
    expect(brokenGuest.read().schannel.effective['TLS 1.2']).toEqual({ enabled: 0, disabledByDefault: 1 });
    expect(brokenGuest.read().files).toContain('C:\\data\\orders-0001.csv');
  });

  test('swapping in a disk whose content the simulator does not know fails loudly', async () => {
    const { arm, rg, broken, call } = setUp();
    const blank = arm.world.addDisk({ resourceGroup: rg, name: 'blank', osType: 'Windows', generation: 'V2', zone: '1' });
    await call('deallocateVm', { vmId: broken });
    arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    const result = await runActivityOrError(() =>
      call('swapOsDisk', { vmId: broken, toDiskId: blank.id, expectedFromDiskId: arm.world.vm(broken).osDiskId! }),
    );
    expect(result).toMatch(/content of disk .* is unknown/);
  });
});

async function runActivityOrError(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return 'no error';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
