/**
 * How the network security groups treat inbound RDP, decided from rules alone (pure). Azure evaluates the subnet
 * NSG and then the NIC NSG for inbound traffic; at each level the first matching rule by priority wins, and a
 * level with no NSG filters nothing. "Open to the world" means an Allow rule whose source is `*`, `Internet`,
 * `0.0.0.0/0` or `::/0` wins for an arbitrary Internet address at every level.
 */
import { cidrContains, isPublicAddress, parseCidr, parseIp } from '../../domain/ipAddress';
import type { NetworkFacts, NsgRuleView, NsgView } from '../../domain/vmFacts';

const WORLD_PREFIXES = new Set(['*', 'internet', '0.0.0.0/0', '::/0', 'any', '0.0.0.0/0.0.0.0']);

export function isWorldPrefix(prefix: string): boolean {
  return WORLD_PREFIXES.has(prefix.trim().toLowerCase());
}

export function portMatches(ranges: readonly string[], port: number): boolean {
  return ranges.some((range) => {
    const text = range.trim();
    if (text === '*' || text.toLowerCase() === 'any') return true;
    const [lo, hi] = text.split('-').map((p) => Number(p));
    if (!Number.isInteger(lo)) return false;
    return port >= lo && port <= (Number.isInteger(hi) ? hi : lo);
  });
}

function protocolCarriesRdp(protocol: string): boolean {
  const p = protocol.toLowerCase();
  return p === 'tcp' || p === '*' || p === 'all';
}

/** The inbound rules that can carry RDP on `port`, in the order Azure evaluates them. */
export function inboundRulesFor(view: NsgView, port: number): NsgRuleView[] {
  return view.rules
    .filter((r) => r.direction === 'Inbound' && protocolCarriesRdp(r.protocol) && portMatches(r.destinationPorts, port))
    .sort((a, b) => a.priority - b.priority);
}

/** Whether one source prefix of a rule covers an address; null when it cannot be told (service tags, ASGs). */
function prefixCovers(prefix: string, address: string): boolean | null {
  const ip = parseIp(address);
  if (!ip) return null;
  if (isWorldPrefix(prefix)) {
    // `Internet` is the public address space; `*`/0.0.0.0/0 is everything.
    return prefix.trim().toLowerCase() === 'internet' ? isPublicAddress(ip) : true;
  }
  const lower = prefix.trim().toLowerCase();
  if (lower === 'virtualnetwork' || lower === 'azureloadbalancer') return isPublicAddress(ip) ? false : null;
  const cidr = parseCidr(prefix.trim());
  if (!cidr.ok) return null;
  return cidrContains(cidr.value, ip);
}

export type LevelVerdict = 'allow' | 'deny' | 'unknown';

/** The first rule that decides traffic from `address` at one level, as Azure would pick it. */
export function decideForAddress(view: NsgView, port: number, address: string): { verdict: LevelVerdict; rule: NsgRuleView | null } {
  for (const rule of inboundRulesFor(view, port)) {
    if (rule.usesApplicationSecurityGroups) return { verdict: 'unknown', rule };
    const covers = rule.sourcePrefixes.map((p) => prefixCovers(p, address));
    if (covers.includes(true)) return { verdict: rule.access === 'Allow' ? 'allow' : 'deny', rule };
    if (covers.includes(null)) return { verdict: 'unknown', rule };
  }
  return { verdict: 'deny', rule: null };
}

/** An address no sensible allow-list names: stands for "anyone on the Internet". */
const ANY_INTERNET_ADDRESS = '198.51.100.77';

export interface WorldOpening {
  level: 'subnet' | 'nic';
  nsgId: string;
  rule: NsgRuleView;
}

