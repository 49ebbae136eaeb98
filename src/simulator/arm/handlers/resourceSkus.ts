/**
 * SIMULATED: Microsoft.Compute/skus (Resource Skus - List, api-version 2021-07-01), filtered by location as
 * `$filter=location eq '<region>'` asks. Shapes from the ListAvailableResourceSkusForARegion example
 * (test/fixtures/arm/specs/compute/): resourceType, name, tier, size, family, locations, locationInfo with zones,
 * capabilities as name/value strings. Restrictions follow the ResourceSkuRestrictions schema of the same spec and
 * Microsoft docs ("Resolve errors for SKU not available": a size the subscription cannot use shows
 * `NotAvailableForSubscription` with type Location, or type Zone naming the zones). Only virtual machine sizes
 * are listed (the simulated regions offer no other resource type); every simulated region has zones 1-3, an
 * assumption: the docs list zonal regions, the simulator does not model non-zonal ones.
 */
import type { Route } from '../http/router';
import { ok } from '../http/responses';
import type { VmSizeSpec } from '../world/computeCapacity';
import type { HandlerDeps } from './common';

const ZONES = ['1', '2', '3'];

export function resourceSkuRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.Compute/skus',
      operation: 'resourceSkus.list',
      kind: 'read',
      permission: 'Microsoft.Compute/skus/read',
      handle: ({ query }) => {
        const filter = /location\s+eq\s+'([^']+)'/i.exec(query.get('$filter') ?? '')?.[1];
        // Without a location filter ARM lists every region; the simulator knows the resource groups' regions only.
        const locations = filter
          ? [filter.toLowerCase()]
          : [...new Set(world.store.resourceGroups.values().map((rg) => rg.location.toLowerCase()))];
        const value = locations.flatMap((location) => world.capacity.sizes().map((size) => renderSku(deps, location, size)));
        return ok({ value });
      },
    },
  ];
}

function renderSku(deps: HandlerDeps, location: string, size: VmSizeSpec): Record<string, unknown> {
  const restrictions = deps.world.capacity.restrictionsIn(location, size.name).map((r) =>
    r.zones
      ? {
          type: 'Zone',
          values: [location],
          restrictionInfo: { locations: [location], zones: [...r.zones] },
          reasonCode: 'NotAvailableForSubscription',
        }
      : { type: 'Location', values: [location], restrictionInfo: { locations: [location] }, reasonCode: 'NotAvailableForSubscription' },
  );
  const [, tierSize] = /^([^_]+)_(.+)$/.exec(size.name) ?? [];
  return {
    resourceType: 'virtualMachines',
    name: size.name,
    tier: 'Standard',
    size: tierSize ?? size.name,
    family: size.family,
    locations: [location],
    locationInfo: [{ location, zones: [...ZONES] }],
    capabilities: [
      { name: 'vCPUs', value: String(size.vCpus) },
      { name: 'MaxDataDiskCount', value: String(size.maxDataDisks) },
      // Every simulated size runs both generations (true of the Dsv5/Dasv5/Esv5/Bs/Dsv3 pages' sizes).
      { name: 'HyperVGenerations', value: 'V1,V2' },
    ],
    restrictions,
  };
}
