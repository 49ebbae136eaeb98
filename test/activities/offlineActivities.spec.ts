/**
 * The offline repair's activities against the simulated ARM, in the order the offline phase will call them:
 * read the traits, deallocate, copy the OS disk, attach the copy to a rescue VM, detach it, swap, start. Each
 * one is run twice where a worker could deliver it twice, to show the second run writes nothing.
 */
import { runActivity } from '../../src/activities';
import type { ActivityDeps } from '../../src/activities/deps';
import type { ActivityInput, ActivityName, ActivityOutput } from '../../src/domain/activityContracts';
import { copyDiskPlan } from '../../src/orchestration/decisions/osDiskCopy';
import { freeLun, rescueVmFit } from '../../src/orchestration/decisions/rescueVm';
import { offlineEligibility } from '../../src/orchestration/decisions/offlineEligibility';
import { swapMismatches } from '../../src/orchestration/decisions/osDiskCopy';
import { LATENCY_MODEL } from '../../src/simulator/latencyModel';
import { standardWorld, type StandardWorld } from '../fixtures/arm/standardWorld';
import { armActivityDeps } from '../support/armActivityDeps';

let w: StandardWorld;
let deps: ActivityDeps;

beforeEach(() => {
  w = standardWorld();
  deps = armActivityDeps(w.clients, () => new Date(w.arm.clock.nowMs()));
});

async function call<N extends ActivityName>(name: N, input: ActivityInput<N>): Promise<ActivityOutput<N>> {
  const result = await runActivity(name, input, deps);
  if (!result.ok) throw new Error(`${name} failed: ${result.failure.code}: ${result.failure.message}`);
  return result.value;
}

function writes(): number {
  return w.arm.requests().filter((r) => r.method !== 'GET').length;
}

function addRescue(): string {
  return w.arm.world.addVmWithNetwork({
    resourceGroup: w.rg,
    name: 'rescue01',
    zone: '1',
    powerState: 'running',
    agentStatus: 'Ready',
    vnetAddressPrefix: '10.9.0.0/16',
    subnetAddressPrefix: '10.9.0.0/24',
  }).vm.id;
}

