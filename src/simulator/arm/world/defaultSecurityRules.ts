/**
 * SIMULATED: the six default security rules Azure puts in every network security group, with Azure's names,
 * priorities, descriptions and prefixes (they appear under `defaultSecurityRules` in an NSG GET and, prefixed
 * `defaultSecurityRules/`, in effective security rules).
 */
import type { SecurityRuleState } from './types';

type DefaultRuleSpec = Pick<
  SecurityRuleState,
  'name' | 'priority' | 'direction' | 'access' | 'sourceAddressPrefix' | 'destinationAddressPrefix' | 'description'
>;

const DEFAULT_RULES: readonly DefaultRuleSpec[] = [
  {
    name: 'AllowVnetInBound',
    priority: 65000,
    direction: 'Inbound',
    access: 'Allow',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'VirtualNetwork',
    description: 'Allow inbound traffic from all VMs in VNET',
  },
  {
    name: 'AllowAzureLoadBalancerInBound',
    priority: 65001,
    direction: 'Inbound',
    access: 'Allow',
    sourceAddressPrefix: 'AzureLoadBalancer',
    destinationAddressPrefix: '*',
    description: 'Allow inbound traffic from azure load balancer',
  },
  {
    name: 'DenyAllInBound',
    priority: 65500,
    direction: 'Inbound',
    access: 'Deny',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    description: 'Deny all inbound traffic',
  },
  {
    name: 'AllowVnetOutBound',
    priority: 65000,
    direction: 'Outbound',
    access: 'Allow',
    sourceAddressPrefix: 'VirtualNetwork',
    destinationAddressPrefix: 'VirtualNetwork',
    description: 'Allow outbound traffic from all VMs to all VMs in VNET',
  },
  {
    name: 'AllowInternetOutBound',
    priority: 65001,
    direction: 'Outbound',
    access: 'Allow',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: 'Internet',
    description: 'Allow outbound traffic from all VMs to Internet',
  },
  {
    name: 'DenyAllOutBound',
    priority: 65500,
    direction: 'Outbound',
    access: 'Deny',
    sourceAddressPrefix: '*',
    destinationAddressPrefix: '*',
    description: 'Deny all outbound traffic',
  },
];

/** Fresh copies (callers may render them with per-NSG ids and etags). */
export function defaultSecurityRules(etag: string): SecurityRuleState[] {
  return DEFAULT_RULES.map((rule) => ({
    ...rule,
    protocol: '*',
    sourcePortRange: '*',
    sourcePortRanges: [],
    destinationPortRange: '*',
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefixes: [],
    provisioningState: 'Succeeded',
    etag,
  }));
}
