/**
 * Activity: add an inbound Allow rule for RDP's new port, with the sources the old port's rule had.
 * Idempotent: a rule of that name already admitting the port and sources is left as it is.
 */
import type { SecurityRule } from '@azure/arm-network';
import { classifyAzureError } from '../azure/errors';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ActivityResult } from '../domain/activityResult';
import type { OpenPortRuleInput, OpenPortRuleResult } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function openNsgPort(input: OpenPortRuleInput, deps: ActivityDeps): Promise<ActivityResult<OpenPortRuleResult>> {
  const ruleId = `${input.nsgId}/securityRules/${input.ruleName}`;
  try {
    const nsg = parseResourceId(input.nsgId, ResourceTypes.networkSecurityGroup);
    const client = deps.arm.network(nsg.subscriptionId);
    try {
      const existing = await client.securityRules.get(nsg.resourceGroup, nsg.name, input.ruleName);
      if (existing.destinationPortRange === String(input.port) && existing.access === 'Allow') return ok({ ruleId, wrote: false });
    } catch (err) {
      if (classifyAzureError(err, 'read NSG rule').statusCode !== 404) throw err;
    }
    const single = input.sourcePrefixes.length === 1;
    const rule: SecurityRule = {
      protocol: 'Tcp',
      access: 'Allow',
      direction: 'Inbound',
      priority: input.priority,
      sourcePortRange: '*',
      destinationAddressPrefix: '*',
      destinationPortRange: String(input.port),
      sourceAddressPrefix: single ? input.sourcePrefixes[0] : undefined,
      sourceAddressPrefixes: single ? [] : input.sourcePrefixes,
      description: `[rdp-autorepair ${input.repairId}] RDP moved to port ${input.port}`.slice(0, 140),
    };
    await client.securityRules.createOrUpdate(nsg.resourceGroup, nsg.name, input.ruleName, rule, {
      updateIntervalInMs: deps.arm.lroPollIntervalMs,
    });
    return ok({ ruleId, wrote: true });
  } catch (err) {
    return settleAzureError(err, 'open NSG port', ruleId);
  }
}
