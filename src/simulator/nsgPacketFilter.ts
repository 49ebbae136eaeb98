/**
 * SIMULATED: the simulated network's own answer to "does this inbound TCP connection get through the NSGs?",
 * computed from the simulated ARM state. It is the witness the product's NSG reasoning is tested against, so it
 * shares no code with it (src/orchestration/nsgAssessment.ts must never be called here).
 *
 * Azure's rules, from "Network security groups: how network security groups filter network traffic"
 * (learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works) and "Security rules"
 * (learn.microsoft.com/azure/virtual-network/network-security-groups-overview):
 *  - inbound traffic is evaluated by the subnet's NSG first, then by the NIC's; it must be allowed by both,
 *    and a level without an NSG lets everything through;
 *  - within an NSG the rules (custom and the default ones) are taken by ascending priority and the first rule
 *    matching protocol, source address/port and destination address/port decides;
 *  - NSGs see the packet after Azure translated the public IP to the NIC's private IP, so destination prefixes
 *    are matched against the private address;
 *  - service tags: VirtualNetwork, AzureLoadBalancer and Internet as the simulator expands them (serviceTags.ts).
 * IPv4 only (the simulated world has no IPv6 addresses yet).
 */
import { expandServiceTag, isServiceTag } from './arm/network/serviceTags';
import { defaultSecurityRules } from './arm/world/defaultSecurityRules';
import { values } from './arm/world/securityRules';
import type { NetworkSecurityGroupState, SecurityRuleState } from './arm/world/types';
import type { World } from './arm/world/world';

export interface InboundConnection {
  sourceAddress: string;
  /**
   * The client's source port. An RDP client's port is ephemeral and unknown to the simulation; 50000 lies in the
   * ephemeral ranges of Windows (49152-65535) and Linux (32768-60999), so rules restricting source ports to those
   * ranges behave as they would for most real clients.
   */
  sourcePort?: number;
  port: number;
}

export interface LevelDecision {
  level: 'subnet' | 'nic';
  nsgId: string | null;
  /** The rule that decided, or null when the level has no NSG. */
  rule: string | null;
  admitted: boolean;
}

export interface PathDecision {
  admitted: boolean;
  levels: LevelDecision[];
}

const EPHEMERAL_SOURCE_PORT = 50000;

function ipv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return null;
  const octets = m.slice(1).map(Number);
  if (octets.some((o) => o > 255)) return null;
  return octets.reduce((acc, o) => acc * 256 + o, 0);
}

function inCidr(address: number, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const start = ipv4(base ?? '');
  if (start === null) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const size = 2 ** (32 - bits);
  const network = Math.floor(start / size) * size;
  return address >= network && address < network + size;
}

type AddressTest = (address: number) => boolean;

/** One prefix of a rule (`*`, an address, a CIDR or a service tag) as a test on an address. */
function prefixTest(prefix: string, vnetPrefixes: readonly string[]): AddressTest {
  if (prefix === '*' || prefix === '0.0.0.0/0') return () => true;
  if (isServiceTag(prefix)) {
    const expanded = expandServiceTag(prefix, vnetPrefixes);
    if (!expanded) {
      // Unknown to the simulation: refuse to guess which way the rule would go.
      throw new Error(`The simulated network does not know the service tag '${prefix}'; add it to serviceTags.ts with its source.`);
    }
    return (address) => expanded.some((cidr) => inCidr(address, cidr));
  }
  return (address) => inCidr(address, prefix);
}

function portCovers(range: string, port: number): boolean {
  if (range === '*') return true;
  const [low, high = low] = range.split('-').map(Number);
  return low !== undefined && port >= low && port <= high;
}

interface CompiledRule {
  name: string;
  allow: boolean;
  matches(source: number, destination: number, sourcePort: number, port: number): boolean;
}

function compile(rule: SecurityRuleState, vnetPrefixes: readonly string[]): CompiledRule | null {
  if (rule.direction !== 'Inbound' || (rule.protocol !== '*' && rule.protocol !== 'Tcp')) return null;
  const sourcePorts = values(rule.sourcePortRange, rule.sourcePortRanges);
  const ports = values(rule.destinationPortRange, rule.destinationPortRanges);
  const sources = values(rule.sourceAddressPrefix, rule.sourceAddressPrefixes).map((p) => prefixTest(p, vnetPrefixes));
  const destinations = values(rule.destinationAddressPrefix, rule.destinationAddressPrefixes).map((p) => prefixTest(p, vnetPrefixes));
  return {
    name: rule.name,
    allow: rule.access === 'Allow',
    matches: (source, destination, sourcePort, port) =>
      sourcePorts.some((r) => portCovers(r, sourcePort)) &&
      ports.some((r) => portCovers(r, port)) &&
      sources.some((test) => test(source)) &&
      destinations.some((test) => test(destination)),
  };
}

