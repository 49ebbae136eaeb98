/**
 * SIMULATED: read-only Microsoft.Network resources the app inspects: virtual networks, subnets, public IPs.
 */
import { childNotFound } from '../http/armErrors';
import type { Route } from '../http/router';
import { ok } from '../http/responses';
import { renderPublicIp, renderSubnet, renderVirtualNetwork } from '../render/network';
import { requireResource, type HandlerDeps } from './common';

const RG = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network';
const VNET_TYPE = 'Microsoft.Network/virtualNetworks';
const PIP_TYPE = 'Microsoft.Network/publicIPAddresses';

export function networkReadRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: 'GET',
      path: `${RG}/virtualNetworks/{vnetName}`,
      operation: 'virtualNetworks.get',
      kind: 'read',
      permission: `${VNET_TYPE}/read`,
      handle: (context) =>
        ok(renderVirtualNetwork(world, requireResource(world, world.store.virtualNetworks, context.params, VNET_TYPE, 'vnetName'))),
    },
    {
      method: 'GET',
      path: `${RG}/virtualNetworks/{vnetName}/subnets/{subnetName}`,
      operation: 'subnets.get',
      kind: 'read',
      permission: `${VNET_TYPE}/subnets/read`,
      handle: (context) => {
        const vnet = requireResource(world, world.store.virtualNetworks, context.params, VNET_TYPE, 'vnetName');
        const id = `${vnet.id}/subnets/${context.params.subnetName}`;
        const subnet = world.store.subnets.get(id);
        if (!subnet) throw childNotFound(id);
        return ok(renderSubnet(world, subnet));
      },
    },
    {
      method: 'GET',
      path: `${RG}/publicIPAddresses/{pipName}`,
      operation: 'publicIPAddresses.get',
      kind: 'read',
      permission: `${PIP_TYPE}/read`,
      handle: (context) => ok(renderPublicIp(world, requireResource(world, world.store.publicIps, context.params, PIP_TYPE, 'pipName'))),
    },
  ];
}
