/**
 * SIMULATED: the answer of POST networkInterfaces/{nic}/effectiveNetworkSecurityGroups: one entry per NSG that
 * applies to the NIC (the NIC's own, then its subnet's), each with its rules in the normalised "effective" form
 * Azure reports: names prefixed `securityRules/` or `defaultSecurityRules/`, protocol `All` for `*`, port `*` as
 * `0-65535` and single ports as `3389-3389`, address `*` as `0.0.0.0/0`, a bare address as a host prefix
 * (`1.1.1.1/32`), service tags expanded (azure-rest-api-specs NetworkInterfaceEffectiveNSGList.json).
 *
 * `association` follows the same example, where one entry carries several keys (`networkInterface`, `subnet`,
 * `networkManager`): an NSG associated with both the NIC and its subnet is one entry naming both. How Azure
 * groups entries beyond that example is not documented; a client must not infer the level from which key is
 * present.
 */
import { defaultSecurityRules } from '../world/defaultSecurityRules';
import { addressFamily, values } from '../world/securityRules';
import type { NetworkInterfaceState, NetworkSecurityGroupState, SecurityRuleState } from '../world/types';
import type { World } from '../world/world';
import { expandServiceTag, isServiceTag } from './serviceTags';

export function effectiveNetworkSecurityGroups(world: World, nic: NetworkInterfaceState): { value: unknown[] } {
  const subnet = world.store.subnets.get(nic.subnetId);
  const vnet = subnet ? world.store.virtualNetworks.get(subnet.vnetId) : undefined;
  const vnetPrefixes = vnet?.addressPrefixes ?? [];
  const entries: unknown[] = [];

  const nicNsg = world.store.networkSecurityGroups.get(nic.nsgId);
  const subnetNsg = subnet ? world.store.networkSecurityGroups.get(subnet.nsgId) : undefined;
  const same = nicNsg && subnetNsg && nicNsg.id.toLowerCase() === subnetNsg.id.toLowerCase();
  if (nicNsg) {
    const association = { networkInterface: { id: nic.id }, ...(same && subnet ? { subnet: { id: subnet.id } } : {}) };
    entries.push(entry(nicNsg, association, vnetPrefixes));
  }
  if (subnetNsg && subnet && !same) entries.push(entry(subnetNsg, { subnet: { id: subnet.id } }, vnetPrefixes));

  return { value: entries };
}

function entry(nsg: NetworkSecurityGroupState, association: Record<string, { id: string }>, vnetPrefixes: string[]): unknown {
  const tags = new Map<string, string[]>();
  const rules = [
    ...nsg.rules.map((r) => effectiveRule(r, 'securityRules', vnetPrefixes, tags)),
    ...defaultSecurityRules(nsg.etag).map((r) => effectiveRule(r, 'defaultSecurityRules', vnetPrefixes, tags)),
  ].sort((a, b) => directionOrder(a.direction) - directionOrder(b.direction) || a.priority - b.priority);
  return {
    networkSecurityGroup: { id: nsg.id },
    association,
    effectiveSecurityRules: rules,
    // ARM returns the tag expansions as a JSON-encoded string.
    tagMap: JSON.stringify(Object.fromEntries(tags)),
  };
}

interface EffectiveRule {
  name: string;
  protocol: string;
  sourcePortRange?: string;
  sourcePortRanges: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  expandedSourceAddressPrefix?: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes: string[];
  expandedDestinationAddressPrefix?: string[];
  access: string;
  priority: number;
  direction: string;
}

function effectiveRule(rule: SecurityRuleState, collection: string, vnetPrefixes: string[], tags: Map<string, string[]>): EffectiveRule {
  const sourcePorts = values(rule.sourcePortRange, rule.sourcePortRanges).map(portRange);
  const destinationPorts = values(rule.destinationPortRange, rule.destinationPortRanges).map(portRange);
  const sources = values(rule.sourceAddressPrefix, rule.sourceAddressPrefixes).map(addressPrefix);
  const destinations = values(rule.destinationAddressPrefix, rule.destinationAddressPrefixes).map(addressPrefix);
  const expandedSource = expand(sources, vnetPrefixes, tags);
  const expandedDestination = expand(destinations, vnetPrefixes, tags);
  return {
    name: `${collection}/${rule.name}`,
    protocol: rule.protocol === '*' ? 'All' : rule.protocol,
    ...(sourcePorts.length === 1 ? { sourcePortRange: sourcePorts[0]! } : {}),
    sourcePortRanges: sourcePorts,
    ...(destinationPorts.length === 1 ? { destinationPortRange: destinationPorts[0]! } : {}),
    destinationPortRanges: destinationPorts,
    ...(sources.length === 1 ? { sourceAddressPrefix: sources[0]! } : {}),
    sourceAddressPrefixes: sources,
    ...(expandedSource ? { expandedSourceAddressPrefix: expandedSource } : {}),
    ...(destinations.length === 1 ? { destinationAddressPrefix: destinations[0]! } : {}),
    destinationAddressPrefixes: destinations,
    ...(expandedDestination ? { expandedDestinationAddressPrefix: expandedDestination } : {}),
    access: rule.access,
    priority: rule.priority,
    direction: rule.direction,
  };
}

function portRange(value: string): string {
  if (value === '*') return '0-65535';
  return value.includes('-') ? value : `${value}-${value}`;
}

function addressPrefix(value: string): string {
  if (value === '*') return '0.0.0.0/0';
  const family = addressFamily(value);
  if (value.includes('/') || (family !== 'IPv4' && family !== 'IPv6')) return value;
  return `${value}/${family === 'IPv4' ? 32 : 128}`;
}

function expand(prefixes: string[], vnetPrefixes: string[], tags: Map<string, string[]>): string[] | undefined {
  const expanded: string[] = [];
  for (const prefix of prefixes) {
    if (!isServiceTag(prefix)) continue;
    const list = expandServiceTag(prefix, vnetPrefixes);
    if (!list) continue;
    tags.set(prefix, list);
    expanded.push(...list);
  }
  return expanded.length ? expanded : undefined;
}

function directionOrder(direction: string): number {
  return direction === 'Inbound' ? 0 : 1;
}