interface CompiledLevel {
  level: 'subnet' | 'nic';
  nsgId: string | null;
  /** Custom and default inbound rules by ascending priority; null for a level without an NSG. */
  rules: CompiledRule[] | null;
}

function compileLevel(level: 'subnet' | 'nic', nsg: NetworkSecurityGroupState | undefined, vnetPrefixes: readonly string[]): CompiledLevel {
  if (!nsg) return { level, nsgId: null, rules: null };
  const rules = [...nsg.rules, ...defaultSecurityRules(nsg.etag)]
    .sort((a, b) => a.priority - b.priority)
    .map((r) => compile(r, vnetPrefixes))
    .filter((r): r is CompiledRule => r !== null);
  return { level, nsgId: nsg.id, rules };
}

function decide(levels: readonly CompiledLevel[], source: number, destination: number, sourcePort: number, port: number): PathDecision {
  const decisions: LevelDecision[] = [];
  for (const level of levels) {
    if (!level.rules) {
      decisions.push({ level: level.level, nsgId: null, rule: null, admitted: true });
      continue;
    }
    const rule = level.rules.find((r) => r.matches(source, destination, sourcePort, port));
    // No rule matching is impossible with the default rules present (DenyAllInBound matches all); deny then.
    const decision = { level: level.level, nsgId: level.nsgId, rule: rule?.name ?? '(no rule matched)', admitted: rule?.allow ?? false };
    decisions.push(decision);
    // Traffic the subnet NSG drops never reaches the NIC NSG.
    if (!decision.admitted) break;
  }
  return { admitted: decisions.every((d) => d.admitted), levels: decisions };
}

/** The NSGs on the path to a NIC, compiled once for many connections. */
function pathTo(world: World, nicId: string): { levels: CompiledLevel[]; destination: number } {
  // world.nic() first brings the simulated state up to date (operations that finished meanwhile), then reads.
  const nic = world.nic(nicId);
  const subnet = world.store.subnets.get(nic.subnetId);
  const vnetPrefixes = (subnet ? world.store.virtualNetworks.get(subnet.vnetId)?.addressPrefixes : undefined) ?? [];
  const destination = ipv4(nic.privateIpAddress);
  if (destination === null) throw new Error(`The simulated network filters IPv4 only (private address '${nic.privateIpAddress}').`);
  const subnetNsg = subnet?.nsgId ? world.store.networkSecurityGroups.get(subnet.nsgId) : undefined;
  const nicNsg = nic.nsgId ? world.store.networkSecurityGroups.get(nic.nsgId) : undefined;
  return { levels: [compileLevel('subnet', subnetNsg, vnetPrefixes), compileLevel('nic', nicNsg, vnetPrefixes)], destination };
}

function sourceOf(connection: InboundConnection): number {
  const source = ipv4(connection.sourceAddress);
  if (source === null) throw new Error(`The simulated network filters IPv4 only (source '${connection.sourceAddress}').`);
  return source;
}

/** Does a connection to the VM's NIC get through the subnet NSG and then the NIC NSG? */
export function admitsInbound(world: World, nicId: string, connection: InboundConnection): PathDecision {
  const path = pathTo(world, nicId);
  return decide(path.levels, sourceOf(connection), path.destination, connection.sourcePort ?? EPHEMERAL_SOURCE_PORT, connection.port);
}

/**
 * "The world" as the simulation sees it: one address in each /8 of the Internet service tag (a.1.2.3). How much
 * exposure overwhelms a guest has not been measured; the pessimistic reading is used: the port is open to the
 * world when any of these sources gets through.
 */
export const WORLD_SOURCES: readonly string[] = (() => {
  const internet = expandServiceTag('Internet', []) ?? [];
  const sources: string[] = [];
  for (let a = 1; a < 224; a++) {
    const candidate = `${a}.1.2.3`;
    const address = ipv4(candidate);
    if (address !== null && internet.some((cidr) => inCidr(address, cidr))) sources.push(candidate);
  }
  return sources;
})();

export function openToWorld(world: World, nicId: string, port: number): boolean {
  const path = pathTo(world, nicId);
  return WORLD_SOURCES.some(
    (sourceAddress) => decide(path.levels, sourceOf({ sourceAddress, port }), path.destination, EPHEMERAL_SOURCE_PORT, port).admitted,
  );
}
