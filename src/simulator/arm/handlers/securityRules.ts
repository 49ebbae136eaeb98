/**
 * SIMULATED: Microsoft.Network/networkSecurityGroups get, and its securityRules list/get/createOrUpdate/delete.
 *
 * A rule write takes effect at once (and emits a `securityRule` change, which the simulated RDP endpoint follows);
 * the rule reads `provisioningState: Updating` until its asynchronous operation completes (see the LRO rule in
 * operationTracker.ts: rule writes are short, so they complete when polled).
 */
import { badRequest, childNotFound } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { renderNetworkSecurityGroup, renderSecurityRule } from '../render/network';
import { validateRule } from '../world/securityRules';
import type { NetworkSecurityGroupState, RuleAccess, RuleDirection, RuleProtocol, SecurityRuleState } from '../world/types';
import { objectAt, requireBody, requireResource, startOperation, type HandlerDeps } from './common';

const TYPE = 'Microsoft.Network/networkSecurityGroups';
const NSG = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}/{nsgName}`;
const RULES = `${NSG}/securityRules`;
const RULE = `${RULES}/{ruleName}`;
const RULE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;

export function securityRuleRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  const findNsg = (context: RouteContext): NetworkSecurityGroupState =>
    requireResource(world, world.store.networkSecurityGroups, context.params, TYPE, 'nsgName');
  return [
    {
      method: 'GET',
      path: NSG,
      operation: 'networkSecurityGroups.get',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: (context) => ok(renderNetworkSecurityGroup(world, findNsg(context))),
    },
    {
      method: 'GET',
      path: RULES,
      operation: 'securityRules.list',
      kind: 'read',
      permission: `${TYPE}/securityRules/read`,
      handle: (context) => {
        const nsg = findNsg(context);
        return ok({ value: nsg.rules.map((r) => renderSecurityRule(nsg.id, r)) });
      },
    },
    {
      method: 'GET',
      path: RULE,
      operation: 'securityRules.get',
      kind: 'read',
      permission: `${TYPE}/securityRules/read`,
      handle: (context) => {
        const nsg = findNsg(context);
        const rule = findRule(nsg, context.params.ruleName!);
        if (!rule) throw childNotFound(`${nsg.id}/securityRules/${context.params.ruleName}`);
        return ok(renderSecurityRule(nsg.id, rule));
      },
    },
    {
      method: 'PUT',
      path: RULE,
      operation: 'securityRules.createOrUpdate',
      kind: 'write',
      permission: `${TYPE}/securityRules/write`,
      handle: (context) => putRule(deps, context, findNsg(context)),
    },
    {
      method: 'DELETE',
      path: RULE,
      operation: 'securityRules.delete',
      kind: 'write',
      permission: `${TYPE}/securityRules/delete`,
      handle: (context) => deleteRule(deps, context, findNsg(context)),
    },
  ];
}

function findRule(nsg: NetworkSecurityGroupState, name: string): SecurityRuleState | undefined {
  return nsg.rules.find((r) => r.name.toLowerCase() === name.toLowerCase());
}

function putRule(deps: HandlerDeps, context: RouteContext, nsg: NetworkSecurityGroupState): HandlerResult {
  const { world } = deps;
  const name = context.params.ruleName!;
  if (!RULE_NAME.test(name)) throw badRequest('InvalidResourceName', `Resource name ${name} is invalid.`);
  const properties = objectAt(requireBody(context), 'properties');
  if (!properties) throw badRequest('InvalidRequestFormat', 'Security rule properties are required.', 'properties');

  const rule = ruleFromWire(name, properties, world.newEtag());
  const before = findRule(nsg, name);
  const problem = validateRule(
    rule,
    nsg.rules.filter((r) => r !== before),
    `${nsg.id}/securityRules/${name}`,
  );
  if (problem) throw badRequest(problem.code, problem.message);

  rule.provisioningState = 'Updating';
  nsg.rules = before ? nsg.rules.map((r) => (r === before ? rule : r)) : [...nsg.rules, rule];
  nsg.etag = world.newEtag();
  world.emit({
    kind: 'securityRule',
    at: world.clock.now(),
    nsgId: nsg.id,
    ruleName: rule.name,
    action: before ? 'updated' : 'created',
    ...(before ? { before: structuredClone(before) } : {}),
    after: structuredClone({ ...rule, provisioningState: 'Succeeded' as const }),
  });
  const op = startOperation(deps, context, 'securityRules.createOrUpdate', {
    resourceId: `${nsg.id}/securityRules/${rule.name}`,
    subscriptionId: nsg.subscriptionId,
    location: nsg.location,
    provider: 'network',
    latency: 'nsgRuleWrite',
    onSucceeded: () => {
      rule.provisioningState = 'Succeeded';
    },
    onFailed: () => {
      rule.provisioningState = 'Failed';
    },
  });
  return {
    status: before ? 200 : 201,
    body: renderSecurityRule(nsg.id, rule),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, false),
  };
}

function deleteRule(deps: HandlerDeps, context: RouteContext, nsg: NetworkSecurityGroupState): HandlerResult {
  const { world } = deps;
  const rule = findRule(nsg, context.params.ruleName!);
  if (!rule) return { status: 204 };
  nsg.rules = nsg.rules.filter((r) => r !== rule);
  nsg.etag = world.newEtag();
  world.emit({
    kind: 'securityRule',
    at: world.clock.now(),
    nsgId: nsg.id,
    ruleName: rule.name,
    action: 'deleted',
    before: structuredClone(rule),
  });
  const op = startOperation(deps, context, 'securityRules.delete', {
    resourceId: `${nsg.id}/securityRules/${rule.name}`,
    subscriptionId: nsg.subscriptionId,
    location: nsg.location,
    provider: 'network',
    latency: 'nsgRuleWrite',
  });
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}

/** A rule from the PUT body's `properties` (wire names), type-checked field by field; validateRule does the rest. */
function ruleFromWire(name: string, p: Record<string, unknown>, etag: string): SecurityRuleState {
  const text = (field: string): string | undefined => {
    const value = p[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw badRequest('InvalidRequestFormat', `${field} must be a string.`, `properties.${field}`);
    return value;
  };
  // An empty list counts as absent: clients that GET, edit and PUT a rule send `[]` for the unused form.
  const list = (field: string): string[] => {
    const value = p[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw badRequest('InvalidRequestFormat', `${field} must be an array of strings.`, `properties.${field}`);
    }
    return [...(value as string[])];
  };
  const priority = p.priority;
  if (typeof priority !== 'number') throw badRequest('InvalidRequestFormat', 'priority must be a number.', 'properties.priority');
  const protocol = text('protocol');
  const access = text('access');
  const direction = text('direction');
  if (!protocol || !access || !direction) {
    throw badRequest('InvalidRequestFormat', 'protocol, access and direction are required.', 'properties');
  }
  const description = text('description');
  return {
    name,
    protocol: protocol as RuleProtocol,
    sourcePortRange: text('sourcePortRange'),
    sourcePortRanges: list('sourcePortRanges'),
    destinationPortRange: text('destinationPortRange'),
    destinationPortRanges: list('destinationPortRanges'),
    sourceAddressPrefix: text('sourceAddressPrefix'),
    sourceAddressPrefixes: list('sourceAddressPrefixes'),
    destinationAddressPrefix: text('destinationAddressPrefix'),
    destinationAddressPrefixes: list('destinationAddressPrefixes'),
    access: access as RuleAccess,
    priority,
    direction: direction as RuleDirection,
    ...(description !== undefined ? { description } : {}),
    provisioningState: 'Succeeded',
    etag,
  };
}