describe('offline repair activities on the simulated ARM', () => {
  test('copy, attach, detach, swap and start: each write once, each re-run writes nothing', async () => {
    const vmId = w.web01.vm.id;
    const originalId = w.arm.world.vm(vmId).osDiskId!;
    const rescueId = addRescue();

    const traits = await call('readOsDiskTraits', { vmId });
    expect(offlineEligibility(traits)).toEqual({ eligible: true });
    expect(traits.disk).toMatchObject({ id: originalId, hyperVGeneration: 'V2', zone: '1', osType: 'Windows' });

    const rescue = await call('readRescueVm', { vmId: rescueId });
    const broken = await call('readVm', { vmResourceId: vmId });
    if (!broken.found || !rescue.facts) throw new Error('seeded VMs not found');
    const fit = rescueVmFit({ vm: rescue.facts, usedLuns: rescue.usedLuns, maxDataDisks: null }, broken.facts);
    expect(fit).toEqual({ fits: true, lun: 0 });

    expect(await call('deallocateVm', { vmId })).toEqual({ already: false });
    expect(await call('deallocateVm', { vmId })).toEqual({ already: true });
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    expect((await call('readVmPower', { vmId })).powerState).toBe('deallocated');

    const plan = copyDiskPlan(traits.disk!, 'web01', 'rdprepair-web01-0123456789abcdef', new Date('2026-12-01T10:00:00Z'));
    const copyInput = {
      repairId: 'rdprepair-web01-0123456789abcdef',
      vmId,
      sourceDiskId: originalId,
      name: plan.name,
      carry: plan.carry,
      tags: plan.tags,
    };
    const copy = await call('copyOsDisk', copyInput);
    const before = writes();
    expect((await call('copyOsDisk', copyInput)).diskId).toBe(copy.diskId);
    expect(writes()).toBe(before);
    w.arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
    const copied = await call('readDisk', { diskId: copy.diskId });
    expect(copied).toMatchObject({ found: true, provisioningState: 'Succeeded', managedBy: null });
    expect(swapMismatches(traits.disk!, copied.properties!)).toEqual([]);
    expect(w.arm.world.disk(copy.diskId).tags).toMatchObject({ 'rdp-autorepair-repair-id': 'rdprepair-web01-0123456789abcdef' });

    if (!fit.fits) throw new Error('unreachable');
    expect(await call('attachDataDisk', { vmId: rescueId, diskId: copy.diskId, lun: fit.lun })).toEqual({ lun: 0, alreadyAttached: false });
    expect(await call('attachDataDisk', { vmId: rescueId, diskId: copy.diskId, lun: fit.lun })).toEqual({ lun: 0, alreadyAttached: true });
    w.arm.clock.advanceBy(LATENCY_MODEL.dataDiskAttachDetach.ms);
    const attached = await call('readRescueVm', { vmId: rescueId });
    expect(attached.provisioningState).toBe('Succeeded');
    expect(attached.dataDisks).toEqual([{ lun: 0, diskId: copy.diskId }]);
    expect(freeLun(attached.usedLuns, null)).toBe(1);

    expect(await call('detachDataDisk', { vmId: rescueId, diskId: copy.diskId })).toEqual({ alreadyDetached: false });
    expect(await call('detachDataDisk', { vmId: rescueId, diskId: copy.diskId })).toEqual({ alreadyDetached: true });
    w.arm.clock.advanceBy(LATENCY_MODEL.dataDiskAttachDetach.ms);

    const swap = { vmId, toDiskId: copy.diskId, expectedFromDiskId: originalId };
    expect(await call('swapOsDisk', swap)).toEqual({ alreadySwapped: false });
    w.arm.clock.advanceBy(LATENCY_MODEL.osDiskSwap.ms);
    expect(await call('swapOsDisk', swap)).toEqual({ alreadySwapped: true });
    expect(w.arm.world.vm(vmId).osDiskId).toBe(copy.diskId);

    expect(await call('startVm', { vmId })).toEqual({ already: false });
    // While the start runs, the instance view says so (ProvisioningState/updating); once it is done, it does not.
    expect(await call('readVmPower', { vmId })).toMatchObject({ powerState: 'starting', operationInProgress: true });
    expect(await call('startVm', { vmId })).toEqual({ already: true });
    w.arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms);
    expect(await call('readVmPower', { vmId })).toMatchObject({ powerState: 'running', operationInProgress: false });
    // The original disk is still there, unattached, for the rollback.
    expect(w.arm.world.disk(originalId).managedBy).toBeUndefined();
  });

  test('the swap refuses a VM whose OS disk someone else changed, and reports ARM refusals as findings', async () => {
    const vmId = w.web01.vm.id;
    await call('deallocateVm', { vmId });
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    const other = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'gen1', osType: 'Windows', generation: 'V1', zone: '1' });
    const changed = await runActivity('swapOsDisk', { vmId, toDiskId: other.id, expectedFromDiskId: '/subscriptions/x/disks/old' }, deps);
    expect(changed).toMatchObject({ ok: false, failure: { code: 'OsDiskChangedMeanwhile' } });
    const refused = await runActivity('swapOsDisk', { vmId, toDiskId: other.id, expectedFromDiskId: w.arm.world.vm(vmId).osDiskId! }, deps);
    expect(refused).toMatchObject({ ok: false, failure: { code: 'PropertyChangeNotAllowed', statusCode: 409 } });
  });

  test('a missing rescue VM and a missing disk are answers, not errors', async () => {
    const gone = `${w.web01.vm.id.replace(/web01$/, '')}nosuchvm`;
    expect(await call('readRescueVm', { vmId: gone })).toMatchObject({ found: false, message: /does not exist/ });
    const disk = w.arm.world.vm(w.web01.vm.id).osDiskId!.replace(/[^/]+$/, 'nosuchdisk');
    expect(await call('readDisk', { diskId: disk })).toMatchObject({ found: false });
  });

  test('an unmanaged OS disk is read as such and refused', async () => {
    const traits = await call('readOsDiskTraits', { vmId: w.legacy03.vm.id });
    expect(traits).toMatchObject({ managed: false, disk: null });
    expect(offlineEligibility(traits)).toMatchObject({ eligible: false, refusals: [{ code: 'unmanagedDisk' }] });
  });
});
