/** Mapping ARM network resources (NSG rules, effective rules) to the rule view the assessment decides on. Pure. */
import type { EffectiveNetworkSecurityGroup, EffectiveNetworkSecurityRule, SecurityRule } from '@azure/arm-network';
import { sameResourceId } from '../azure/resourceId';
import type { NsgRuleView, NsgView } from '../domain/vmFacts';

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
    usesApplicationSecurityGroups:
      (rule.sourceApplicationSecurityGroups?.length ?? 0) > 0 || (rule.destinationApplicationSecurityGroups?.length ?? 0) > 0,
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

/** Where the NIC's and its subnet's NSGs are attached, as read from the NIC and subnet resources. */
export interface NsgAttachments {
  nicId: string;
  nicNsgId: string | null;
  subnetId: string | null;
  subnetNsgId: string | null;
}

/**
 * The NSG views of one effective-rules entry. The level comes from the entry's NSG id compared with the NSGs the
 * NIC and its subnet name, not from which `association` keys are present: Azure documents entries carrying
 * several keys at once (NetworkInterfaceEffectiveNSGList example: `networkInterface`, `subnet`, `networkManager`),
 * and one NSG attached at both levels is one entry that applies twice, so it gives two views. Only an NSG that
 * neither resource names (changed between the reads) falls back to the association keys.
 */
export function nsgViewsFromEffective(group: EffectiveNetworkSecurityGroup, attached: NsgAttachments): NsgView[] {
  const nsgId = group.networkSecurityGroup?.id;
  if (!nsgId) return [];
  const rules = (group.effectiveSecurityRules ?? []).map(ruleViewFromEffectiveRule);
  const views: NsgView[] = [];
  if (attached.subnetId && sameResourceId(nsgId, attached.subnetNsgId)) {
    views.push({ level: 'subnet', nsgId, attachedTo: attached.subnetId, rules });
  }
  if (sameResourceId(nsgId, attached.nicNsgId)) views.push({ level: 'nic', nsgId, attachedTo: attached.nicId, rules });
  if (views.length > 0) return views;
  const nic = group.association?.networkInterface?.id;
  const subnet = group.association?.subnet?.id;
  if (nic) return [{ level: 'nic', nsgId, attachedTo: nic, rules }];
  if (subnet) return [{ level: 'subnet', nsgId, attachedTo: subnet, rules }];
  return [];
}

export function nsgViewFromResource(
  level: 'subnet' | 'nic',
  nsgId: string,
  attachedTo: string,
  rules: SecurityRule[],
  defaults: SecurityRule[],
): NsgView {
  return {
    level,
    nsgId,
    attachedTo,
    rules: [...rules.map((r) => ruleViewFromSecurityRule(r, false)), ...defaults.map((r) => ruleViewFromSecurityRule(r, true))],
  };
}
