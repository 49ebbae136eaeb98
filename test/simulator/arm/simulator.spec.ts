/**
 * The simulated ARM through the REAL SDK clients (ComputeManagementClient, NetworkManagementClient): shapes,
 * power transitions and snapshot progress on the virtual clock, effective NSGs, rule writes, OS disk swap rules,
 * and ARM's 404 forms.
 */

import { RestError } from '@azure/core-rest-pipeline';
import { awaitShortLro } from '../../../src/azure/lro';
import { AzureOperationError, classifyAzureError } from '../../../src/azure/errors';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import type { ArmChange } from '../../../src/simulator/arm';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';

let w: StandardWorld;
beforeEach(() => {
  w = standardWorld();
});

const compute = () => w.clients.compute(SUB);
const network = () => w.clients.network(SUB);
const fast = { updateIntervalInMs: 1 };

async function rejection(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof RestError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

function powerCode(vm: { instanceView?: { statuses?: Array<{ code?: string }> } }): string | undefined {
  return vm.instanceView?.statuses?.find((s) => s.code?.startsWith('PowerState/'))?.code;
}

describe('virtual machines', () => {
  test('get with $expand=instanceView returns the VM with power state, agent status, zone, disk and NIC', async () => {
    const vm = await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
    expect(vm.id).toBe(w.web01.vm.id);
    expect(vm.type).toBe('Microsoft.Compute/virtualMachines');
    expect(vm.zones).toEqual(['1']);
    expect(vm.tags).toEqual({ owner: 'ops' });
    expect(vm.storageProfile?.osDisk?.osType).toBe('Windows');
    expect(vm.storageProfile?.osDisk?.managedDisk?.id).toBe(w.web01.vm.osDiskId);
    expect(vm.networkProfile?.networkInterfaces?.[0]?.id).toBe(w.web01.nic.id);
    expect(vm.instanceView?.hyperVGeneration).toBe('V2');
    expect(vm.instanceView?.statuses?.map((s) => s.code)).toEqual(['ProvisioningState/succeeded', 'PowerState/running']);
    expect(vm.instanceView?.vmAgent?.statuses?.[0]).toMatchObject({ code: 'ProvisioningState/succeeded', displayStatus: 'Ready' });
  });

  test('without $expand there is no instance view; the instanceView endpoint returns it alone', async () => {
    const vm = await compute().virtualMachines.get(RG, 'web01');
    expect(vm.instanceView).toBeUndefined();
    const view = await compute().virtualMachines.instanceView(RG, 'app02');
    expect(view.statuses?.map((s) => s.code)).toContain('PowerState/deallocated');
    expect(view.vmAgent).toBeUndefined(); // no guest to ask while deallocated
    expect(view.hyperVGeneration).toBe('V1');
  });

  test('an unmanaged OS disk shows a VHD uri and no managed disk', async () => {
    const vm = await compute().virtualMachines.get(RG, 'legacy03');
    expect(vm.storageProfile?.osDisk?.managedDisk).toBeUndefined();
    expect(vm.storageProfile?.osDisk?.vhd?.uri).toMatch(/^https:\/\/.+\.blob\.core\.windows\.net\/vhds\/.+\.vhd$/);
  });

  test('list in resource group returns every VM', async () => {
    const names: string[] = [];
    for await (const vm of compute().virtualMachines.list(RG)) names.push(vm.name!);
    expect(names.sort()).toEqual(['app02', 'legacy03', 'web01']);
  });

  test('restart: starting until the virtual clock passes its duration, then running, agent Ready after boot', async () => {
    const changes: ArmChange[] = [];
    w.arm.onChange((c) => changes.push(c));
    const poller = compute().virtualMachines.restart(RG, 'web01', fast);
    await poller.submitted(); // the initial 202 only
    expect(poller.isDone).toBe(false);

    let vm = await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
    expect(powerCode(vm)).toBe('PowerState/starting');
    expect(vm.instanceView?.statuses?.[0]?.code).toBe('ProvisioningState/updating');

    // Long operations do not complete by being polled: only virtual time finishes them.
    for (let i = 0; i < 3; i++) await poller.poll();
    expect(poller.isDone).toBe(false);
    w.arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms - 1);
    await poller.poll();
    expect(poller.isDone).toBe(false);

    w.arm.clock.advanceBy(1);
    await poller.pollUntilDone();
    vm = await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
    expect(powerCode(vm)).toBe('PowerState/running');
    expect(vm.instanceView?.vmAgent?.statuses?.[0]?.displayStatus).toBe('Not Ready'); // still booting

    w.arm.clock.advanceBy(LATENCY_MODEL.agentReadyAfterBoot.ms);
    vm = await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
    expect(vm.instanceView?.vmAgent?.statuses?.[0]?.displayStatus).toBe('Ready');

    const power = changes.filter((c) => c.kind === 'powerState').map((c) => c.kind === 'powerState' && `${c.from}->${c.to}`);
    expect(power).toEqual(['running->starting', 'starting->running']);
    const agent = changes.filter((c) => c.kind === 'agentStatus').map((c) => c.kind === 'agentStatus' && c.to);
    expect(agent).toEqual(['NotReady', 'Ready']);
  });

  test('deallocate then start follow the clock; a broken agent stays Not Ready after boot', async () => {
    w.arm.world.setAgentHealth(w.web01.vm.id, 'NotReady');
    const deallocate = compute().virtualMachines.deallocate(RG, 'web01', fast);
    await deallocate.submitted();
    expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('deallocating');
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    // Any request sees the finished operation, whether or not anyone polled it.
    expect(powerCode(await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' }))).toBe('PowerState/deallocated');
    await deallocate.pollUntilDone();
    expect(w.arm.world.vm(w.web01.vm.id)).toMatchObject({ powerState: 'deallocated', agentStatus: undefined });

    const start = compute().virtualMachines.start(RG, 'web01', fast);
    await start.submitted();
    expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('starting');
    w.arm.clock.advanceBy(LATENCY_MODEL.vmStart.ms + LATENCY_MODEL.agentReadyAfterBoot.ms);
    await start.pollUntilDone();
    const vm = await compute().virtualMachines.get(RG, 'web01', { expand: 'instanceView' });
    expect(powerCode(vm)).toBe('PowerState/running');
    expect(vm.instanceView?.vmAgent?.statuses?.[0]).toMatchObject({ code: 'ProvisioningState/Unavailable', displayStatus: 'Not Ready' });
  });

  test('powerOff stops without deallocating; starting a running VM completes at once', async () => {
    await compute().virtualMachines.start(RG, 'web01', fast); // no-op: already running
    const off = compute().virtualMachines.powerOff(RG, 'web01', fast);
    await off.submitted();
    expect(w.arm.world.vm(w.web01.vm.id).powerState).toBe('stopping');
    w.arm.clock.advanceBy(LATENCY_MODEL.vmPowerOff.ms);
    await off.pollUntilDone();
    expect(w.arm.world.vm(w.web01.vm.id)).toMatchObject({ powerState: 'stopped', agentStatus: 'NotReady' });
  });

  test('restart of a deallocated VM is refused with 409 OperationNotAllowed (permanent)', async () => {
    const err = await rejection(compute().virtualMachines.restart(RG, 'app02', fast).submitted());
    expect(err.statusCode).toBe(409);
    expect(err.code).toBe('OperationNotAllowed');
    const classified = classifyAzureError(err, 'restart VM', w.app02.vm.id);
    expect(classified.kind).toBe('permanent');
    expect(classified.message).toContain('requires the VM to be running');
  });

  test('a second action while one runs gets a transient 409', async () => {
    await compute().virtualMachines.restart(RG, 'web01', fast).submitted();
    const err = await rejection(compute().virtualMachines.deallocate(RG, 'web01', fast).submitted());
    expect(err.statusCode).toBe(409);
    expect(classifyAzureError(err, 'deallocate VM').kind).toBe('transient');
  });
});

describe('snapshots', () => {
  const snapshotBody = () => ({
    location: 'westeurope',
    incremental: true,
    creationData: { createOption: 'Copy' as const, sourceResourceId: w.web01.vm.osDiskId! },
    tags: { 'rdp-autorepair': 'pre-repair' },
  });

  test('the initial response returns before completion; a Premium SSD snapshot is usable once its operation succeeds', async () => {
    const poller = compute().snapshots.createOrUpdate(RG, 'web01-pre-repair', snapshotBody(), fast);
    await poller.submitted();
    expect(poller.isDone).toBe(false);

    // A Premium SSD OS disk: usable as soon as the operation succeeds, no completionPercent (Microsoft docs).
    let snapshot = await compute().snapshots.get(RG, 'web01-pre-repair');
    expect(snapshot).toMatchObject({
      provisioningState: 'Creating',
      incremental: true,
      creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId },
      tags: { 'rdp-autorepair': 'pre-repair' },
      diskSizeGB: 127,
      osType: 'Windows',
      hyperVGeneration: 'V2',
    });
    expect(snapshot.completionPercent).toBeUndefined();

    w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
    snapshot = await compute().snapshots.get(RG, 'web01-pre-repair');
    expect(snapshot.provisioningState).toBe('Succeeded');
    expect(snapshot.completionPercent).toBeUndefined();
    const done = await poller.pollUntilDone();
    expect(done).toMatchObject({ provisioningState: 'Succeeded' });
    expect(w.arm.world.snapshots()).toEqual([expect.objectContaining({ name: 'web01-pre-repair', completionPercent: 100 })]);

    const listed: string[] = [];
    for await (const s of compute().snapshots.listByResourceGroup(RG)) listed.push(s.name!);
    expect(listed).toEqual(['web01-pre-repair']);
  });

  test('a Premium SSD v2 data disk snapshot reports its background copy (completionPercent, snapshotAccessState)', async () => {
    const data = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'web01-data-v2', sku: 'PremiumV2_LRS', sizeGb: 127, zone: '1' });
    await compute()
      .snapshots.createOrUpdate(
        RG,
        'data-snap',
        { location: 'westeurope', incremental: true, creationData: { createOption: 'Copy', sourceResourceId: data.id } },
        fast,
      )
      .submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
    let snapshot = await compute().snapshots.get(RG, 'data-snap');
    expect(snapshot).toMatchObject({ provisioningState: 'Succeeded', snapshotAccessState: 'Pending' });
    expect(snapshot.completionPercent).toBeLessThan(100);
    w.arm.clock.advanceBy(LATENCY_MODEL.incrementalSnapshot127GiB.ms / 2 - LATENCY_MODEL.snapshotCreate.ms);
    expect((await compute().snapshots.get(RG, 'data-snap')).completionPercent).toBe(50);
    w.arm.clock.advanceBy(LATENCY_MODEL.incrementalSnapshot127GiB.ms / 2);
    snapshot = await compute().snapshots.get(RG, 'data-snap');
    expect(snapshot).toMatchObject({ provisioningState: 'Succeeded', completionPercent: 100, snapshotAccessState: 'Available' });
  });

  test('re-running the same PUT is idempotent; a different source is refused', async () => {
    await compute().snapshots.createOrUpdate(RG, 'snap', snapshotBody(), fast).submitted();
    await compute().snapshots.createOrUpdate(RG, 'snap', snapshotBody(), fast).submitted();
    expect(w.arm.world.snapshots()).toHaveLength(1);
    const other = { ...snapshotBody(), creationData: { createOption: 'Copy' as const, sourceResourceId: w.app02.vm.osDiskId! } };
    const err = await rejection(compute().snapshots.createOrUpdate(RG, 'snap', other, fast).submitted());
    expect(err.code).toBe('PropertyChangeNotAllowed');
  });
});

