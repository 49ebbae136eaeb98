/**
 * Whether RDP is really closed to the world after the repair restricted it, judged from the NSG rules as they are
 * after the change (re-read, or the assessed rules with the sources the write returned), never from what the
 * repair meant to write. Pure.
 *
 * The first assessment (nsgAssessment.ts) asks whether one arbitrary Internet address gets through. That is not
 * enough to call an exposure fixed: the new sources may be the whole Internet in pieces (two /1s), a slice wider
 * than MIN_SOURCE_PREFIX_V4, or happen not to contain that one address. So here each filtering level is read as a
 * set of sources: a level still admits the world when, before a Deny for the whole world, an Allow rule for the
 * port names a world prefix, a public block wider than the minimum, or Allow rules whose blocks together cover
 * an address family. Traffic must pass every level, so one level that admits only narrow sources closes it.
 * Sources that cannot be read as addresses (a service tag other than VirtualNetwork/AzureLoadBalancer) make the
 * level unverified: the repair must then not say the exposure is fixed.
 */
import { sameIdentity } from '../../domain/identity';
import { type Cidr, isPrivateBlock, parseCidr } from '../../domain/ipAddress';
import type { Finding } from '../../domain/repairStatus';
import { DEFAULT_SOURCE_PREFIX_LIMITS, type SourcePrefixLimits, tooShortPrefix, wholeFamilyRefusal } from '../../domain/sourceCidrPolicy';
import type { NetworkFacts, NsgView, SecurityRuleSnapshot } from '../../domain/vmFacts';
import { inboundRulesFor, isWorldPrefix } from './nsgAssessment';

export type ExposureAfterRestriction =
  /** Some level admits only narrow sources: the world no longer reaches the port. */
  | { kind: 'restricted' }
  /** Every level still admits the world; `why` names the rule and the reason at each level. */
  | { kind: 'stillOpen'; why: string[] }
  /** No level is proven narrow, and some level's sources cannot be read as addresses. */
  | { kind: 'unverified'; why: string[] };

type LevelReading = { kind: 'narrow' } | { kind: 'open'; why: string } | { kind: 'unknown'; why: string };

const NOT_INTERNET = new Set(['virtualnetwork', 'azureloadbalancer']);

function readLevel(view: NsgView, port: number, limits: SourcePrefixLimits): LevelReading {
  const label = `${view.level} NSG ${view.nsgId.split('/').pop()}`;
  const blocks: Cidr[] = [];
  let unknown: string | undefined;
  for (const rule of inboundRulesFor(view, port)) {
    if (rule.access === 'Deny') {
      if (rule.sourcePrefixes.some(isWorldPrefix)) break;
      // A partial Deny is ignored: counting more sources as admitted can only make the verdict stricter.
      continue;
    }
    // Application security groups name NICs of the virtual network, not Internet sources.
    if (rule.usesApplicationSecurityGroups) continue;
    for (const prefix of rule.sourcePrefixes) {
      const text = prefix.trim();
      if (isWorldPrefix(text)) return { kind: 'open', why: `${label}: rule ${rule.name} (priority ${rule.priority}) admits ${text}` };
      if (NOT_INTERNET.has(text.toLowerCase())) continue;
      const parsed = parseCidr(text);
      if (!parsed.ok) {
        unknown ??= `${label}: rule ${rule.name} admits ${text}, which this app cannot resolve to addresses`;
        continue;
      }
      const wide = isPrivateBlock(parsed.value) ? undefined : tooShortPrefix(parsed.value, limits);
      if (wide) return { kind: 'open', why: `${label}: rule ${rule.name} (priority ${rule.priority}): ${wide}` };
      blocks.push(parsed.value);
    }
  }
  const whole = wholeFamilyRefusal(blocks);
  if (whole) return { kind: 'open', why: `${label}: the sources its Allow rules admit on port ${port}: ${whole}` };
  return unknown ? { kind: 'unknown', why: unknown } : { kind: 'narrow' };
}

export function reassessExposureAfterRestriction(
  network: Pick<NetworkFacts, 'nsgs'>,
  port: number,
  limits: SourcePrefixLimits = DEFAULT_SOURCE_PREFIX_LIMITS,
): ExposureAfterRestriction {
  if (network.nsgs.length === 0) return { kind: 'stillOpen', why: [`no network security group filters port ${port}`] };
  const readings = network.nsgs.map((view) => readLevel(view, port, limits));
  if (readings.some((r) => r.kind === 'narrow')) return { kind: 'restricted' };
  const why = readings.flatMap((r) => (r.kind === 'narrow' ? [] : [r.why]));
  return readings.some((r) => r.kind === 'unknown') ? { kind: 'unverified', why } : { kind: 'stillOpen', why };
}

/** The sources a rule admits according to what restrictNsgRule returned (`after`, as ARM answered the write). */
export function sourcesOfSnapshot(rule: Pick<SecurityRuleSnapshot, 'sourceAddressPrefix' | 'sourceAddressPrefixes'>): string[] {
  if (rule.sourceAddressPrefixes.length > 0) return [...rule.sourceAddressPrefixes];
  return rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : [];
}

/**
 * The assessed NSGs with the edited rules' sources replaced by what the writes returned: the network to
 * re-assess when it is not read again. (Reading it again with readVmNetwork also sees other people's changes.)
 */
export function withWrittenSources(
  network: Pick<NetworkFacts, 'nsgs'>,
  written: readonly SecurityRuleSnapshot[],
): Pick<NetworkFacts, 'nsgs'> {
  return {
    nsgs: network.nsgs.map((view) => ({
      ...view,
      rules: view.rules.map((rule) => {
        const after = written.find((w) => sameIdentity(w.nsgId, view.nsgId) && sameIdentity(w.name, rule.name));
        return after ? { ...rule, sourcePrefixes: sourcesOfSnapshot(after) } : rule;
      }),
    })),
  };
}

/** The finding that keeps a repair from calling the exposure fixed; null when it is. */
export function exposureAfterRestrictionFinding(verdict: ExposureAfterRestriction, port: number): Finding | null {
  if (verdict.kind === 'restricted') return null;
  if (verdict.kind === 'stillOpen') {
    return {
      code: 'RdpStillOpenAfterRestriction',
      severity: 'error',
      message: `After the NSG change, RDP port ${port} is still open to the Internet: ${verdict.why.join('; ')}.`,
      advice:
        'Restrict the rules named above to your own addresses by hand (or use Azure Bastion / just-in-time access); this ' +
        'repair did not close the exposure.',
    };
  }
  return {
    code: 'RdpRestrictionUnverified',
    severity: 'warning',
    message: `After the NSG change, whether RDP port ${port} is closed to the Internet could not be verified: ${verdict.why.join('; ')}.`,
    advice: 'Check the rules named above: this app cannot resolve their sources to addresses, so it does not call the exposure fixed.',
  };
}