export interface RdpExposure {
  port: number;
  /** Every level lets an arbitrary Internet address reach the port. */
  openToWorld: boolean;
  /** The rules that open the port to the world (the ones a restriction edits). */
  worldOpenings: WorldOpening[];
  /** No NSG at either level: nothing to edit, the advice is to add one. */
  noNsgAtAll: boolean;
  /** No Internet source at all can reach the port (only VNet / load balancer sources, or nothing). */
  blockedFromInternet: boolean;
  /** Whether the app's own probe addresses get through: unknown when PROBE_SOURCE_ADDRESSES is unset. */
  probeAdmitted: LevelVerdict;
}

function admittedEverywhere(nsgs: readonly NsgView[], port: number, address: string): LevelVerdict {
  let result: LevelVerdict = 'allow';
  for (const view of nsgs) {
    const { verdict } = decideForAddress(view, port, address);
    if (verdict === 'deny') return 'deny';
    if (verdict === 'unknown') result = 'unknown';
  }
  return result;
}

function admitsSomePublicSource(rule: NsgRuleView): boolean {
  return rule.sourcePrefixes.some((p) => {
    const lower = p.trim().toLowerCase();
    if (isWorldPrefix(lower)) return true;
    if (lower === 'virtualnetwork' || lower === 'azureloadbalancer') return false;
    const cidr = parseCidr(p.trim());
    // A private CIDR is not an Internet source; a public one or a service tag might be.
    return !cidr.ok || isPublicAddress({ family: cidr.value.family, value: cidr.value.base });
  });
}

/**
 * True when, at every filtering level, an Allow rule admits some public source before a Deny for the whole
 * world shadows everything below it.
 */
function someInternetSourceAdmitted(nsgs: readonly NsgView[], port: number): boolean {
  return nsgs.every((view) => {
    for (const r of inboundRulesFor(view, port)) {
      if (r.access === 'Deny' && r.sourcePrefixes.some(isWorldPrefix)) return false;
      if (r.access === 'Allow' && admitsSomePublicSource(r)) return true;
    }
    return false;
  });
}

export function assessRdpExposure(network: Pick<NetworkFacts, 'nsgs'>, port: number, probeSourceCidrs: readonly string[]): RdpExposure {
  const nsgs = network.nsgs;
  const worldOpenings: WorldOpening[] = [];
  for (const view of nsgs) {
    const { verdict, rule } = decideForAddress(view, port, ANY_INTERNET_ADDRESS);
    if (verdict === 'allow' && rule && rule.sourcePrefixes.some(isWorldPrefix)) {
      worldOpenings.push({ level: view.level, nsgId: view.nsgId, rule });
    }
  }
  const openToWorld = admittedEverywhere(nsgs, port, ANY_INTERNET_ADDRESS) === 'allow';
  let probeAdmitted: LevelVerdict = 'unknown';
  if (probeSourceCidrs.length > 0) {
    // Use each CIDR's first address: the app's outbound addresses are given as /32s in practice.
    const verdicts = probeSourceCidrs.map((c) => admittedEverywhere(nsgs, port, c.split('/')[0]));
    probeAdmitted = verdicts.includes('allow') ? 'allow' : verdicts.includes('unknown') ? 'unknown' : 'deny';
  }
  return {
    port,
    openToWorld,
    worldOpenings: openToWorld ? worldOpenings : [],
    noNsgAtAll: nsgs.length === 0,
    blockedFromInternet: !openToWorld && !someInternetSourceAdmitted(nsgs, port),
    probeAdmitted,
  };
}

/** The NSGs as they would be after replacing the world-open rules' sources: to predict the probe's fate. */
export function withRestrictedSources(
  network: Pick<NetworkFacts, 'nsgs'>,
  openings: readonly WorldOpening[],
  cidrs: readonly string[],
): Pick<NetworkFacts, 'nsgs'> {
  return {
    nsgs: network.nsgs.map((view) => ({
      ...view,
      rules: view.rules.map((rule) =>
        openings.some((o) => o.nsgId === view.nsgId && o.rule.name === rule.name) ? { ...rule, sourcePrefixes: [...cidrs] } : rule,
      ),
    })),
  };
}
