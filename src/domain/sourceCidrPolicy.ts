/**
 * What a list of allowed RDP sources may be (allowedSourceCidrs of a request, ALERT_ALLOWED_SOURCE_CIDRS).
 * Refusing `*`, `Internet` and /0 entry by entry is not enough: two /1s are the whole IPv4 Internet in pieces,
 * and "restricting" a world-open rule to them changes nothing while the report would call the exposure fixed.
 * So a list is refused when the union of its blocks covers an address family, and each block must be at least
 * as long as MIN_SOURCE_PREFIX_V4 (default 8: a /8 is already 16 million addresses; nobody's own RDP sources
 * are wider). Pure: the orchestration uses the same check to re-assess what a rule admits after its change.
 *
 * IPv6 sources are refused for now (see ipv6Refusal): the repair restricts one world-open rule in place, an NSG
 * rule cannot hold both families, and the exposure assessment and the probe work on IPv4 only, so accepting
 * IPv6 would let the app claim a restriction it never checked.
 */
import type { Cidr } from './ipAddress';

export interface SourcePrefixLimits {
  /** The shortest IPv4 prefix allowed as a source (MIN_SOURCE_PREFIX_V4). */
  minPrefixV4: number;
  /** The shortest IPv6 prefix the union/length check uses; IPv6 sources are refused before it applies today. */
  minPrefixV6: number;
}

export const DEFAULT_SOURCE_PREFIX_LIMITS: SourcePrefixLimits = { minPrefixV4: 8, minPrefixV6: 32 };

const BITS = { 4: 32, 6: 128 } as const;

/** True when the blocks of one family together cover every address of it. */
export function coversWholeFamily(cidrs: readonly Cidr[], family: 4 | 6): boolean {
  const bits = BigInt(BITS[family]);
  const ranges = cidrs
    .filter((c) => c.family === family)
    .map((c) => {
      const size = 1n << (bits - BigInt(c.prefix));
      return { start: c.base, end: c.base + size - 1n };
    })
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = 0n;
  for (const range of ranges) {
    if (range.start > next) return false;
    if (range.end + 1n > next) next = range.end + 1n;
  }
  return next === 1n << bits;
}

export function ipv6Refusal(cidr: Cidr): string | undefined {
  if (cidr.family !== 6) return undefined;
  return (
    `'${cidr.text}' is IPv6; IPv6 sources are not accepted yet: the repair restricts the world-open rule in place, an NSG ` +
    `rule cannot mix IPv4 and IPv6 sources, and the exposure check and the probe cover IPv4 only. Give IPv4 blocks`
  );
}

export function tooShortPrefix(cidr: Cidr, limits: SourcePrefixLimits): string | undefined {
  const min = cidr.family === 4 ? limits.minPrefixV4 : limits.minPrefixV6;
  if (cidr.prefix >= min) return undefined;
  const rule = cidr.family === 4 ? `MIN_SOURCE_PREFIX_V4=${min}` : `the IPv6 minimum /${min}`;
  return `'${cidr.text}' is a /${cidr.prefix}, wider than ${rule} allows; name your own addresses, not a slice of the Internet`;
}

/** A message when the list as a whole is the Internet in pieces, else undefined. */
export function wholeFamilyRefusal(cidrs: readonly Cidr[]): string | undefined {
  for (const family of [4, 6] as const) {
    if (coversWholeFamily(cidrs, family)) {
      return `together these blocks cover every IPv${family} address: restricting RDP to them would change nothing`;
    }
  }
  return undefined;
}