describe('effective network security groups', () => {
  test('running VM: NIC and subnet NSGs with normalised effective rules and expanded service tags', async () => {
    const result = await network().networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic', fast);
    const groups = result.value ?? [];
    expect(groups.map((g) => g.networkSecurityGroup?.id)).toEqual([w.web01.nicNsg!.id, w.web01.subnetNsg!.id]);
    expect(groups[0]?.association?.networkInterface?.id).toBe(w.web01.nic.id);
    expect(groups[1]?.association?.subnet?.id).toBe(w.web01.subnet.id);

    const nicRules = groups[0]!.effectiveSecurityRules!;
    expect(nicRules.find((r) => r.name === 'securityRules/AllowRDP')).toMatchObject({
      protocol: 'Tcp',
      destinationPortRange: '3389-3389',
      sourceAddressPrefix: '0.0.0.0/0',
      sourcePortRange: '0-65535',
      access: 'Allow',
      priority: 300,
      direction: 'Inbound',
    });
    expect(nicRules.find((r) => r.name === 'defaultSecurityRules/DenyAllInBound')).toMatchObject({
      protocol: 'All',
      access: 'Deny',
      priority: 65500,
    });
    const vnetRule = nicRules.find((r) => r.name === 'defaultSecurityRules/AllowVnetInBound');
    expect(vnetRule?.expandedSourceAddressPrefix).toEqual(['10.0.0.0/16', '168.63.129.16/32']);
    const internet = nicRules.find((r) => r.name === 'defaultSecurityRules/AllowInternetOutBound');
    expect(internet?.expandedDestinationAddressPrefix).toEqual(expect.arrayContaining(['1.0.0.0/8', '11.0.0.0/8']));
    expect(internet?.expandedDestinationAddressPrefix).not.toContain('10.0.0.0/8');
    expect(JSON.parse(groups[0]!.tagMap!)).toHaveProperty('VirtualNetwork');

    expect(groups[1]!.effectiveSecurityRules!.find((r) => r.name === 'securityRules/AllowRdpFromMgmt')?.sourceAddressPrefix).toBe(
      '203.0.113.0/24',
    );
  });

  test('stopped VM: refused with NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups (permanent)', async () => {
    const err = await rejection(network().networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'app02-nic', fast));
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe('NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups');
    expect(err.message).toContain('is not attached to a running virtual machine');
    expect(classifyAzureError(err, 'read effective NSGs').kind).toBe('permanent');
  });
});

