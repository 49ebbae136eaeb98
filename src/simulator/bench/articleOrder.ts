/**
 * SIMULATED (bench only): the article's procedure run as a policy, blind. Snapshot the OS disk; restrict an NSG
 * rule that admits RDP from anywhere; then step 1 (who holds the RDP port), step 2 (new certificate, MachineKeys
 * ACLs) and a restart, step 3 (TLS) and a restart, each followed by a probe, stopping at the first healthy one;
 * then the offline repair on a recovery VM. It does not diagnose to skip a step: the article runs them in order.
 * Step 1 reads who holds the port because the article's step 1 is itself that check (`netstat -anob`).
 *
 * It uses the product's guest scripts through the real Run Command channel (the article's commands, done
 * correctly) and none of the product's decisions.
 */
import { parseResourceId, ResourceTypes } from '../../azure/resourceId';
import type { SimulatedRepairApp } from '../simulatedRepairApp';
import { ArmDriver, BaselineStepFailed } from './armDriver';
import { attach, copyDisk, createRescueVm, detach, readVmDisk, runOfflineScript, swapOsDisk } from './offlineOps';
import type { BaselineRun, BaselineRequest } from './baselineRun';
import { vmPublicAddress } from './baselineRun';

/** Where the article moves RDP when the port holder cannot be stopped (any free port; the product's default too). */
const FALLBACK_PORT = 3390;
/** How long a restarted VM may take to report its agent Ready before the procedure moves on. */
const BOOT_WAIT_MS = 10 * 60_000;
const OPEN_SOURCES = new Set(['*', 'internet', '0.0.0.0/0', 'any']);

export async function runArticleOrder(app: SimulatedRepairApp, request: BaselineRequest): Promise<BaselineRun> {
  const driver = new ArmDriver(app, 'article');
  const vmId = request.vmResourceId;
  const t0 = driver.nowMs();
  const steps: string[] = [];
  const address = vmPublicAddress(app, vmId);
  let port = 3389;
  const healthy = async (why: string, afterBoot = false): Promise<boolean> => {
    const probe = afterBoot
      ? await driver.probeAfterBoot(vmId, address ?? '', port, BOOT_WAIT_MS)
      : await driver.probe(address ?? '', port);
    steps.push(`probe after ${why}: ${probe.verdict}`);
    return probe.verdict === 'healthy';
  };
  const ended = (outcome: BaselineRun['outcome']): BaselineRun => ({ outcome, steps, counts: driver.counts, startedAtMs: t0 });
  try {
    if (!address) return { ...ended('not-started'), steps: ['no public address to test RDP on'] };
    if (await healthy('nothing (the symptom)')) return ended('healthy');
    const vm = parseResourceId(vmId, ResourceTypes.virtualMachine);
    const read = await driver.compute(vmId).virtualMachines.get(vm.resourceGroup, vm.name);
    const osDiskId = read.storageProfile?.osDisk?.managedDisk?.id;
    if (!osDiskId) throw new BaselineStepFailed('no managed OS disk to snapshot');
    await driver.untilDone(
      'snapshot the OS disk',
      driver
        .compute(vmId)
        .snapshots.createOrUpdate(
          vm.resourceGroup,
          `${vm.name}-article-backup`,
          { location: read.location, incremental: true, creationData: { createOption: 'Copy', sourceResourceId: osDiskId } },
          { updateIntervalInMs: 1 },
        ),
    );
    steps.push('snapshot');

    if (await restrictOpenRdp(driver, read.networkProfile?.networkInterfaces?.[0]?.id, request.allowedSourceCidrs ?? [])) {
      steps.push('NSG restricted');
      if (await healthy('the NSG restriction')) return ended('healthy');
    }

    // The article's branch: without the serial console (here: Run Command, which needs the agent), go to the offline repair.
    if (await driver.untilAgentReady(vmId, 0)) {
      const listening = await driver.runScript(vmId, 'diagnose', {});
      port = listening.rdp.portNumber;
      const holder = listening.listener.serviceName ?? listening.listener.processName;
      if (holder && holder.toLowerCase() !== 'termservice') {
        const fixed = await driver.runScript(vmId, 'fix-port-conflict', {
          ServiceName: holder,
          RdpPort: port,
          FallbackPort: FALLBACK_PORT,
        });
        if (fixed.newPort !== null) {
          // The article: with RDP on a new port, open it in the NSG as well.
          await admitPort(driver, read.networkProfile?.networkInterfaces?.[0]?.id, port, fixed.newPort);
          port = fixed.newPort;
        }
        steps.push(`step 1: ${fixed.message}`);
        if (await healthy('step 1')) return ended('healthy');
      } else steps.push('step 1: TermService holds the port');

      await driver.runScript(vmId, 'renew-certificate', { BackupDirectory: 'C:\\temp\\rdp-article' });
      await driver.restart(vmId);
      steps.push('step 2 + restart');
      if (await healthy('step 2', true)) return ended('healthy');
      await driver.untilAgentReady(vmId, BOOT_WAIT_MS);

      const tls = await driver.runScript(vmId, 'enable-tls', { AllowLegacyTls: false });
      await driver.restart(vmId);
      steps.push('step 3 + restart');
      if (await healthy('step 3', true)) {
        await driver.untilAgentReady(vmId, BOOT_WAIT_MS);
        // The article: once RDP works, Group Policy goes back on (gpupdate /force); a domain policy may undo the fix.
        if (tls.previousGpsvcStart !== null) {
          await driver.runScript(vmId, 'restore-group-policy', { PreviousStart: tls.previousGpsvcStart });
          steps.push('Group Policy restored');
          if (!(await healthy('Group Policy'))) return ended('broken');
        }
        return ended('healthy');
      }
    } else steps.push('no Run Command (agent not Ready): offline');

    if (request.offline === undefined || request.offline === 'never') return ended('broken');
    await offlineByHand(driver, vmId, request.rescueVmResourceId);
    steps.push('offline repair');
    return ended((await healthy('the offline repair', true)) ? 'healthy' : 'broken');
  } catch (err) {
    steps.push(`stopped: ${err instanceof Error ? err.message : String(err)}`);
    return ended('failed');
  }
}

