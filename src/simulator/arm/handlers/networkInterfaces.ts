/**
 * SIMULATED: Microsoft.Network/networkInterfaces get, create (one IP configuration on an existing subnet, optional
 * public IP and NSG: what an ephemeral rescue VM needs; NetworkInterfaceCreate example), delete (refused with
 * NicInUse while a VM uses it), and POST effectiveNetworkSecurityGroups: a read-only
 * long-running operation (202, then the result from the Location URL). As in Azure it is refused with 400
 * NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups unless the NIC belongs to a running VM.
 */
import { ArmHttpError, badRequest } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { effectiveNetworkSecurityGroups } from '../network/effectiveRules';
import { renderNetworkInterface } from '../render/network';
import {
  type HandlerDeps,
  listInResourceGroup,
  objectAt,
  requireBody,
  requireResource,
  requireResourceGroup,
  resourceIdFor,
  startOperation,
  stringAt,
  tagsFrom,
} from './common';

const TYPE = 'Microsoft.Network/networkInterfaces';
const COLLECTION = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}`;
const ITEM = `${COLLECTION}/{nicName}`;

export function networkInterfaceRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
    {
      // NetworkInterfaceList example: `{ value: [...] }`, no nextLink while the list fits one page.
      method: 'GET',
      path: COLLECTION,
      operation: 'networkInterfaces.list',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) =>
        ok({ value: listInResourceGroup(world, world.store.networkInterfaces, params).map((n) => renderNetworkInterface(world, n)) }),
    },
    {
      method: 'GET',
      path: ITEM,
      operation: 'networkInterfaces.get',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: (context) =>
        ok(renderNetworkInterface(world, requireResource(world, world.store.networkInterfaces, context.params, TYPE, 'nicName'))),
    },
    {
      method: 'PUT',
      path: ITEM,
      operation: 'networkInterfaces.createOrUpdate',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => putNic(deps, context),
    },
    {
      method: 'DELETE',
      path: ITEM,
      operation: 'networkInterfaces.delete',
      kind: 'write',
      permission: `${TYPE}/delete`,
      handle: (context) => deleteNic(deps, context),
    },
    {
      method: 'POST',
      path: `${ITEM}/effectiveNetworkSecurityGroups`,
      operation: 'networkInterfaces.listEffectiveNetworkSecurityGroups',
      // Read-only although it is a POST: it changes nothing, so it must not count against "zero writes".
      kind: 'read',
      permission: `${TYPE}/effectiveNetworkSecurityGroups/action`,
      handle: (context) => {
        const nic = requireResource(world, world.store.networkInterfaces, context.params, TYPE, 'nicName');
        const vm = nic.vmId ? world.store.virtualMachines.get(nic.vmId) : undefined;
        if (vm?.powerState !== 'running') {
          throw badRequest(
            'NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups',
            'A network interface must be attached to a running virtual machine to get effective security groups. ' +
              `The network interface ${nic.id} is not attached to a running virtual machine.`,
          );
        }
        // The rules as they are now: the query reflects the moment it was made.
        const result = effectiveNetworkSecurityGroups(world, nic);
        const op = startOperation(deps, context, 'networkInterfaces.listEffectiveNetworkSecurityGroups', {
          resourceId: nic.id,
          subscriptionId: nic.subscriptionId,
          location: nic.location,
          provider: 'network',
          latency: 'effectiveNsgQuery',
          result: () => result,
        });
        return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
      },
    },
  ];
}

function putNic(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const name = context.params.nicName!;
  const body = requireBody(context);
  const configs = objectAt(body, 'properties')?.ipConfigurations;
  const firstConfig: unknown = Array.isArray(configs) ? configs[0] : undefined;
  const existing = world.store.networkInterfaces.get(resourceIdFor(context.params, TYPE, name));
  if (existing) {
    // A re-run of the activity that created it: tags may change, the rest must not (not modelled: refused).
    const subnet = stringAt(firstConfig, 'properties', 'subnet', 'id');
    if (subnet && subnet.toLowerCase() !== existing.subnetId.toLowerCase()) {
      throw badRequest(
        'InvalidParameter',
        'SIMULATED ARM does not model moving a network interface to another subnet.',
        'ipConfigurations',
      );
    }
    const tags = tagsFrom(body);
    if (tags) existing.tags = tags;
    return ok(renderNetworkInterface(world, existing));
  }
  const location = stringAt(body, 'location');
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.', 'location');
  if (!Array.isArray(configs) || configs.length !== 1) {
    throw badRequest(
      'InvalidParameter',
      'SIMULATED ARM creates network interfaces with exactly one IP configuration.',
      'properties.ipConfigurations',
    );
  }
  const subnetId = stringAt(firstConfig, 'properties', 'subnet', 'id');
  const subnet = subnetId ? world.store.subnets.get(subnetId) : undefined;
  if (!subnet)
    throw new ArmHttpError(
      400,
      'InvalidResourceReference',
      `Resource ${subnetId ?? '(none)'} referenced by resource ${resourceIdFor(context.params, TYPE, name)} was not found.`,
    );
  const publicIpId = stringAt(firstConfig, 'properties', 'publicIPAddress', 'id');
  const nsgId = stringAt(body, 'properties', 'networkSecurityGroup', 'id');
  for (const ref of [publicIpId, nsgId]) {
    const found = ref && (world.store.publicIps.get(ref) ?? world.store.networkSecurityGroups.get(ref));
    if (ref && !found)
      throw new ArmHttpError(
        400,
        'InvalidResourceReference',
        `Resource ${ref} referenced by resource ${resourceIdFor(context.params, TYPE, name)} was not found.`,
      );
  }
  const rgRef = {
    id: `/subscriptions/${rg.subscriptionId}/resourceGroups/${rg.name}`,
    subscriptionId: rg.subscriptionId,
    name: rg.name,
    location: rg.location,
  };
  const tags = tagsFrom(body);
  const ref = world.addNic({
    resourceGroup: rgRef,
    name,
    location,
    subnet: subnet.id,
    ...(tags ? { tags } : {}),
    ...(publicIpId ? { publicIp: publicIpId } : {}),
    ...(nsgId ? { nsg: nsgId } : {}),
  });
  const nic = world.store.networkInterfaces.get(ref.id)!;
  world.emit({ kind: 'resourceCreated', at: world.clock.now(), resourceId: nic.id, resourceType: TYPE });
  const op = startOperation(deps, context, 'networkInterfaces.createOrUpdate', {
    resourceId: nic.id,
    subscriptionId: nic.subscriptionId,
    location: nic.location,
    provider: 'network',
    latency: 'resourceDelete',
  });
  return {
    status: 201,
    body: renderNetworkInterface(world, nic),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, false),
  };
}

function deleteNic(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  requireResourceGroup(world, context.params);
  const nic = world.store.networkInterfaces.get(resourceIdFor(context.params, TYPE, context.params.nicName!));
  if (!nic) return { status: 204 };
  if (nic.vmId) {
    // Azure's refusal, as quoted in SDK error reports (e.g. "NicInUse ... must be dissociated from the resource").
    throw badRequest(
      'NicInUse',
      `Network Interface ${nic.id} is used by existing resource ${nic.vmId}. In order to delete the network interface, ` +
        `it must be dissociated from the resource. To learn more, see aka.ms/deletenic.`,
    );
  }
  world.store.networkInterfaces.delete(nic.id);
  world.emit({ kind: 'resourceDeleted', at: world.clock.now(), resourceId: nic.id, resourceType: TYPE });
  const op = startOperation(deps, context, 'networkInterfaces.delete', {
    resourceId: nic.id,
    subscriptionId: nic.subscriptionId,
    location: nic.location,
    provider: 'network',
    latency: 'resourceDelete',
  });
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}
