/**
 * SIMULATED: Microsoft.Network/networkInterfaces get, and POST effectiveNetworkSecurityGroups: a read-only
 * long-running operation (202, then the result from the Location URL). As in Azure it is refused with 400
 * NicMustBeAttachedToRunningVmToGetEffectiveSecurityGroups unless the NIC belongs to a running VM.
 */
import { badRequest } from '../http/armErrors';
import type { Route } from '../http/router';
import { ok } from '../http/responses';
import { effectiveNetworkSecurityGroups } from '../network/effectiveRules';
import { renderNetworkInterface } from '../render/network';
import { requireResource, startOperation, type HandlerDeps } from './common';

const TYPE = 'Microsoft.Network/networkInterfaces';
const ITEM = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}/{nicName}`;

export function networkInterfaceRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
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
      method: 'POST',
      path: `${ITEM}/effectiveNetworkSecurityGroups`,
      operation: 'networkInterfaces.listEffectiveNetworkSecurityGroups',
      // Read-only although it is a POST: it changes nothing, so it must not count against "zero writes".
      kind: 'read',
      permission: `${TYPE}/effectiveNetworkSecurityGroups/action`,
      handle: (context) => {
        const nic = requireResource(world, world.store.networkInterfaces, context.params, TYPE, 'nicName');
        const vm = nic.vmId ? world.store.virtualMachines.get(nic.vmId) : undefined;
        if (!vm || vm.powerState !== 'running') {
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