describe('short operations completed early by a poll', () => {
  test('owe their remaining virtual time once, for the bench to charge; time spent waiting is not owed', async () => {
    const rule = {
      protocol: 'Tcp',
      sourcePortRange: '*',
      destinationPortRange: '3389',
      sourceAddressPrefix: '203.0.113.0/24',
      destinationAddressPrefix: '*',
      access: 'Allow',
      priority: 300,
      direction: 'Inbound',
    };
    w.arm.takeEarlyCompletionDebtMs();
    const poll = { operation: 'write rule', pollIntervalMs: w.clients.lroPollIntervalMs };
    await awaitShortLro(network().securityRules.createOrUpdate(RG, 'web01-nsg', 'AllowRDP', rule), poll);
    await awaitShortLro(network().securityRules.createOrUpdate(RG, 'web01-nsg', 'Second', { ...rule, priority: 301 }), poll);
    // Two NSG writes awaited one after the other at the same virtual instant: both figures are owed.
    expect(w.arm.takeEarlyCompletionDebtMs()).toBe(2 * LATENCY_MODEL.nsgRuleWrite.ms);
    expect(w.arm.takeEarlyCompletionDebtMs()).toBe(0);
    const poller = network().securityRules.createOrUpdate(RG, 'web01-nsg', 'Third', { ...rule, priority: 302 }, fast);
    await poller.submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.nsgRuleWrite.ms - 3_000);
    await poller.pollUntilDone();
    expect(w.arm.takeEarlyCompletionDebtMs()).toBe(3_000);
  });
});

