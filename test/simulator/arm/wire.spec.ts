/**
 * The differences found between the simulated ARM and ARM's wire (issue "The simulated ARM speaks ARM's wire as
 * Azure does"), one test each: Retry-After, IPv6 security rules and their error codes, effective NSG associations,
 * error bodies with details, api-versions, snapshot readiness, /32 in effective rules, the Run Command 404.
 */
import { createHttpHeaders, createPipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';
import type { EffectiveNetworkSecurityGroup } from '@azure/arm-network';
import type { ActivityDeps } from '../../../src/activities/deps';
import { getSnapshotState } from '../../../src/activities/getSnapshotState';
import { nsgViewsFromEffective } from '../../../src/activities/networkFactsFromArm';
import { readVm } from '../../../src/activities/readVm';
import { readVmNetwork } from '../../../src/activities/readVmNetwork';
import { startOsDiskSnapshot } from '../../../src/activities/startOsDiskSnapshot';
import { classifyAzureError } from '../../../src/azure/errors';
import { createSimulatedArmClients, SimulatedArm } from '../../../src/simulator/arm';
import { LATENCY_MODEL, RETRY_AFTER } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';
import effectiveExample from '../../fixtures/arm/specs/network/NetworkInterfaceEffectiveNSGList.json';
import { armActivityDeps } from '../../support/armActivityDeps';

let w: StandardWorld;
beforeEach(() => {
  w = standardWorld();
});

const NETWORK_VERSION = '2026-01-01';
const COMPUTE_VERSION = '2026-04-01';
const rgPath = `/subscriptions/${SUB}/resourceGroups/${RG}/providers`;

async function send(method: string, path: string, apiVersion: string, body?: unknown): Promise<{ response: PipelineResponse; json: any }> {
  const url = path.startsWith('https://')
    ? path
    : `https://management.azure.com${path}${path.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  const response = await w.arm.sendRequest(
    createPipelineRequest({
      url,
      method: method as 'GET',
      headers: createHttpHeaders({ authorization: 'Bearer simulated', 'content-type': 'application/json' }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
  return { response, json: response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined };
}

const rule = (properties: Record<string, unknown>) => ({
  properties: {
    protocol: 'Tcp',
    access: 'Allow',
    direction: 'Inbound',
    priority: 350,
    sourcePortRange: '*',
    destinationPortRange: '3389',
    destinationAddressPrefix: '*',
    ...properties,
  },
});
const rulePath = (name: string) => `${rgPath}/Microsoft.Network/networkSecurityGroups/web01-nsg/securityRules/${name}`;

function deps(arm: SimulatedArm): ActivityDeps {
  return armActivityDeps(createSimulatedArmClients(arm), () => arm.clock.now());
}

describe('Retry-After, per resource provider', () => {
  test('network 201 and its in-progress poll carry Retry-After 10', async () => {
    const { response } = await send('PUT', rulePath('ra'), NETWORK_VERSION, rule({ sourceAddressPrefix: '203.0.113.0/24' }));
    expect(response.status).toBe(201);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER.network.ms / 1000));
  });

  test('compute 202 and every in-progress poll of a long operation carry Retry-After', async () => {
    const { response } = await send('POST', `${rgPath}/Microsoft.Compute/virtualMachines/web01/restart`, COMPUTE_VERSION);
    expect(response.status).toBe(202);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER.compute.ms / 1000));
    const poll = await send('GET', response.headers.get('azure-asyncoperation')!, COMPUTE_VERSION);
    expect(poll.json.status).toBe('InProgress');
    expect(poll.response.headers.get('retry-after')).toBe(String(RETRY_AFTER.compute.ms / 1000));
    w.arm.clock.advanceBy(LATENCY_MODEL.vmRestart.ms);
    const done = await send('GET', response.headers.get('azure-asyncoperation')!, COMPUTE_VERSION);
    expect(done.json.status).toBe('Succeeded');
    expect(done.response.headers.get('retry-after')).toBeUndefined();
  });

  test('an injected 429 carries Retry-After by default', async () => {
    w.arm.faults.inject({ operation: 'networkInterfaces.get', status: 429 });
    const { response } = await send('GET', `${rgPath}/Microsoft.Network/networkInterfaces/web01-nic`, NETWORK_VERSION);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe(String(RETRY_AFTER.throttled.ms / 1000));
  });
});

describe('security rules: IPv6 and the provider error codes', () => {
  test('an IPv6 source prefix is accepted, as Azure accepts it', async () => {
    const { response } = await send(
      'PUT',
      rulePath('v6'),
      NETWORK_VERSION,
      rule({ sourceAddressPrefix: '2001:db8::/32', destinationAddressPrefix: '*' }),
    );
    expect(response.status).toBe(201);
    expect(w.arm.world.nsg(w.web01.nicNsg!.id).rules.find((r) => r.name === 'v6')?.sourceAddressPrefix).toBe('2001:db8::/32');
  });

  test('mixing IPv4 and IPv6 is refused with ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies and details []', async () => {
    const { response, json } = await send(
      'PUT',
      rulePath('mixed'),
      NETWORK_VERSION,
      rule({ sourceAddressPrefixes: ['203.0.113.0/24', '2001:db8::/32'] }),
    );
    expect(response.status).toBe(400);
    expect(json.error).toEqual({
      code: 'ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies',
      message: expect.stringContaining(
        `${w.web01.nicNsg!.id}/securityRules/mixed contains IP addresses or prefixes that belong to different address families`,
      ),
      details: [],
    });
  });

  test('a malformed prefix is SecurityRuleInvalidAddressPrefix with details []', async () => {
    const { response, json } = await send('PUT', rulePath('bad'), NETWORK_VERSION, rule({ sourceAddressPrefix: '203.0.113.300/24' }));
    expect(response.status).toBe(400);
    expect(json.error).toMatchObject({ code: 'SecurityRuleInvalidAddressPrefix', details: [] });
    expect(json.error.message).toContain('203.0.113.300/24');
  });
});

describe('effective NSG associations in the documented shape', () => {
  function sharedNsgWorld(): { arm: SimulatedArm; vmId: string; nsgId: string; nicId: string; subnetId: string } {
    const arm = new SimulatedArm();
    const rg = arm.world.addResourceGroup({ subscriptionId: SUB, name: RG, location: 'westeurope' });
    const nsg = arm.world.addNetworkSecurityGroup({
      resourceGroup: rg,
      name: 'shared-nsg',
      rules: [{ name: 'AllowRDP', priority: 300, destinationPortRange: '3389', sourceAddressPrefix: '203.0.113.7' }],
    });
    const vnet = arm.world.addVirtualNetwork({ resourceGroup: rg, name: 'vnet', addressPrefixes: ['10.0.0.0/16'] });
    const subnet = arm.world.addSubnet({ vnet, name: 'default', addressPrefix: '10.0.0.0/24', nsg });
    const nic = arm.world.addNic({ resourceGroup: rg, name: 'nic', subnet, nsg });
    const vm = arm.world.addVm({ resourceGroup: rg, name: 'vm', nics: [nic], powerState: 'running', agentStatus: 'Ready' });
    return { arm, vmId: vm.id, nsgId: nsg.id, nicId: nic.id, subnetId: subnet.id };
  }

  test('one NSG on both the NIC and its subnet is one entry carrying both keys; bare addresses read as /32', async () => {
    const world = sharedNsgWorld();
    const network = createSimulatedArmClients(world.arm).network(SUB);
    const result = await network.networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'nic', { updateIntervalInMs: 1 });
    expect(result.value).toHaveLength(1);
    expect(result.value![0]!.association).toMatchObject({ networkInterface: { id: world.nicId }, subnet: { id: world.subnetId } });
    const allow = result.value![0]!.effectiveSecurityRules!.find((r) => r.name === 'securityRules/AllowRDP');
    expect(allow?.sourceAddressPrefix).toBe('203.0.113.7/32');
  });

  test('the product derives each level from the NSG id: a shared NSG applies at both levels', async () => {
    const world = sharedNsgWorld();
    const d = deps(world.arm);
    const read = await readVm({ vmResourceId: world.vmId }, d);
    if (!read.ok || !read.value.found) throw new Error('vm not read');
    const network = await readVmNetwork({ vm: read.value.facts }, d);
    if (!network.ok) throw new Error(network.failure.message);
    expect(network.value.fromEffectiveRules).toBe(true);
    expect(network.value.nsgs.map((n) => [n.level, n.nsgId, n.attachedTo])).toEqual([
      ['subnet', world.nsgId, world.subnetId],
      ['nic', world.nsgId, world.nicId],
    ]);
  });

  test('the spec example (one entry, three keys) is labelled by its NSG id, not by the presence of `subnet`', () => {
    const group = effectiveExample.example.responses['200'].body.value[0] as EffectiveNetworkSecurityGroup;
    const nicId = group.association!.networkInterface!.id!;
    const subnetId = group.association!.subnet!.id!;
    const views = nsgViewsFromEffective(group, { nicId, nicNsgId: group.networkSecurityGroup!.id!, subnetId, subnetNsgId: null });
    expect(views.map((v) => [v.level, v.attachedTo])).toEqual([['nic', nicId]]);
  });
});

describe('error bodies with details, as each resource provider sends them', () => {
  test('compute throttling nests TooManyRequests; the product sees the inner code and the Retry-After', async () => {
    w.arm.faults.inject({ operation: 'virtualMachines.get', status: 429, times: 1 });
    const clients = createSimulatedArmClients(w.arm, { retryOptions: { maxRetries: 0 } });
    const err = await clients
      .compute(SUB)
      .virtualMachines.get(RG, 'web01')
      .catch((e: unknown) => e);
    const classified = classifyAzureError(err, 'read VM');
    expect(classified).toMatchObject({ statusCode: 429, code: 'OperationNotAllowed', kind: 'transient' });
    expect(classified.details).toMatchObject({ innerCodes: ['TooManyRequests'], retryAfterMs: RETRY_AFTER.throttled.ms });
  });

  test("a network provider 404 carries details []; ARM's own lookups do not", async () => {
    const child = await send('GET', rulePath('missing'), NETWORK_VERSION);
    expect(child.response.status).toBe(404);
    expect(child.json.error).toMatchObject({ code: 'NotFound', details: [] });
    const top = await send('GET', `${rgPath}/Microsoft.Network/networkSecurityGroups/missing`, NETWORK_VERSION);
    expect(top.json.error.code).toBe('ResourceNotFound');
    expect(top.json.error.details).toBeUndefined();
  });
});

test("an api-version the operation's spec does not list is refused as ARM refuses it", async () => {
  const { response, json } = await send('GET', `${rgPath}/Microsoft.Compute/virtualMachines/web01`, '2099-01-01');
  expect(response.status).toBe(400);
  expect(json.error.code).toBe('NoRegisteredProviderFound');
  expect(json.error.message).toContain(`The supported api-versions are '${COMPUTE_VERSION}'`);
  const ok = await send('GET', `${rgPath}/Microsoft.Compute/virtualMachines/web01`, COMPUTE_VERSION);
  expect(ok.response.status).toBe(200);
});

test('a snapshot of a Premium SSD OS disk is usable once its operation succeeds, well before any background copy', async () => {
  const d = deps(w.arm);
  const vmId = w.web01.vm.id;
  const started = await startOsDiskSnapshot(
    { repairId: 'r1', vmId, osDiskId: w.web01.vm.osDiskId!, location: 'westeurope', zone: '1', snapshotName: 'web01-ready' },
    d,
  );
  if (!started.ok) throw new Error(started.failure.message);
  w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
  const state = await getSnapshotState({ snapshotId: started.value.snapshotId }, d);
  expect(state).toEqual({
    ok: true,
    value: { snapshotId: started.value.snapshotId, provisioningState: 'Succeeded', completionPercent: null },
  });
  expect(LATENCY_MODEL.snapshotCreate.ms).toBeLessThan(LATENCY_MODEL.incrementalSnapshot127GiB.ms / 4);
});

test('the Run Command 404 names the resource path as ARM does', async () => {
  const { response, json } = await send('GET', `${rgPath}/Microsoft.Compute/virtualMachines/web01/runCommands/missing`, COMPUTE_VERSION);
  expect(response.status).toBe(404);
  expect(json.error.message).toContain(
    `The Resource 'Microsoft.Compute/virtualMachines/web01/runCommands/missing' under resource group '${RG}' was not found.`,
  );
});

test('the product matches a rule read back as /32 in the effective rules with its bare address in the rule resource', async () => {
  const { restrictNsgRule } = await import('../../../src/activities/restrictNsgRule');
  await send('PUT', rulePath('AllowRDP'), NETWORK_VERSION, rule({ priority: 300, sourceAddressPrefixes: ['Internet', '203.0.113.9'] }));
  const network = createSimulatedArmClients(w.arm).network(SUB);
  const effective = await network.networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic', { updateIntervalInMs: 1 });
  const seen = effective.value!.flatMap((g) => g.effectiveSecurityRules ?? []).find((r) => r.name === 'securityRules/AllowRDP')!;
  expect(seen.sourceAddressPrefixes).toEqual(['Internet', '203.0.113.9/32']);
  const result = await restrictNsgRule(
    {
      repairId: 'r1',
      nsgId: w.web01.nicNsg!.id,
      ruleName: 'AllowRDP',
      expectedSourcePrefixes: seen.sourceAddressPrefixes!,
      newSourcePrefixes: ['198.51.100.0/24'],
    },
    deps(w.arm),
  );
  expect(result).toMatchObject({ ok: true, value: { wrote: true } });
});
