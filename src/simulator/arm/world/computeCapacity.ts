/**
 * SIMULATED: what a region can give a new VM: which platform images exist, which VM sizes are offered in which
 * zones, and the subscription's vCPU quotas. VM create checks them in that order and fails as Azure does:
 *  - unknown image: 404 PlatformImageNotFound, target imageReference ("The platform image '...' is not available.
 *    Verify that all fields in the storage profile are correct. ..." as quoted in SDK error reports, e.g.
 *    hashicorp/packer#10600, clear-code/firefox-support-common#31);
 *  - size not offered in the location or zone: 409 SkuNotAvailable ("The requested size for resource '...' is
 *    currently not available in location '...' zones '...' for subscription '...'. ..." as quoted in
 *    microsoft/vscode-azurevirtualmachines#94 and others; the HTTP status is not shown there, 409 is assumed);
 *  - quota: 409 OperationNotAllowed "Operation could not be completed as it results in exceeding approved ...
 *    Cores quota. Additional details - Deployment Model: Resource Manager, Location: ..., Current Limit: ...,
 *    Current Usage: ..., Additional Required: ..., (Minimum) New Limit Required: ...." (cloud-barista/cb-spider#1558,
 *    nforgeio/neonKUBE#1671). Microsoft docs ("Check vCPU quotas"): quota is counted on the cores of VMs "both
 *    allocated and deallocated".
 *
 * The image catalogue and the size table are SIMULATED: the image SKUs and size figures are real (Microsoft docs,
 * Windows Server images on Azure Marketplace; the Dsv5/Dasv5/Esv5/Bs/Dsv3 size pages: vCPUs and "Max data disks"),
 * the image version strings are illustrative, not real build numbers. Quotas are unlimited until a scenario sets
 * one (a low default would fail scenarios that are not about quotas).
 */
import { ArmHttpError, conflict } from '../http/armErrors';
import type { HyperVGeneration } from './types';

export interface VmSizeSpec {
  name: string;
  /** The quota family, as Azure names it in quota errors and usage lists. */
  family: string;
  vCpus: number;
  maxDataDisks: number;
}

const SIZES: readonly VmSizeSpec[] = [
  { name: 'Standard_B2s', family: 'standardBSFamily', vCpus: 2, maxDataDisks: 4 },
  { name: 'Standard_B2ms', family: 'standardBSFamily', vCpus: 2, maxDataDisks: 4 },
  { name: 'Standard_D2s_v3', family: 'standardDSv3Family', vCpus: 2, maxDataDisks: 4 },
  { name: 'Standard_D4s_v3', family: 'standardDSv3Family', vCpus: 4, maxDataDisks: 8 },
  { name: 'Standard_DS3_v2', family: 'standardDSv2Family', vCpus: 4, maxDataDisks: 16 },
  { name: 'Standard_D2s_v5', family: 'standardDSv5Family', vCpus: 2, maxDataDisks: 4 },
  { name: 'Standard_D4s_v5', family: 'standardDSv5Family', vCpus: 4, maxDataDisks: 8 },
  { name: 'Standard_D8s_v5', family: 'standardDSv5Family', vCpus: 8, maxDataDisks: 16 },
  { name: 'Standard_D2as_v5', family: 'standardDASv5Family', vCpus: 2, maxDataDisks: 4 },
  { name: 'Standard_D4as_v5', family: 'standardDASv5Family', vCpus: 4, maxDataDisks: 8 },
  { name: 'Standard_E2s_v5', family: 'standardESv5Family', vCpus: 2, maxDataDisks: 4 },
];

export interface PlatformImage {
  publisher: string;
  offer: string;
  sku: string;
  generation: HyperVGeneration;
  /** Oldest first; `latest` resolves to the last. */
  versions: string[];
}

