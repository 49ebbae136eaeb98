/**
 * SIMULATED: expansion of the service tags the default NSG rules use, as effective security rules report them
 * in `expandedSourceAddressPrefix` / `expandedDestinationAddressPrefix`:
 *  - VirtualNetwork: the VNet's address space plus 168.63.129.16/32 (Azure's platform address);
 *  - AzureLoadBalancer: 168.63.129.16/32;
 *  - Internet: IPv4 space outside private, shared, loopback, link-local and multicast ranges. (Azure's real
 *    list also carves out some Azure ranges; the simulator does not.)
 */

const AZURE_PLATFORM_ADDRESS = '168.63.129.16/32';

const NOT_INTERNET = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
];

let internetCache: string[] | undefined;

/** Undefined for CIDRs, `*` and tags the simulator does not expand (ARM reports null for those). */
export function expandServiceTag(tag: string, vnetAddressPrefixes: readonly string[]): string[] | undefined {
  switch (tag.toLowerCase()) {
    case 'virtualnetwork':
      return [...vnetAddressPrefixes, AZURE_PLATFORM_ADDRESS];
    case 'azureloadbalancer':
      return [AZURE_PLATFORM_ADDRESS];
    case 'internet':
      internetCache ??= subtract({ base: 0, bits: 0 }, NOT_INTERNET.map(parseCidr)).map(formatCidr);
      return [...internetCache];
    default:
      return undefined;
  }
}

export function isServiceTag(prefix: string): boolean {
  return /^[A-Za-z]/.test(prefix);
}

interface Cidr {
  base: number;
  bits: number;
}

function parseCidr(text: string): Cidr {
  const [ip, bits] = text.split('/') as [string, string];
  const base = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return { base, bits: Number(bits) };
}

function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.base / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.bits}`;
}

function size(cidr: Cidr): number {
  return 2 ** (32 - cidr.bits);
}

function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.bits <= inner.bits && inner.base >= outer.base && inner.base < outer.base + size(outer);
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** `block` minus `excluded`, as the fewest aligned CIDR blocks (split in halves where needed). */
function subtract(block: Cidr, excluded: Cidr[]): Cidr[] {
  if (excluded.some((e) => contains(e, block))) return [];
  if (!excluded.some((e) => overlaps(e, block))) return [block];
  const half = size(block) / 2;
  const bits = block.bits + 1;
  return [...subtract({ base: block.base, bits }, excluded), ...subtract({ base: block.base + half, bits }, excluded)];
}
