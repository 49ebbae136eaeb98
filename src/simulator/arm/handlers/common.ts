/**
 * SIMULATED: what every request handler needs, and the lookups that fail the way ARM fails: unknown
 * subscription, unknown resource group, unknown resource, in that order.
 */
import type { LatencyModel } from '../../latencyModel';
import type { FaultInjector } from '../faults';
import { ArmHttpError, badRequest, resourceGroupNotFound, resourceNotFound, subscriptionNotFound } from '../http/armErrors';
import type { RouteContext } from '../http/router';
import type { OperationSpec, OperationTracker, SimOperation } from '../lro/operationTracker';
import type { RunCommandService } from '../runCommand/runCommandService';
import { type IdMap, inResourceGroup } from '../world/store';
import type { ResourceGroupState } from '../world/types';
import type { World } from '../world/world';

export interface HandlerDeps {
  world: World;
  operations: OperationTracker;
  latency: LatencyModel;
  faults: FaultInjector;
  runCommands: RunCommandService;
}

export function requireResourceGroup(world: World, params: Record<string, string>): ResourceGroupState {
  const subscriptionId = params.subscriptionId!;
  const resourceGroup = params.resourceGroup!;
  if (!world.store.hasSubscription(subscriptionId)) throw subscriptionNotFound(subscriptionId);
  const rg = world.store.resourceGroup(subscriptionId, resourceGroup);
  if (!rg) throw resourceGroupNotFound(resourceGroup);
  return rg;
}

/** Finds a top-level resource by the id the request addresses, or fails with ARM's ResourceNotFound. */
export function requireResource<T>(world: World, map: IdMap<T>, params: Record<string, string>, type: string, nameParam: string): T {
  const rg = requireResourceGroup(world, params);
  const name = params[nameParam]!;
  const found = map.get(`/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}/providers/${type}/${name}`);
  if (!found) throw resourceNotFound(type, name, rg.name);
  return found;
}

/**
 * The resources of one kind in the resource group a List request addresses (unknown subscription or group fail as
 * ARM fails). One page: real ARM pages long lists with nextLink, which the SDK follows; a small group gets one.
 */
export function listInResourceGroup<T extends { subscriptionId: string; resourceGroup: string }>(
  world: World,
  map: IdMap<T>,
  params: Record<string, string>,
): T[] {
  const rg = requireResourceGroup(world, params);
  return map.values().filter((r) => inResourceGroup(r, rg.subscriptionId, rg.name));
}

/** The resources of one kind in the subscription a List All / List By Subscription request addresses; one page. */
export function listInSubscription<T extends { subscriptionId: string }>(world: World, map: IdMap<T>, params: Record<string, string>): T[] {
  const subscriptionId = params.subscriptionId!;
  if (!world.store.hasSubscription(subscriptionId)) throw subscriptionNotFound(subscriptionId);
  const wanted = subscriptionId.toLowerCase();
  return map.values().filter((r) => r.subscriptionId.toLowerCase() === wanted);
}

export function resourceIdFor(params: Record<string, string>, type: string, name: string): string {
  return `/subscriptions/${params.subscriptionId}/resourceGroups/${params.resourceGroup}/providers/${type}/${name}`;
}

/** The JSON body as an object, or a 400 like ARM's for a missing or non-object body. */
export function requireBody(context: RouteContext): Record<string, unknown> {
  const body = context.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized: a JSON object is required.');
  }
  return body as Record<string, unknown>;
}

export function objectAt(value: unknown, ...path: string[]): Record<string, unknown> | undefined {
  let current: unknown = value;
  for (const segment of path) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current && typeof current === 'object' && !Array.isArray(current) ? (current as Record<string, unknown>) : undefined;
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  const parent = objectAt(value, ...path.slice(0, -1));
  const leaf = parent?.[path[path.length - 1]!];
  return typeof leaf === 'string' ? leaf : undefined;
}

export function tagsFrom(body: Record<string, unknown>): Record<string, string> | undefined {
  const tags = body.tags;
  if (tags === undefined) return undefined;
  if (!tags || typeof tags !== 'object' || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== 'string')) {
    throw badRequest('InvalidTag', 'Tags must be an object of string values.', 'tags');
  }
  return { ...(tags as Record<string, string>) };
}

/** Starts an operation, attaching any failure planned with `faults.failNextLro` for this request. */
export function startOperation(
  deps: HandlerDeps,
  context: RouteContext,
  operation: string,
  spec: Omit<OperationSpec, 'operation'>,
): SimOperation {
  const failWith = deps.faults.takeLroFailure({ method: context.method, path: context.url.pathname, operation });
  return deps.operations.start({
    ...spec,
    operation,
    ...(failWith ? { failWith: { code: failWith.code, message: failWith.message } } : {}),
  });
}

/** 409 while another long-running operation holds the resource (the transient conflict the app must retry). */
export function refuseWhileBusy(deps: HandlerDeps, resourceId: string, action: string, name: string): void {
  const busy = deps.operations.activeOn(resourceId);
  if (busy.length > 0) {
    throw new ArmHttpError(
      409,
      'OperationNotAllowed',
      `Operation '${action}' is not allowed on VM '${name}' since another operation (${busy[0]!.operation}) is in progress. ` +
        'Retry after it completes.',
    );
  }
}
