/**
 * SIMULATED (bench only): `az vm repair`'s sequence (Azure/azure-cli-extensions src/vm-repair) for the offline
 * scenarios, run on the same simulator. `create`: a copy of the OS disk of the still running VM
 * (`az disk create --source`, no snapshot), a repair VM made from scratch from a marketplace image, the copy
 * attached to it; `run`: the script on the repair VM; `restore`: detach the copy, `az vm update --os-disk`, start;
 * then the repair resources are deleted. Sequential, as the CLI is. The simulated ARM swaps an OS disk only on a
 * deallocated VM (the safe path the older docs require), so the VM is deallocated before the swap. The script is
 * the product's offline script (the best one at hand), so the comparison is about the sequence, not the fix.
 * Writes made to the running VM after its copy are lost at the swap: a cost this baseline has and the bench notes.
 */
import { parseResourceId, ResourceTypes } from '../../azure/resourceId';
import type { SimulatedRepairApp } from '../simulatedRepairApp';
import { ArmDriver } from './armDriver';
import type { BaselineRequest, BaselineRun } from './baselineRun';
import { vmPublicAddress } from './baselineRun';
import { attach, copyDisk, createRescueVm, detach, readVmDisk, runOfflineScript, swapOsDisk } from './offlineOps';

const BOOT_WAIT_MS = 10 * 60_000;

export async function runAzVmRepair(app: SimulatedRepairApp, request: BaselineRequest): Promise<BaselineRun> {
  const driver = new ArmDriver(app, 'azvmrepair');
  const vmId = request.vmResourceId;
  const t0 = driver.nowMs();
  const steps: string[] = [];
  const ended = (outcome: BaselineRun['outcome']): BaselineRun => ({ outcome, steps, counts: driver.counts, startedAtMs: t0 });
  try {
    const address = vmPublicAddress(app, vmId);
    const disk = await readVmDisk(driver, vmId);
    const name = parseResourceId(vmId, ResourceTypes.virtualMachine).name;
    const copyId = await copyDisk(driver, vmId, disk, `${name}-repair-copy`);
    steps.push('create: OS disk copied from the running VM');
    const rescueId = await createRescueVm(driver, vmId, disk, `repair-${name}`.slice(0, 40));
    const lun = await attach(driver, rescueId, copyId);
    steps.push('create: repair VM created, copy attached');
    const result = await runOfflineScript(driver, rescueId, disk, lun);
    steps.push(`run: ${result.message}`);
    await detach(driver, rescueId, copyId);
    await driver.deallocate(vmId);
    await swapOsDisk(driver, vmId, copyId);
    await driver.start(vmId);
    steps.push('restore: copy swapped in, VM started');
    const probe = await driver.probeAfterBoot(vmId, address ?? '', 3389, BOOT_WAIT_MS);
    steps.push(`probe: ${probe.verdict}`);
    const run = ended(probe.verdict === 'healthy' ? 'healthy' : 'broken');
    // The CLI deletes the repair resources last; not on the way to RDP, but counted among the writes.
    const rescue = parseResourceId(rescueId, ResourceTypes.virtualMachine);
    await driver.untilDone(
      'delete the repair VM',
      driver.compute(rescueId).virtualMachines.delete(rescue.resourceGroup, rescue.name, { updateIntervalInMs: 1 }),
    );
    return run;
  } catch (err) {
    steps.push(`stopped: ${err instanceof Error ? err.message : String(err)}`);
    return ended('failed');
  }
}
