/**
 * IPv4/IPv6 addresses and CIDR blocks as numbers, for two jobs: validating the CIDRs a caller wants RDP
 * restricted to, and deciding whether an NSG rule's source covers an address. Pure, no node:net, so the
 * orchestration can use it.
 */
import { quoteInput } from './echo';
export interface Cidr {
  family: 4 | 6;
  base: bigint;
  prefix: number;
  text: string;
}

function parseIpv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || (part.length > 1 && part.startsWith('0'))) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | null {
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.includes(':::')) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' ? halves[1].split(':') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

export function parseIp(text: string): { family: 4 | 6; value: bigint } | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  if (v6 !== null) return { family: 6, value: v6 };
  return null;
}

/** Parses "a.b.c.d/n", "x::/n" or a bare address (a /32 or /128). Returns a reason when it is not one. */
export function parseCidr(text: string): { ok: true; value: Cidr } | { ok: false; message: string } {
  const [addr, prefixText, extra] = text.split('/');
  if (extra !== undefined) return { ok: false, message: `${quoteInput(text)} is not a CIDR block` };
  const ip = parseIp(addr);
  if (!ip) return { ok: false, message: `${quoteInput(text)} is not an IPv4 or IPv6 address or CIDR block` };
  const bits = ip.family === 4 ? 32 : 128;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      return { ok: false, message: `${quoteInput(text)} has a prefix length outside 0-${bits}` };
    }
    prefix = Number(prefixText);
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  if ((ip.value & mask) !== 0n) {
    const network = ip.value & ~mask;
    return { ok: false, message: `'${text}' has host bits set; the network is ${formatIp(ip.family, network)}/${prefix}` };
  }
  return { ok: true, value: { family: ip.family, base: ip.value, prefix, text: prefixText === undefined ? addr : text } };
}

export function cidrContains(cidr: Cidr, address: { family: 4 | 6; value: bigint }): boolean {
  if (cidr.family !== address.family) return false;
  const hostBits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return address.value >> hostBits === cidr.base >> hostBits;
}

export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((value >> shift) & 0xffffn).toString(16));
  return groups.join(':');
}

const PRIVATE_RANGES: Record<4 | 6, string[]> = {
  4: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'],
  6: ['fc00::/7', 'fe80::/10', '::1/128'],
};

function privateRanges(family: 4 | 6): Cidr[] {
  return PRIVATE_RANGES[family].map((r) => parseCidr(r)).flatMap((p) => (p.ok ? [p.value] : []));
}

/** True for addresses outside the private, loopback, link-local and shared ranges: what ARM's "Internet" tag means. */
export function isPublicAddress(address: { family: 4 | 6; value: bigint }): boolean {
  return !privateRanges(address.family).some((r) => cidrContains(r, address));
}

/** True when every address of the block lies in one private (non-Internet) range. */
export function isPrivateBlock(cidr: Cidr): boolean {
  return privateRanges(cidr.family).some((r) => r.prefix <= cidr.prefix && cidrContains(r, { family: cidr.family, value: cidr.base }));
}