const WINDOWS_SERVER_SKUS: ReadonlyArray<[string, HyperVGeneration, string]> = [
  ['2016-datacenter', 'V1', '14393'],
  ['2016-datacenter-gensecond', 'V2', '14393'],
  ['2019-datacenter', 'V1', '17763'],
  ['2019-datacenter-gensecond', 'V2', '17763'],
  ['2022-datacenter', 'V1', '20348'],
  ['2022-datacenter-g2', 'V2', '20348'],
  ['2022-datacenter-azure-edition', 'V2', '20348'],
  ['2025-datacenter', 'V1', '26100'],
  ['2025-datacenter-g2', 'V2', '26100'],
  ['2025-datacenter-azure-edition', 'V2', '26100'],
];

function defaultImages(): PlatformImage[] {
  return WINDOWS_SERVER_SKUS.map(([sku, generation, build]) => ({
    publisher: 'MicrosoftWindowsServer',
    offer: 'WindowsServer',
    sku,
    generation,
    versions: [`${build}.2000.241105`, `${build}.2100.241210`],
  }));
}

export interface SizeRestriction {
  location: string;
  size: string;
  /** Zones where the size is not offered; omitted: not offered in the location at all. */
  zones?: string[];
}

export interface QuotaLimit {
  subscriptionId: string;
  location: string;
  /** Total Regional Cores. */
  totalCores?: number;
  /** Per family, e.g. `{ standardDSv5Family: 4 }`. */
  families?: Record<string, number>;
}

export interface VmPlacement {
  vmId: string;
  subscriptionId: string;
  location: string;
  zones?: string[];
  size: string;
}

export interface CoreUsage {
  size: string;
  subscriptionId: string;
  location: string;
}

export interface ImageRequest {
  publisher?: string;
  offer?: string;
  sku?: string;
  version?: string;
}

export interface ResolvedImage {
  image: PlatformImage;
  /** The concrete version (`latest` resolved), shown as `exactVersion`. */
  version: string;
}

function norm(value: string | undefined): string {
  return (value ?? '').toLowerCase().replace(/\s+/g, '');
}

export class ComputeCapacity {
  private readonly images: PlatformImage[] = defaultImages();
  private readonly restrictions: SizeRestriction[] = [];
  private readonly quotas: QuotaLimit[] = [];

  /** Adds a platform image (or more versions of one). */
  addImage(image: PlatformImage): void {
    const existing = this.findImage(image);
    if (existing) existing.versions = [...new Set([...existing.versions, ...image.versions])];
    else this.images.push({ ...image, versions: [...image.versions] });
  }

  /** Makes a size unavailable in a location (or in some of its zones). */
  restrictSize(restriction: SizeRestriction): void {
    this.restrictions.push({ ...restriction, ...(restriction.zones ? { zones: [...restriction.zones] } : {}) });
  }

  setQuota(limit: QuotaLimit): void {
    const index = this.quotas.findIndex(
      (q) => q.subscriptionId.toLowerCase() === limit.subscriptionId.toLowerCase() && norm(q.location) === norm(limit.location),
    );
    if (index >= 0) this.quotas.splice(index, 1);
    this.quotas.push({ ...limit, ...(limit.families ? { families: { ...limit.families } } : {}) });
  }

  /** Every size the simulated regions know (each is offered in every location unless a restriction says otherwise). */
  sizes(): readonly VmSizeSpec[] {
    return SIZES;
  }

  /** The restrictions a scenario set for one location (for the resource SKUs list). */
  restrictionsIn(location: string, size: string): readonly SizeRestriction[] {
    return this.restrictions.filter((r) => norm(r.location) === norm(location) && r.size.toLowerCase() === size.toLowerCase());
  }