describe('security rules', () => {
  test('an update is visible in the NSG, in effective rules and as a change; short writes complete when polled', async () => {
    const changes: ArmChange[] = [];
    w.arm.onChange((c) => changes.push(c));
    const start = w.arm.clock.nowMs();
    const rule = await awaitShortLro(
      network().securityRules.createOrUpdate(RG, 'web01-nsg', 'AllowRDP', {
        protocol: 'Tcp',
        sourcePortRange: '*',
        destinationPortRange: '3389',
        sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7/32'],
        destinationAddressPrefix: '*',
        access: 'Allow',
        priority: 300,
        direction: 'Inbound',
      }),
      { operation: 'restrict RDP rule', pollIntervalMs: w.clients.lroPollIntervalMs },
    );
    expect(w.arm.clock.nowMs()).toBe(start); // no virtual time needed
    expect(rule).toMatchObject({
      name: 'AllowRDP',
      provisioningState: 'Succeeded',
      sourceAddressPrefixes: ['203.0.113.0/24', '198.51.100.7/32'],
    });
    expect(rule.sourceAddressPrefix).toBeUndefined();

    const nsg = await network().networkSecurityGroups.get(RG, 'web01-nsg');
    expect(nsg.securityRules?.find((r) => r.name === 'AllowRDP')?.sourceAddressPrefixes).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    expect(nsg.defaultSecurityRules?.map((r) => [r.name, r.priority])).toEqual([
      ['AllowVnetInBound', 65000],
      ['AllowAzureLoadBalancerInBound', 65001],
      ['DenyAllInBound', 65500],
      ['AllowVnetOutBound', 65000],
      ['AllowInternetOutBound', 65001],
      ['DenyAllOutBound', 65500],
    ]);
    expect(nsg.networkInterfaces?.map((n) => n.id)).toEqual([w.web01.nic.id]);

    const effective = await network().networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic', fast);
    expect(effective.value?.[0]?.effectiveSecurityRules?.find((r) => r.name === 'securityRules/AllowRDP')?.sourceAddressPrefixes).toEqual([
      '203.0.113.0/24',
      '198.51.100.7/32',
    ]);

    const change = changes.find((c) => c.kind === 'securityRule');
    expect(change).toMatchObject({ action: 'updated', ruleName: 'AllowRDP', before: { sourceAddressPrefix: '*' } });
  });

  test('delete, get of a missing rule, and the resource provider validation errors', async () => {
    await network().securityRules.delete(RG, 'web01-nsg', 'AllowRDP', fast);
    const missing = await rejection(network().securityRules.get(RG, 'web01-nsg', 'AllowRDP'));
    expect([missing.statusCode, missing.code]).toEqual([404, 'NotFound']);
    await network().securityRules.delete(RG, 'web01-nsg', 'AllowRDP', fast); // deleting again: 204, no error

    const base = {
      protocol: 'Tcp' as const,
      sourcePortRange: '*',
      destinationPortRange: '3389',
      sourceAddressPrefix: '10.0.0.0/8',
      destinationAddressPrefix: '*',
      access: 'Deny' as const,
      direction: 'Inbound' as const,
    };
    const badPriority = await rejection(
      network()
        .securityRules.createOrUpdate(RG, 'web01-nsg', 'x', { ...base, priority: 5000 }, fast)
        .submitted(),
    );
    expect([badPriority.statusCode, badPriority.code]).toEqual([400, 'SecurityRuleInvalidPriority']);
    await network().securityRules.createOrUpdate(RG, 'web01-nsg', 'first', { ...base, priority: 400 }, fast);
    const clash = await rejection(
      network()
        .securityRules.createOrUpdate(RG, 'web01-nsg', 'second', { ...base, priority: 400 }, fast)
        .submitted(),
    );
    expect(clash.code).toBe('SecurityRuleConflict');
    const badPort = await rejection(
      network()
        .securityRules.createOrUpdate(RG, 'web01-nsg', 'third', { ...base, priority: 401, destinationPortRange: '70000' }, fast)
        .submitted(),
    );
    expect(badPort.code).toBe('SecurityRuleInvalidPortRange');
  });
});

