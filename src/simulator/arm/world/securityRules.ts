/**
 * SIMULATED: building and validating NSG security rules, shared by the scenario builder and the securityRules
 * PUT handler so that a rule seeded by a scenario obeys the same rules as one written through the API.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { RuleAccess, RuleDirection, RuleProtocol, SecurityRuleState } from './types';

/** Scenario-friendly rule input: single values or lists, defaults for the usual inbound TCP allow rule. */
export interface SecurityRuleInput {
  name: string;
  priority: number;
  direction?: RuleDirection;
  access?: RuleAccess;
  protocol?: RuleProtocol;
  sourceAddressPrefix?: string | string[];
  sourcePortRange?: string | string[];
  destinationAddressPrefix?: string | string[];
  destinationPortRange?: string | string[];
  description?: string;
}

export interface RuleProblem {
  code: string;
  message: string;
}

const PROTOCOLS: readonly RuleProtocol[] = ['Tcp', 'Udp', 'Icmp', 'Esp', 'Ah', '*'];
const PORT_RANGE = /^(\*|\d{1,5}(-\d{1,5})?)$/;
const SERVICE_TAG = /^[A-Za-z][A-Za-z0-9.]*$/;

export function ruleFromInput(input: SecurityRuleInput, etag: string): SecurityRuleState {
  return {
    name: input.name,
    protocol: input.protocol ?? 'Tcp',
    ...split('sourcePortRange', 'sourcePortRanges', input.sourcePortRange ?? '*'),
    ...split('destinationPortRange', 'destinationPortRanges', input.destinationPortRange ?? '*'),
    ...split('sourceAddressPrefix', 'sourceAddressPrefixes', input.sourceAddressPrefix ?? '*'),
    ...split('destinationAddressPrefix', 'destinationAddressPrefixes', input.destinationAddressPrefix ?? '*'),
    access: input.access ?? 'Allow',
    priority: input.priority,
    direction: input.direction ?? 'Inbound',
    ...(input.description !== undefined ? { description: input.description } : {}),
    provisioningState: 'Succeeded',
    etag,
  } as SecurityRuleState;
}

function split<S extends string, P extends string>(
  singular: S,
  plural: P,
  value: string | string[],
): (Record<S, string> & Record<P, string[]>) | Record<P, string[]> {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 1) return { [singular]: list[0], [plural]: [] } as Record<S, string> & Record<P, string[]>;
  return { [plural]: [...list] } as Record<P, string[]>;
}

/** The values of a singular/plural field pair, whichever is set. */
export function values(single: string | undefined, list: string[]): string[] {
  return single !== undefined ? [single] : list;
}

/**
 * Checks a rule the way the network resource provider does (the codes are the ones it returns where known;
 * `InvalidRequestFormat` otherwise). `others` are the NSG's other user rules; `ruleId` is named in messages as the
 * provider names it.
 *
 * Address prefixes: IPv4 and IPv6 addresses and CIDR prefixes, `*` and service tags are accepted, as Azure accepts
 * them; a malformed one is SecurityRuleInvalidAddressPrefix, and a rule whose literal prefixes (source and
 * destination together) mix IPv4 and IPv6 is ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies, with
 * the message Azure sends (quoted in provider error reports, e.g. hashicorp/terraform-provider-azurerm#12534 and
 * gardener/gardener-extension-provider-azure#397).
 */