/** The article's section 3 done by hand: stop the VM, copy its disk, repair the copy on a recovery VM, swap it in. */
async function offlineByHand(driver: ArmDriver, vmId: string, rescueVmId: string | undefined): Promise<void> {
  const disk = await readVmDisk(driver, vmId);
  await driver.deallocate(vmId);
  const name = parseResourceId(vmId).name;
  const copyId = await copyDisk(driver, vmId, disk, `${name}-article-copy`);
  const rescue = rescueVmId ?? (await createRescueVm(driver, vmId, disk, `${name}-article-rescue`));
  const lun = await attach(driver, rescue, copyId);
  await runOfflineScript(driver, rescue, disk, lun);
  await detach(driver, rescue, copyId);
  await swapOsDisk(driver, vmId, copyId);
  await driver.start(vmId);
}

/** The NSG on the VM's NIC, read as the operator opens it in the portal; null when the NIC has none. */
async function nicNsg(driver: ArmDriver, nicId: string | undefined) {
  if (!nicId) return null;
  const nicRef = parseResourceId(nicId);
  const nic = await driver.network(nicId).networkInterfaces.get(nicRef.resourceGroup, nicRef.name);
  const nsgId = nic.networkSecurityGroup?.id;
  if (!nsgId) return null;
  const nsgRef = parseResourceId(nsgId);
  const nsg = await driver.network(nsgId).networkSecurityGroups.get(nsgRef.resourceGroup, nsgRef.name);
  return { nsgId, nsgRef, nsg };
}

/** The article's NSG check: a rule admitting RDP from anywhere is narrowed to the operator's own addresses. */
async function restrictOpenRdp(driver: ArmDriver, nicId: string | undefined, cidrs: readonly string[]): Promise<boolean> {
  if (cidrs.length === 0) return false;
  const found = await nicNsg(driver, nicId);
  if (!found) return false;
  const { nsgId, nsgRef, nsg } = found;
  let changed = false;
  for (const rule of nsg.securityRules ?? []) {
    const ports = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((p): p is string => !!p);
    const coversRdp = ports.some((p) => p === '*' || p === '3389' || coversPort(p, 3389));
    const fromAnywhere = OPEN_SOURCES.has((rule.sourceAddressPrefix ?? '').toLowerCase());
    if (rule.direction !== 'Inbound' || rule.access !== 'Allow' || !coversRdp || !fromAnywhere || !rule.name) continue;
    const { sourceAddressPrefix: _open, ...rest } = rule;
    await driver.untilDone(
      'restrict the NSG rule',
      driver.network(nsgId).securityRules.createOrUpdate(
        nsgRef.resourceGroup,
        nsgRef.name,
        rule.name,
        { ...rest, sourceAddressPrefixes: [...cidrs] },
        {
          updateIntervalInMs: 1,
        },
      ),
    );
    changed = true;
  }
  return changed;
}

/** Every inbound Allow rule of the NIC's NSG that admits `from` admits `to` as well. */
async function admitPort(driver: ArmDriver, nicId: string | undefined, from: number, to: number): Promise<void> {
  const found = await nicNsg(driver, nicId);
  if (!found) return;
  const { nsgId, nsgRef, nsg } = found;
  for (const rule of nsg.securityRules ?? []) {
    const ports = [rule.destinationPortRange, ...(rule.destinationPortRanges ?? [])].filter((p): p is string => !!p);
    if (rule.direction !== 'Inbound' || rule.access !== 'Allow' || !rule.name) continue;
    if (!ports.some((p) => p === String(from) || coversPort(p, from)) || ports.includes('*')) continue;
    const { destinationPortRange: _single, ...rest } = rule;
    await driver.untilDone(
      'open the new RDP port in the NSG',
      driver.network(nsgId).securityRules.createOrUpdate(
        nsgRef.resourceGroup,
        nsgRef.name,
        rule.name,
        { ...rest, destinationPortRanges: [...ports, String(to)] },
        {
          updateIntervalInMs: 1,
        },
      ),
    );
  }
}

function coversPort(range: string, port: number): boolean {
  const [low, high] = range.split('-').map(Number);
  return low !== undefined && high !== undefined && low <= port && port <= high;
}