describe('OS disk swap', () => {
  async function diskFromSnapshot(name: string, zone?: string): Promise<string> {
    await compute()
      .snapshots.createOrUpdate(
        RG,
        `${name}-snap`,
        {
          location: 'westeurope',
          incremental: true,
          creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId! },
        },
        fast,
      )
      .submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.incrementalSnapshot127GiB.ms);
    const poller = compute().disks.createOrUpdate(
      RG,
      name,
      {
        location: 'westeurope',
        ...(zone ? { zones: [zone] } : {}),
        sku: { name: 'Premium_LRS' },
        creationData: { createOption: 'Copy', sourceResourceId: `${w.web01.vm.osDiskId!.replace(/disks\/.*/, 'snapshots/')}${name}-snap` },
      },
      fast,
    );
    await poller.submitted();
    expect((await compute().disks.get(RG, name)).provisioningState).toBe('Updating');
    w.arm.clock.advanceBy(LATENCY_MODEL.diskCopyFromSnapshot.ms);
    const disk = await poller.pollUntilDone();
    expect(disk).toMatchObject({ provisioningState: 'Succeeded', diskState: 'Unattached', osType: 'Windows', hyperVGeneration: 'V2' });
    return disk.id!;
  }

  const swap = (diskId: string) =>
    compute().virtualMachines.update(
      RG,
      'web01',
      { storageProfile: { osDisk: { createOption: 'FromImage', managedDisk: { id: diskId } } } },
      fast,
    );

  test('refused while the VM runs, allowed once deallocated; the old disk is released', async () => {
    const repaired = await diskFromSnapshot('web01-repaired', '1');
    const refused = await rejection(swap(repaired).submitted());
    expect([refused.statusCode, refused.code]).toEqual([409, 'OperationNotAllowed']);
    expect(refused.message).toContain('Stop (deallocate) the VM');
    expect(classifyAzureError(refused, 'swap OS disk').kind).toBe('permanent');
    expect(w.arm.world.vm(w.web01.vm.id).osDiskId).toBe(w.web01.vm.osDiskId);

    const deallocate = compute().virtualMachines.deallocate(RG, 'web01', fast);
    await deallocate.submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    await deallocate.pollUntilDone();
    expect((await compute().disks.get(RG, w.web01.vm.osDiskId!.split('/').pop()!)).diskState).toBe('Reserved');

    const updated = await awaitShortLro(swap(repaired), { operation: 'swap OS disk', pollIntervalMs: 1 });
    expect(updated.storageProfile?.osDisk?.managedDisk?.id).toBe(repaired);
    expect(updated.provisioningState).toBe('Succeeded');
    expect(w.arm.world.disk(w.web01.vm.osDiskId!).managedBy).toBeUndefined();
    expect(w.arm.world.disk(repaired).managedBy).toBe(w.web01.vm.id);
  });

  test('a disk in another zone, or createOption Attach on a FromImage VM, is refused', async () => {
    const elsewhere = await diskFromSnapshot('web01-zone2', '2');
    const deallocate = compute().virtualMachines.deallocate(RG, 'web01', fast);
    await deallocate.submitted();
    w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
    await deallocate.pollUntilDone();
    const zone = await rejection(swap(elsewhere).submitted());
    expect([zone.statusCode, zone.code]).toEqual([400, 'InvalidParameter']);
    const attach = await rejection(
      compute()
        .virtualMachines.update(
          RG,
          'web01',
          { storageProfile: { osDisk: { createOption: 'Attach', managedDisk: { id: elsewhere } } } },
          fast,
        )
        .submitted(),
    );
    expect(attach.code).toBe('PropertyChangeNotAllowed');
  });
});

