/** NSG rule views for the decision tests: one rule with the defaults filled in, and Azure's default inbound rules. */
import type { NsgRuleView } from '../../src/domain/vmFacts';

export function rule(partial: Partial<NsgRuleView> & Pick<NsgRuleView, 'name' | 'priority'>): NsgRuleView {
  return {
    access: 'Allow',
    direction: 'Inbound',
    protocol: 'Tcp',
    sourcePrefixes: ['*'],
    destinationPorts: ['3389'],
    isDefault: false,
    usesApplicationSecurityGroups: false,
    ...partial,
  };
}

export const defaults: NsgRuleView[] = [
  rule({
    name: 'AllowVnetInBound',
    priority: 65000,
    protocol: '*',
    sourcePrefixes: ['VirtualNetwork'],
    destinationPorts: ['*'],
    isDefault: true,
  }),
  rule({
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    protocol: '*',
    sourcePrefixes: ['AzureLoadBalancer'],
    destinationPorts: ['*'],
    isDefault: true,
  }),
  rule({
    name: 'DenyAllInBound',
    priority: 65500,
    access: 'Deny',
    protocol: '*',
    sourcePrefixes: ['*'],
    destinationPorts: ['*'],
    isDefault: true,
  }),
];
