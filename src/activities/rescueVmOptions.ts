/**
 * Activity: what choosing an ephemeral rescue VM needs, read-only: the broken VM's image (with the exact version
 * ARM reports), the subnet of its primary NIC, and the candidate sizes as the region's resource SKUs list shows
 * them (restrictions of type Location or Zone, reason NotAvailableForSubscription). Only the candidates are
 * returned: a region lists thousands of SKUs, and this result goes into the orchestration's history.
 */
import type { ResourceSku } from '@azure/arm-compute';
import { classifyAzureError } from '../azure/errors';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { RescueVmOptions, RescueVmOptionsInput, SizeOffer } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export function sizeOfferOf(name: string, skus: readonly ResourceSku[], location: string): SizeOffer {
  const sku = skus.find(
    (s) =>
      s.resourceType?.toLowerCase() === 'virtualmachines' &&
      s.name?.toLowerCase() === name.toLowerCase() &&
      (s.locations ?? []).some((l) => l.toLowerCase() === location.toLowerCase()),
  );
  if (!sku) return { name, listed: false, locationRestricted: false, unavailableZones: [], maxDataDisks: null };
  const restrictions = sku.restrictions ?? [];
  const offeredZones = sku.locationInfo?.find((l) => l.location?.toLowerCase() === location.toLowerCase())?.zones ?? [];
  const restrictedZones = restrictions.filter((r) => r.type === 'Zone').flatMap((r) => r.restrictionInfo?.zones ?? []);
  const notOffered = ['1', '2', '3'].filter((z) => offeredZones.length > 0 && !offeredZones.includes(z));
  const maxDataDisks = Number(sku.capabilities?.find((c) => c.name === 'MaxDataDiskCount')?.value);
  return {
    name: sku.name ?? name,
    listed: true,
    locationRestricted: restrictions.some((r) => r.type === 'Location'),
    unavailableZones: [...new Set([...restrictedZones, ...notOffered])].sort(),
    maxDataDisks: Number.isFinite(maxDataDisks) ? maxDataDisks : null,
  };
}

export async function readRescueVmOptions(input: RescueVmOptionsInput, deps: ActivityDeps): Promise<ActivityResult<RescueVmOptions>> {
  try {
    const id = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(id.subscriptionId);
    const vm = await compute.virtualMachines.get(id.resourceGroup, id.name);
    const image = vm.storageProfile?.imageReference;
    const vmImage =
      image?.publisher && image.offer && image.sku
        ? { publisher: image.publisher, offer: image.offer, sku: image.sku, exactVersion: image.exactVersion ?? null }
        : null;
    const nics = vm.networkProfile?.networkInterfaces ?? [];
    const primaryId = (nics.find((n) => n.primary) ?? nics[0])?.id;
    let subnetId: string | null = null;
    if (primaryId) {
      const nicId = parseResourceId(primaryId, ResourceTypes.networkInterface);
      const nic = await deps.arm.network(nicId.subscriptionId).networkInterfaces.get(nicId.resourceGroup, nicId.name);
      const configs = nic.ipConfigurations ?? [];
      subnetId = (configs.find((c) => c.primary) ?? configs[0])?.subnet?.id ?? null;
    }
    const location = vm.location ?? '';
    const skus: ResourceSku[] = [];
    try {
      for await (const sku of compute.resourceSkus.list({ filter: `location eq '${location}'` })) skus.push(sku);
    } catch (err) {
      // The list is subscription-wide, the app's role is assigned on resource groups: without Microsoft.Compute/skus/read
      // at subscription scope it is refused. The sizes are then tried in order and ARM's answer to the create decides.
      const classified = classifyAzureError(err, 'list resource SKUs', `/subscriptions/${id.subscriptionId}`);
      if (classified.statusCode !== 403) throw err;
      return ok({ vmImage, subnetId, offers: null, offersProblem: classified.message });
    }
    return ok({ vmImage, subnetId, offers: input.sizes.map((size) => sizeOfferOf(size, skus, location)), offersProblem: null });
  } catch (err) {
    return settleAzureError(err, 'read rescue VM options', input.vmId);
  }
}