describe('ARM error shapes', () => {
  test('missing VM: 404 ResourceNotFound in ARM message form, classified permanent', async () => {
    const err = await rejection(compute().virtualMachines.get(RG, 'ghost'));
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe('ResourceNotFound');
    expect(err.message).toBe(
      "The Resource 'Microsoft.Compute/virtualMachines/ghost' under resource group 'rg-rdp-prod' was not found. " +
        'For more details please go to https://aka.ms/ARMResourceNotFoundFix',
    );
    const classified = classifyAzureError(
      err,
      'read VM',
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/ghost`,
    );
    expect(classified).toBeInstanceOf(AzureOperationError);
    expect(classified).toMatchObject({ kind: 'permanent', code: 'ResourceNotFound', statusCode: 404 });
  });

  test('missing resource group and subscription', async () => {
    const rg = await rejection(compute().virtualMachines.get('rg-nope', 'web01'));
    expect([rg.statusCode, rg.code, rg.message]).toEqual([404, 'ResourceGroupNotFound', "Resource group 'rg-nope' could not be found."]);
    const sub = await rejection(w.clients.compute('00000000-0000-0000-0000-000000000001').virtualMachines.get(RG, 'web01'));
    expect([sub.statusCode, sub.code]).toEqual([404, 'SubscriptionNotFound']);
  });

  test('an operation the simulator does not implement: 404 InvalidResourceType saying so', async () => {
    const err = await rejection(compute().availabilitySets.get(RG, 'as1'));
    expect([err.statusCode, err.code]).toEqual([404, 'InvalidResourceType']);
    expect(err.message).toContain("The resource type 'availabilitySets' could not be found in the namespace 'Microsoft.Compute'");
    expect(err.message).toContain('SIMULATED ARM does not implement');
    expect(w.arm.requests({ operation: 'unknown' })).toHaveLength(1);
  });
});