export function validateRule(
  rule: SecurityRuleState,
  others: readonly SecurityRuleState[],
  ruleId: string = rule.name,
): RuleProblem | undefined {
  if (!Number.isInteger(rule.priority) || rule.priority < 100 || rule.priority > 4096) {
    return {
      code: 'SecurityRuleInvalidPriority',
      message: `Security rule has invalid Priority. Value provided: ${rule.priority} Allowed range 100-4096.`,
    };
  }
  if (!PROTOCOLS.includes(rule.protocol)) {
    return invalid(`Security rule ${rule.name} has invalid protocol '${rule.protocol}'. Allowed: ${PROTOCOLS.join(', ')}.`);
  }
  if (rule.access !== 'Allow' && rule.access !== 'Deny') {
    return invalid(`Security rule ${rule.name} has invalid access '${String(rule.access)}'. Allowed: Allow, Deny.`);
  }
  if (rule.direction !== 'Inbound' && rule.direction !== 'Outbound') {
    return invalid(`Security rule ${rule.name} has invalid direction '${String(rule.direction)}'. Allowed: Inbound, Outbound.`);
  }
  const fields: Array<[string, string | undefined, string[], 'port' | 'address']> = [
    ['sourcePortRange', rule.sourcePortRange, rule.sourcePortRanges, 'port'],
    ['destinationPortRange', rule.destinationPortRange, rule.destinationPortRanges, 'port'],
    ['sourceAddressPrefix', rule.sourceAddressPrefix, rule.sourceAddressPrefixes, 'address'],
    ['destinationAddressPrefix', rule.destinationAddressPrefix, rule.destinationAddressPrefixes, 'address'],
  ];
  for (const [field, single, list, kind] of fields) {
    if (single !== undefined && list.length > 0) {
      return invalid(`Security rule ${rule.name} sets both ${field} and ${field.replace(/(Range|Prefix)$/, '$1')}s; use one.`);
    }
    const all = values(single, list);
    if (all.length === 0) return invalid(`Security rule ${rule.name} has no ${field}.`);
    const bad = all.find((v) => (kind === 'port' ? !isPortRange(v) : addressFamily(v) === 'invalid'));
    if (bad === undefined) continue;
    return kind === 'port'
      ? {
          code: 'SecurityRuleInvalidPortRange',
          message:
            `Security rule has invalid Port range. Value provided: ${bad}. Value should be an integer OR integer range ` +
            `with '-' delimiter. Valid range 0-65535.`,
        }
      : {
          code: 'SecurityRuleInvalidAddressPrefix',
          message: `Security rule ${ruleId} has invalid Address prefix. Value provided: ${bad}.`,
        };
  }
  const families = new Set(
    [
      ...values(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
      ...values(rule.destinationAddressPrefix, rule.destinationAddressPrefixes),
    ]
      .map(addressFamily)
      .filter((f) => f === 'IPv4' || f === 'IPv6'),
  );
  if (families.size > 1) {
    return {
      code: 'ResourceCannotContainAddressPrefixesFromDifferentAddressFamilies',
      message:
        `Resource ${ruleId} contains IP addresses or prefixes that belong to different address families. ` +
        'All IP addresses or prefixes in the resource should belong to the same address family.',
    };
  }
  const clash = others.find(
    (o) => o.name.toLowerCase() !== rule.name.toLowerCase() && o.priority === rule.priority && o.direction === rule.direction,
  );
  if (clash) {
    return {
      code: 'SecurityRuleConflict',
      message: `Security rule ${rule.name} conflicts with rule ${clash.name}. Rules cannot have the same Priority and Direction.`,
    };
  }
  return undefined;
}

function invalid(message: string): RuleProblem {
  return { code: 'InvalidRequestFormat', message };
}

function isPortRange(value: string): boolean {
  if (!PORT_RANGE.test(value)) return false;
  if (value === '*') return true;
  const [low, high = low] = value.split('-').map(Number) as [number, number?];
  return low >= 0 && high <= 65535 && low <= high!;
}

/** IPv4/IPv6 for literal addresses and prefixes, `none` for `*` and service tags, `invalid` for anything else. */
export function addressFamily(value: string): 'IPv4' | 'IPv6' | 'none' | 'invalid' {
  if (value === '*') return 'none';
  const slash = value.indexOf('/');
  const address = slash >= 0 ? value.slice(0, slash) : value;
  const length = slash >= 0 ? value.slice(slash + 1) : undefined;
  const family = isIPv4(address) ? 'IPv4' : isIPv6(address) ? 'IPv6' : undefined;
  if (!family) return slash < 0 && SERVICE_TAG.test(value) ? 'none' : 'invalid';
  if (length === undefined) return family;
  if (!/^\d{1,3}$/.test(length) || Number(length) > (family === 'IPv4' ? 32 : 128)) return 'invalid';
  return family;
}
