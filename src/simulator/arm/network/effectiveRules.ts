/**
 * SIMULATED: the answer of POST networkInterfaces/{nic}/effectiveNetworkSecurityGroups: one entry per NSG that
 * applies to the NIC (the NIC's own, then its subnet's), each with its rules in the normalised "effective" form
 * Azure reports: names prefixed `securityRules/` or `defaultSecurityRules/`, protocol `All` for `*`, port `*` as
 * `0-65535` and single ports as `3389-3389`, address `*` as `0.0.0.0/0`, service tags expanded.
 */
import { defaultSecurityRules } from '../world/defaultSecurityRules';
import { values } from '../world/securityRules';
import type { NetworkInterfaceState, NetworkSecurityGroupState, SecurityRuleState } from '../world/types';
import type { World } from '../world/world';
import { expandServiceTag, isServiceTag } from './serviceTags';

export function effectiveNetworkSecurityGroups(world: World, nic: NetworkInterfaceState): { value: unknown[] } {
  const subnet = world.store.subnets.get(nic.subnetId);
  const vnet = subnet ? world.store.virtualNetworks.get(subnet.vnetId) : undefined;
  const vnetPrefixes = vnet?.addressPrefixes ?? [];
  const entries: unknown[] = [];

  const nicNsg = world.store.networkSecurityGroups.get(nic.nsgId);
  if (nicNsg) entries.push(entry(nicNsg, { networkInterface: { id: nic.id } }, vnetPrefixes));
  const subnetNsg = world.store.networkSecurityGroups.get(subnet?.nsgId);
  if (subnetNsg && subnet) entries.push(entry(subnetNsg, { subnet: { id: subnet.id } }, vnetPrefixes));

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

function effectiveRule(
  rule: SecurityRuleState,
  collection: string,
  vnetPrefixes: string[],
  tags: Map<string, string[]>,
): EffectiveRule {
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
  return value === '*' ? '0.0.0.0/0' : value;
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
