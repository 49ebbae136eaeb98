/**
 * The ephemeral rescue VM (pure): its deterministic names and tags, its image, the sizes to try, and its security
 * settings, decided from what was read before anything is written. Binding facts:
 *  - a rescue VM from the same image as the broken VM sees a disk-signature collision and keeps the copy offline;
 *    forcing a new signature can break a Gen1 boot. So its image must differ: another Windows Server SKU than the
 *    VM's, or, when RESCUE_VM_IMAGE names the VM's own SKU, a pinned version other than the VM's;
 *  - a disk attaches only in its own region and zone, so the rescue VM goes where the VM is;
 *  - a Trusted Launch OS disk's copy is a Trusted Launch disk (its security type is carried and cannot change): the
 *    rescue VM is made Trusted Launch too (secure boot and vTPM). Whether a standard VM may mount such a disk as a
 *    data disk was not found stated in Microsoft docs; matching the disk's security type is the pessimistic choice.
 */
import type { RescueVmOptions, SizeOffer } from '../../domain/activityContracts';
import type { OsDiskProperties } from '../../domain/offlineRepair';
import type { ImageRef, RescueVmSettings } from '../../domain/rescueVmSettings';
import type { VmFacts } from '../../domain/vmFacts';
import { REPAIR_TAG, ROLE_TAG } from './osDiskCopy';

/**
 * Windows Server images with Gen2 (Trusted Launch capable) builds of two releases: when the VM runs one, the rescue
 * VM runs the other (Microsoft docs, "Windows Server images on Azure Marketplace").
 */
export const DEFAULT_RESCUE_IMAGES: readonly ImageRef[] = [
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2022-datacenter-azure-edition', version: 'latest' },
  { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', sku: '2025-datacenter-azure-edition', version: 'latest' },
];

export interface RescueVmNames {
  vmName: string;
  nicName: string;
  osDiskName: string;
  /** Windows computer names: at most 15 characters. */
  computerName: string;
}

/** FNV-1a of the repair id: the same names on every replay and re-run, different ones for each repair. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export function rescueVmNames(repairId: string): RescueVmNames {
  const h = shortHash(repairId);
  return {
    vmName: `rdprescue-${h}`,
    nicName: `rdprescue-${h}-nic`,
    osDiskName: `rdprescue-${h}-os`,
    computerName: `rdprescue${h.slice(0, 6)}`,
  };
}

export function rescueVmTags(repairId: string): Record<string, string> {
  return { [REPAIR_TAG]: repairId, [ROLE_TAG]: 'rescue-vm' };
}

export type ImageChoice = { ok: true; image: ImageRef; why: string } | { ok: false; problem: string };

const sameSku = (a: { publisher: string; offer: string; sku: string }, b: { publisher: string; offer: string; sku: string }) =>
  a.publisher.toLowerCase() === b.publisher.toLowerCase() &&
  a.offer.toLowerCase() === b.offer.toLowerCase() &&
  a.sku.toLowerCase() === b.sku.toLowerCase();

export function chooseRescueImage(vmImage: RescueVmOptions['vmImage'], override: ImageRef | null): ImageChoice {
  if (override) {
    if (vmImage && sameSku(override, vmImage)) {
      const pinnedElsewhere = override.version.toLowerCase() !== 'latest' && override.version !== vmImage.exactVersion;
      if (!pinnedElsewhere) {
        return {
          ok: false,
          problem:
            `RESCUE_VM_IMAGE names the VM's own image (${vmImage.sku}, version ${vmImage.exactVersion ?? 'unknown'}) with version ` +
            `${override.version}: a rescue VM of the same image sees a disk-signature collision`,
        };
      }
    }
    return { ok: true, image: override, why: 'RESCUE_VM_IMAGE' };
  }
  const image = DEFAULT_RESCUE_IMAGES.find((i) => !vmImage || !sameSku(i, vmImage));
  if (!image) return { ok: false, problem: 'no built-in rescue image differs from the VM image' };
  return { ok: true, image, why: vmImage ? `differs from the VM's image ${vmImage.sku}` : 'the VM was not made from a marketplace image' };
}

export interface SizeChoice {
  /** Offered sizes, in RESCUE_VM_SIZES order. */
  sizes: string[];
  /** Why each other size was skipped. */
  skipped: Array<{ size: string; why: string }>;
}

export function chooseRescueSizes(
  candidates: readonly string[],
  offers: readonly SizeOffer[] | null,
  location: string,
  zone: string | null,
): SizeChoice {
  // Unknown offers (the SKU list was refused): every candidate is tried in order, ARM's refusal decides.
  if (offers === null) return { sizes: [...candidates], skipped: [] };
  const sizes: string[] = [];
  const skipped: SizeChoice['skipped'] = [];
  for (const size of candidates) {
    const offer = offers.find((o) => o.name.toLowerCase() === size.toLowerCase());
    if (!offer?.listed) skipped.push({ size, why: `not offered in ${location}` });
    else if (offer.locationRestricted) skipped.push({ size, why: `not available to this subscription in ${location}` });
    else if (zone !== null && offer.unavailableZones.includes(zone)) skipped.push({ size, why: `not available in zone ${zone}` });
    else sizes.push(offer.name);
  }
  return { sizes, skipped };
}

export interface EphemeralRescuePlan {
  names: RescueVmNames;
  image: ImageRef;
  imageWhy: string;
  sizes: string[];
  skipped: SizeChoice['skipped'];
  subnetId: string;
  securityType: 'TrustedLaunch' | null;
  tags: Record<string, string>;
}

export type EphemeralRescueDecision = { ok: true; plan: EphemeralRescuePlan } | { ok: false; problems: string[] };

export function ephemeralRescuePlan(
  repairId: string,
  vm: VmFacts,
  original: OsDiskProperties,
  options: RescueVmOptions,
  settings: RescueVmSettings,
): EphemeralRescueDecision {
  const problems: string[] = [];
  const image = chooseRescueImage(options.vmImage, settings.image);
  if (!image.ok) problems.push(image.problem);
  const sizes = chooseRescueSizes(settings.sizes, options.offers ?? null, vm.location, vm.zone);
  if (sizes.sizes.length === 0) {
    problems.push(`none of the sizes in RESCUE_VM_SIZES is offered here (${sizes.skipped.map((s) => `${s.size}: ${s.why}`).join('; ')})`);
  }
  const subnetId = settings.subnetId ?? options.subnetId;
  if (subnetId === null) problems.push("the VM's subnet could not be read and RESCUE_VM_SUBNET_ID is not set");
  const securityType = (original.securityType ?? '').toLowerCase() === 'trustedlaunch' ? 'TrustedLaunch' : null;
  if (!image.ok || problems.length > 0 || subnetId === null) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      names: rescueVmNames(repairId),
      image: image.image,
      imageWhy: image.why,
      sizes: sizes.sizes,
      skipped: sizes.skipped,
      subnetId,
      securityType,
      tags: rescueVmTags(repairId),
    },
  };
}
