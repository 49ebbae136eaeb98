/**
 * SIMULATED: Microsoft.Network resources in ARM's wire shape (as in the azure-rest-api-specs examples
 * NetworkInterfaceGet, NetworkSecurityGroupGet, SecurityRuleGet, SubnetGet, VirtualNetworkGet, PublicIpAddressGet).
 */
import { defaultSecurityRules } from '../world/defaultSecurityRules';
import type { World } from '../world/world';
import { sameId } from '../world/world';
import type {
  NetworkInterfaceState,
  NetworkSecurityGroupState,
  PublicIpState,
  SecurityRuleState,
  SubnetState,
  VirtualNetworkState,
} from '../world/types';

export function renderSecurityRule(
  nsgId: string,
  rule: SecurityRuleState,
  collection: 'securityRules' | 'defaultSecurityRules' = 'securityRules',
): Record<string, unknown> {
  return {
    name: rule.name,
    id: `${nsgId}/${collection}/${rule.name}`,
    etag: rule.etag,
    type: `Microsoft.Network/networkSecurityGroups/${collection}`,
    properties: {
      provisioningState: rule.provisioningState,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      protocol: rule.protocol,
      ...(rule.sourcePortRange !== undefined ? { sourcePortRange: rule.sourcePortRange } : {}),
      ...(rule.destinationPortRange !== undefined ? { destinationPortRange: rule.destinationPortRange } : {}),
      ...(rule.sourceAddressPrefix !== undefined ? { sourceAddressPrefix: rule.sourceAddressPrefix } : {}),
      ...(rule.destinationAddressPrefix !== undefined ? { destinationAddressPrefix: rule.destinationAddressPrefix } : {}),
      access: rule.access,
      priority: rule.priority,
      direction: rule.direction,
      sourcePortRanges: [...rule.sourcePortRanges],
      destinationPortRanges: [...rule.destinationPortRanges],
      sourceAddressPrefixes: [...rule.sourceAddressPrefixes],
      destinationAddressPrefixes: [...rule.destinationAddressPrefixes],
    },
  };
}

export function renderNetworkSecurityGroup(world: World, nsg: NetworkSecurityGroupState): Record<string, unknown> {
  const nics = world.store.networkInterfaces.values().filter((n) => sameId(n.nsgId, nsg.id));
  const subnets = world.store.subnets.values().filter((s) => sameId(s.nsgId, nsg.id));
  const anyUpdating = nsg.rules.some((r) => r.provisioningState !== 'Succeeded');
  return {
    name: nsg.name,
    id: nsg.id,
    etag: nsg.etag,
    type: 'Microsoft.Network/networkSecurityGroups',
    location: nsg.location,
    tags: { ...nsg.tags },
    properties: {
      provisioningState: anyUpdating ? 'Updating' : 'Succeeded',
      resourceGuid: nsg.resourceGuid,
      securityRules: nsg.rules.map((r) => renderSecurityRule(nsg.id, r)),
      defaultSecurityRules: defaultSecurityRules(nsg.etag).map((r) => renderSecurityRule(nsg.id, r, 'defaultSecurityRules')),
      ...(nics.length ? { networkInterfaces: nics.map((n) => ({ id: n.id })) } : {}),
      ...(subnets.length ? { subnets: subnets.map((s) => ({ id: s.id })) } : {}),
    },
  };
}

export function renderNetworkInterface(world: World, nic: NetworkInterfaceState): Record<string, unknown> {
  const ipConfigId = `${nic.id}/ipConfigurations/${nic.ipConfigurationName}`;
  const vm = nic.vmId ? world.store.virtualMachines.get(nic.vmId) : undefined;
  return {
    name: nic.name,
    id: nic.id,
    etag: nic.etag,
    type: 'Microsoft.Network/networkInterfaces',
    location: nic.location,
    tags: { ...nic.tags },
    kind: 'Regular',
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: nic.resourceGuid,
      ipConfigurations: [
        {
          name: nic.ipConfigurationName,
          id: ipConfigId,
          etag: nic.etag,
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: {
            provisioningState: 'Succeeded',
            privateIPAddress: nic.privateIpAddress,
            privateIPAllocationMethod: 'Dynamic',
            subnet: { id: nic.subnetId },
            ...(nic.publicIpId ? { publicIPAddress: { id: nic.publicIpId } } : {}),
            primary: true,
            privateIPAddressVersion: 'IPv4',
          },
        },
      ],
      dnsSettings: { dnsServers: [], appliedDnsServers: [], internalDomainNameSuffix: 'simulated.internal.cloudapp.net' },
      ...(vm ? { macAddress: nic.macAddress, virtualMachine: { id: vm.id } } : {}),
      enableAcceleratedNetworking: false,
      vnetEncryptionSupported: false,
      enableIPForwarding: false,
      ...(nic.nsgId ? { networkSecurityGroup: { id: nic.nsgId } } : {}),
      primary: true,
      hostedWorkloads: [],
      tapConfigurations: [],
      nicType: 'Standard',
      allowPort25Out: false,
      auxiliaryMode: 'None',
      auxiliarySku: 'None',
    },
  };
}

export function renderSubnet(world: World, subnet: SubnetState): Record<string, unknown> {
  const ipConfigurations = world.store.networkInterfaces
    .values()
    .filter((n) => sameId(n.subnetId, subnet.id))
    .map((n) => ({ id: `${n.id}/ipConfigurations/${n.ipConfigurationName}` }));
  return {
    name: subnet.name,
    id: subnet.id,
    etag: subnet.etag,
    type: 'Microsoft.Network/virtualNetworks/subnets',
    properties: {
      provisioningState: 'Succeeded',
      addressPrefix: subnet.addressPrefix,
      ...(subnet.nsgId ? { networkSecurityGroup: { id: subnet.nsgId } } : {}),
      ...(ipConfigurations.length ? { ipConfigurations } : {}),
      delegations: [],
      privateEndpointNetworkPolicies: 'Disabled',
      privateLinkServiceNetworkPolicies: 'Enabled',
    },
  };
}

export function renderVirtualNetwork(world: World, vnet: VirtualNetworkState): Record<string, unknown> {
  const subnets = world.store.subnets.values().filter((s) => sameId(s.vnetId, vnet.id));
  return {
    name: vnet.name,
    id: vnet.id,
    etag: vnet.etag,
    type: 'Microsoft.Network/virtualNetworks',
    location: vnet.location,
    tags: { ...vnet.tags },
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: vnet.resourceGuid,
      addressSpace: { addressPrefixes: [...vnet.addressPrefixes] },
      subnets: subnets.map((s) => renderSubnet(world, s)),
      virtualNetworkPeerings: [],
      enableDdosProtection: false,
    },
  };
}

export function renderPublicIp(world: World, pip: PublicIpState): Record<string, unknown> {
  const nic = world.store.networkInterfaces.values().find((n) => sameId(n.publicIpId, pip.id));
  return {
    name: pip.name,
    id: pip.id,
    etag: pip.etag,
    type: 'Microsoft.Network/publicIPAddresses',
    location: pip.location,
    tags: { ...pip.tags },
    ...(pip.zones ? { zones: [...pip.zones] } : {}),
    sku: { name: pip.skuName, tier: 'Regional' },
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: pip.resourceGuid,
      ipAddress: pip.ipAddress,
      publicIPAddressVersion: 'IPv4',
      publicIPAllocationMethod: pip.allocationMethod,
      idleTimeoutInMinutes: 4,
      ipTags: [],
      ...(nic ? { ipConfiguration: { id: `${nic.id}/ipConfigurations/${nic.ipConfigurationName}` } } : {}),
    },
  };
}
