/** Mapping ARM network resources (NSG rules, effective rules) to the rule view the assessment decides on. Pure. */
import type { EffectiveNetworkSecurityGroup, EffectiveNetworkSecurityRule, SecurityRule } from '@azure/arm-network';
import { NsgRuleView, NsgView } from '../domain/vmFacts';

function list(single: string | undefined, many: string[] | undefined): string[] {
  if (many && many.length > 0) return [...many];
  return single ? [single] : [];
}

export function ruleViewFromSecurityRule(rule: SecurityRule, isDefault: boolean): NsgRuleView {
  return {
    name: rule.name ?? '',
    priority: rule.priority ?? 65500,
    access: rule.access === 'Allow' ? 'Allow' : 'Deny',
    direction: rule.direction === 'Outbound' ? 'Outbound' : 'Inbound',
    protocol: rule.protocol ?? '*',
    sourcePrefixes: list(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    destinationPorts: list(rule.destinationPortRange, rule.destinationPortRanges),
    isDefault,
    usesApplicationSecurityGroups: (rule.sourceApplicationSecurityGroups?.length ?? 0) > 0 || (rule.destinationApplicationSecurityGroups?.length ?? 0) > 0,
  };
}

/**
 * Effective rule names come as "securityRules/Name" / "defaultSecurityRules/Name" (older API versions:
 * "UserRule_Name" / "DefaultRule_Name"); the assessment and the restriction need the plain rule name.
 */
export function ruleViewFromEffectiveRule(rule: EffectiveNetworkSecurityRule): NsgRuleView {
  const raw = rule.name ?? '';
  const isDefault = /^(defaultSecurityRules\/|DefaultRule_)/i.test(raw);
  const name = raw.replace(/^(securityRules\/|defaultSecurityRules\/|UserRule_|DefaultRule_)/i, '');
  return {
    name,
    priority: rule.priority ?? 65500,
    access: rule.access === 'Allow' ? 'Allow' : 'Deny',
    direction: rule.direction === 'Outbound' ? 'Outbound' : 'Inbound',
    protocol: rule.protocol === 'All' || rule.protocol === undefined ? '*' : rule.protocol,
    sourcePrefixes: list(rule.sourceAddressPrefix, rule.sourceAddressPrefixes),
    destinationPorts: list(rule.destinationPortRange, rule.destinationPortRanges),
    isDefault,
    usesApplicationSecurityGroups: false,
  };
}

export function nsgViewFromEffective(group: EffectiveNetworkSecurityGroup): NsgView | null {
  const nsgId = group.networkSecurityGroup?.id;
  if (!nsgId) return null;
  const subnet = group.association?.subnet?.id;
  const nic = group.association?.networkInterface?.id;
  return {
    level: subnet ? 'subnet' : 'nic',
    nsgId,
    attachedTo: subnet ?? nic ?? '',
    rules: (group.effectiveSecurityRules ?? []).map(ruleViewFromEffectiveRule),
  };
}

export function nsgViewFromResource(level: 'subnet' | 'nic', nsgId: string, attachedTo: string, rules: SecurityRule[], defaults: SecurityRule[]): NsgView {
  return {
    level,
    nsgId,
    attachedTo,
    rules: [...rules.map((r) => ruleViewFromSecurityRule(r, false)), ...defaults.map((r) => ruleViewFromSecurityRule(r, true))],
  };
}