  size(name: string): VmSizeSpec | undefined {
    return SIZES.find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  /** The image for a create request, or ARM's PlatformImageNotFound. */
  resolveImage(request: ImageRequest): ResolvedImage {
    const image = this.findImage(request);
    const wanted = request.version ?? 'latest';
    const version = image
      ? wanted.toLowerCase() === 'latest'
        ? image.versions.at(-1)
        : image.versions.find((v) => v === wanted)
      : undefined;
    if (!image || !version) {
      throw new ArmHttpError(
        404,
        'PlatformImageNotFound',
        `The platform image '${request.publisher ?? ''}:${request.offer ?? ''}:${request.sku ?? ''}:${wanted}' is not available. ` +
          'Verify that all fields in the storage profile are correct. For more details about storage profile information, ' +
          'please refer to https://aka.ms/storageprofile',
        'imageReference',
      );
    }
    return { image, version };
  }

  /** True when a scenario made the size unavailable in this location or zone. */
  isRestricted(placement: VmPlacement): boolean {
    const zones = placement.zones ?? [];
    return this.restrictions.some(
      (r) =>
        norm(r.location) === norm(placement.location) &&
        r.size.toLowerCase() === placement.size.toLowerCase() &&
        (r.zones === undefined || zones.some((z) => r.zones!.includes(z))),
    );
  }

  /** Refuses a size the location or zone does not offer (unknown sizes included: pessimistic). */
  checkSizeOffered(placement: VmPlacement): VmSizeSpec {
    const spec = this.size(placement.size);
    const zones = placement.zones ?? [];
    if (!spec || this.isRestricted(placement)) {
      throw conflict(
        'SkuNotAvailable',
        `The requested size for resource '${placement.vmId}' is currently not available in location '${norm(placement.location)}' ` +
          `zones '${zones.join(',')}' for subscription '${placement.subscriptionId}'. Please try another size or deploy to a ` +
          'different location or zones. See https://aka.ms/azureskunotavailable for details.',
      );
    }
    return spec;
  }

  /** Refuses a VM whose cores would exceed the family or the regional quota, counting `existing` VMs' cores. */
  checkQuota(placement: VmPlacement, existing: readonly CoreUsage[]): void {
    const spec = this.size(placement.size);
    if (!spec) return;
    const limit = this.quotas.find(
      (q) => q.subscriptionId.toLowerCase() === placement.subscriptionId.toLowerCase() && norm(q.location) === norm(placement.location),
    );
    if (!limit) return;
    const same = existing.filter(
      (u) => u.subscriptionId.toLowerCase() === placement.subscriptionId.toLowerCase() && norm(u.location) === norm(placement.location),
    );
    const cores = (filter: (s: VmSizeSpec) => boolean): number =>
      same.reduce((sum, u) => {
        const s = this.size(u.size);
        return s && filter(s) ? sum + s.vCpus : sum;
      }, 0);
    const familyLimit = limit.families?.[spec.family];
    if (familyLimit !== undefined)
      this.refuseOver(
        `${spec.family} Cores`,
        familyLimit,
        cores((s) => s.family === spec.family),
        spec.vCpus,
        placement.location,
      );
    if (limit.totalCores !== undefined)
      this.refuseOver(
        'Total Regional Cores',
        limit.totalCores,
        cores(() => true),
        spec.vCpus,
        placement.location,
      );
  }

  private refuseOver(quota: string, limit: number, usage: number, required: number, location: string): void {
    if (usage + required <= limit) return;
    throw conflict(
      'OperationNotAllowed',
      `Operation could not be completed as it results in exceeding approved ${quota} quota. Additional details - ` +
        `Deployment Model: Resource Manager, Location: ${norm(location)}, Current Limit: ${limit}, Current Usage: ${usage}, ` +
        `Additional Required: ${required}, (Minimum) New Limit Required: ${usage + required}. Submit a request for Quota ` +
        'increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView by specifying ' +
        "parameters listed in the 'Details' section for deployment to succeed.",
    );
  }

  private findImage(request: ImageRequest): PlatformImage | undefined {
    return this.images.find(
      (i) =>
        i.publisher.toLowerCase() === (request.publisher ?? '').toLowerCase() &&
        i.offer.toLowerCase() === (request.offer ?? '').toLowerCase() &&
        i.sku.toLowerCase() === (request.sku ?? '').toLowerCase(),
    );
  }
}
