/**
 * Settings of the ephemeral rescue VM (created when a repair names no rescueVmResourceId) and of the cleanup
 * sweeper. Validated once when the settings are read, so a bad value is a clear ConfigurationError at the start
 * of a repair, never a failed VM create minutes into it.
 */
import { ConfigurationError } from './errors';

/** A marketplace image as ARM's imageReference names it. */
export interface ImageRef {
  publisher: string;
  offer: string;
  sku: string;
  /** A version such as 20348.2849.241105, or `latest`. */
  version: string;
}

export interface RescueVmSettings {
  /** RESCUE_VM_IMAGE: null uses the built-in choice (a Windows Server image that differs from the VM's). */
  image: ImageRef | null;
  /** RESCUE_VM_SIZES, in order of preference: the first one the region and zone offer is used. */
  sizes: string[];
  /** RESCUE_VM_SUBNET_ID: null puts the rescue VM in the broken VM's subnet. */
  subnetId: string | null;
}

export interface CleanupSweepSettings {
  /** CLEANUP_SWEEP_AFTER_HOURS: leftovers of repairs that ended longer ago than this are reported (default 24). */
  afterHours: number;
  /** CLEANUP_SWEEP_DELETE: the sweeper deletes them too (default false: it only reports). */
  delete: boolean;
}

/**
 * Two vCPU general-purpose sizes of three families, so that one family's quota or capacity does not stop the
 * repair: a rescue VM only mounts a disk and runs one script (Microsoft docs: Dsv5, Dasv5 and Dsv3 size pages).
 */
export const DEFAULT_RESCUE_VM_SIZES = ['Standard_D2s_v5', 'Standard_D2as_v5', 'Standard_D2s_v3'];

export const DEFAULT_RESCUE_VM_SETTINGS: RescueVmSettings = { image: null, sizes: DEFAULT_RESCUE_VM_SIZES, subnetId: null };

type Env = Record<string, string | undefined>;

const SIZE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const IMAGE_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const SUBNET_ID =
  /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+\/subnets\/[^/]+$/i;

/** publisher:offer:sku:version, as `az vm create --image` takes a URN. */
export function parseImageUrn(raw: string): ImageRef | string {
  const parts = raw.trim().split(':');
  if (parts.length !== 4 || parts.some((p) => !IMAGE_PART.test(p))) {
    return (
      'must be publisher:offer:sku:version (e.g. MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:latest), ' +
      `got '${raw}'`
    );
  }
  const [publisher, offer, sku, version] = parts as [string, string, string, string];
  return { publisher, offer, sku, version };
}

export function readRescueVmSettings(env: Env): RescueVmSettings {
  let image: ImageRef | null = null;
  const rawImage = env.RESCUE_VM_IMAGE?.trim();
  if (rawImage) {
    const parsed = parseImageUrn(rawImage);
    if (typeof parsed === 'string') throw new ConfigurationError(`RESCUE_VM_IMAGE ${parsed}`, 'RESCUE_VM_IMAGE');
    image = parsed;
  }
  let sizes = DEFAULT_RESCUE_VM_SIZES;
  const rawSizes = env.RESCUE_VM_SIZES?.trim();
  if (rawSizes) {
    sizes = rawSizes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = sizes.filter((s) => !SIZE_NAME.test(s));
    if (sizes.length === 0 || bad.length > 0) {
      throw new ConfigurationError(
        `RESCUE_VM_SIZES must be a comma-separated list of VM size names (e.g. Standard_D2s_v5,Standard_D2as_v5), got '${rawSizes}'`,
        'RESCUE_VM_SIZES',
      );
    }
  }
  const subnetId = env.RESCUE_VM_SUBNET_ID?.trim() || null;
  if (subnetId !== null && !SUBNET_ID.test(subnetId)) {
    throw new ConfigurationError(
      `RESCUE_VM_SUBNET_ID must be a subnet resource id (/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/` +
        `virtualNetworks/<vnet>/subnets/<subnet>), got '${subnetId}'`,
      'RESCUE_VM_SUBNET_ID',
    );
  }
  return { image, sizes, subnetId };
}

export function readCleanupSweepSettings(env: Env): CleanupSweepSettings {
  const rawHours = env.CLEANUP_SWEEP_AFTER_HOURS?.trim();
  let afterHours = 24;
  if (rawHours) {
    afterHours = Number(rawHours);
    if (!Number.isInteger(afterHours) || afterHours < 1 || afterHours > 8760) {
      throw new ConfigurationError(
        `CLEANUP_SWEEP_AFTER_HOURS must be a whole number from 1 to 8760, got '${rawHours}'`,
        'CLEANUP_SWEEP_AFTER_HOURS',
      );
    }
  }
  const rawDelete = env.CLEANUP_SWEEP_DELETE?.trim().toLowerCase();
  if (rawDelete && rawDelete !== 'true' && rawDelete !== 'false') {
    throw new ConfigurationError(
      `CLEANUP_SWEEP_DELETE must be 'true' or 'false', got '${env.CLEANUP_SWEEP_DELETE}'`,
      'CLEANUP_SWEEP_DELETE',
    );
  }
  return { afterHours, delete: rawDelete === 'true' };
}
