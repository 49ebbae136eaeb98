import {
  formatTypedResourceId,
  parseResourceId,
  parseVmResourceId,
  ResourceIdError,
  ResourceTypes,
  sameResourceId,
} from '../../src/azure/resourceId';

const SUB = '6f0c2e8a-1b7d-4c3e-9a5f-2d8e7b6c4a10';
const VM = `/subscriptions/${SUB}/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/web01`;

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ResourceIdError) return err.problem;
    throw err;
  }
  throw new Error('expected a ResourceIdError');
}

describe('parseVmResourceId', () => {
  test('accepts a VM id in any case of the type and keywords', () => {
    expect(parseVmResourceId(VM)).toEqual({ subscriptionId: SUB, resourceGroup: 'rg-prod', name: 'web01' });
    const shouty = `/SUBSCRIPTIONS/${SUB.toUpperCase()}/RESOURCEGROUPS/RG-PROD/PROVIDERS/MICROSOFT.COMPUTE/VIRTUALMACHINES/WEB01`;
    expect(parseVmResourceId(shouty)).toEqual({ subscriptionId: SUB.toUpperCase(), resourceGroup: 'RG-PROD', name: 'WEB01' });
    expect(parseVmResourceId(`  ${VM}  `).name).toBe('web01');
  });

  test.each([
    ['', 'empty'],
    ['subscriptions/x', 'notAbsolute'],
    [`/subscriptions/${SUB}//resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`, 'emptySegment'],
    [`${VM}/`, 'emptySegment'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/../disks/d`, 'dotSegment'],
    [`/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm`, 'badSubscription'],
    [`/subscriptions/${SUB}/providers/Microsoft.Compute/virtualMachines/vm`, 'missingResourceGroup'],
    [`/subscriptions/${SUB}/resourceGroups/rg.`, 'badResourceGroupName'],
    [`/subscriptions/${SUB}/resourceGroups/rg/virtualMachines/vm`, 'missingProvider'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Compute/virtualMachines/vm`, 'badNamespace'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines`, 'missingName'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d1`, 'wrongType'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/extensions/e`, 'wrongType'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web%2F01`, 'badName'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web 01`, 'badName'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01-`, 'badName'],
    [`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${'a'.repeat(65)}`, 'badName'],
  ])('rejects %j (%s)', (input, problem) => {
    expect(problemOf(() => parseVmResourceId(input))).toBe(problem);
  });

  test('the error says what was expected and what was found', () => {
    expect(() => parseVmResourceId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/disks/d1`)).toThrow(
      /it is a Microsoft\.Compute\/disks id, not a Microsoft\.Compute\/virtualMachines id\. Expected an id of type Microsoft\.Compute\/virtualMachines: \/subscriptions\/\{subscription GUID\}\/resourceGroups\/\{resource group\}\/providers\/Microsoft\.Compute\/virtualMachines\/\{virtualMachine name\}/,
    );
  });

  test('a VM name may be 64 characters with dots and underscores', () => {
    const name = `a${'b._-'.repeat(15)}c_z`.slice(0, 64);
    expect(parseVmResourceId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`).name).toBe(
      name,
    );
  });
});

describe('parseResourceId', () => {
  test('parses nested subnet ids into their segments', () => {
    const id = `/subscriptions/${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/hub/subnets/default`;
    const parsed = parseResourceId(id, ResourceTypes.subnet);
    expect(parsed).toMatchObject({
      subscriptionId: SUB,
      resourceGroup: 'rg-net',
      namespace: 'Microsoft.Network',
      type: 'Microsoft.Network/virtualNetworks/subnets',
      name: 'default',
      segments: [
        { type: 'virtualNetworks', name: 'hub' },
        { type: 'subnets', name: 'default' },
      ],
      id,
    });
  });

  test.each([
    [ResourceTypes.networkInterface, 'networkInterfaces/nic1'],
    [ResourceTypes.networkSecurityGroup, 'networkSecurityGroups/nsg1'],
    [ResourceTypes.publicIPAddress, 'publicIPAddresses/pip1'],
    [ResourceTypes.disk, 'disks/web01_OsDisk_1_0123456789abcdef'],
    [ResourceTypes.snapshot, 'snapshots/web01-pre-repair-20260105'],
    [ResourceTypes.securityRule, 'networkSecurityGroups/nsg1/securityRules/AllowRDP'],
  ])('parses a %s id', (type, tail) => {
    const namespace = type.split('/')[0];
    const id = `/subscriptions/${SUB}/resourceGroups/rg/providers/${namespace}/${tail}`;
    expect(parseResourceId(id, type).type.toLowerCase()).toBe(type.toLowerCase());
  });

  test('without an expected type any provider type parses; a subnet id is not a VNet id', () => {
    const subnet = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`;
    expect(parseResourceId(subnet).type).toBe('Microsoft.Network/virtualNetworks/subnets');
    expect(problemOf(() => parseResourceId(subnet, ResourceTypes.virtualNetwork))).toBe('wrongType');
  });

  test('formatTypedResourceId builds what parseResourceId reads back', () => {
    const id = formatTypedResourceId(ResourceTypes.subnet, SUB, 'rg', 'vnet1', 'snet1');
    expect(id).toBe(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/snet1`);
    expect(parseResourceId(id, ResourceTypes.subnet).name).toBe('snet1');
    expect(() => formatTypedResourceId(ResourceTypes.subnet, SUB, 'rg', 'vnet1')).toThrow(/needs 2 name/);
  });
});

describe('sameResourceId', () => {
  test('compares case-insensitively and ignores a trailing slash', () => {
    expect(sameResourceId(VM, VM.toUpperCase())).toBe(true);
    expect(sameResourceId(VM, `${VM}/`)).toBe(true);
    expect(sameResourceId(VM, VM.replace('web01', 'web02'))).toBe(false);
    expect(sameResourceId(VM, undefined)).toBe(false);
    expect(sameResourceId(undefined, undefined)).toBe(false);
  });
});
