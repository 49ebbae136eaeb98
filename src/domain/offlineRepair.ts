/**
 * The vocabulary of the offline disk-swap repair: when it may run (`OfflineMode`), the settings that give its
 * defaults, and the facts about a VM's OS disk that decide whether its disk may be copied and swapped at all.
 */
import { ConfigurationError } from './errors';

/**
 * `never`: online only. `auto`: offline when the guest cannot be reached or the online fixes did not bring RDP
 * back. `only`: straight to offline. Offline takes the VM down for minutes, so it runs only when asked.
 */
export const OFFLINE_MODES = ['never', 'auto', 'only'] as const;
export type OfflineMode = (typeof OFFLINE_MODES)[number];

export function isOfflineMode(value: unknown): value is OfflineMode {
  return typeof value === 'string' && (OFFLINE_MODES as readonly string[]).includes(value);
}

export interface OfflineSettings {
  /** OFFLINE_REPAIR_DEFAULT: the mode of an HTTP request that does not say (default `never`). */
  offlineRepairDefault: OfflineMode;
  /** ALERT_OFFLINE_REPAIR: the mode of every alert-started repair (default `never`: no one asked for downtime). */
  alertOfflineRepair: OfflineMode;
}

export const DEFAULT_OFFLINE_SETTINGS: OfflineSettings = { offlineRepairDefault: 'never', alertOfflineRepair: 'never' };

function modeSetting(env: Record<string, string | undefined>, name: string): OfflineMode {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return 'never';
  const value = raw.trim().toLowerCase();
  if (!isOfflineMode(value)) throw new ConfigurationError(`${name} must be one of ${OFFLINE_MODES.join(', ')}, got '${raw}'`, name);
  return value;
}

export function readOfflineSettings(env: Record<string, string | undefined>): OfflineSettings {
  return {
    offlineRepairDefault: modeSetting(env, 'OFFLINE_REPAIR_DEFAULT'),
    alertOfflineRepair: modeSetting(env, 'ALERT_OFFLINE_REPAIR'),
  };
}

/**
 * What ARM says about the VM and its OS disk that bears on copying and swapping that disk. Null where ARM did not
 * say (an older API version, a disk that could not be read): the decisions treat unknown as "cannot tell".
 */
export interface OsDiskTraits {
  /** The OS disk is a managed disk (not a VHD in a storage account). */
  managed: boolean;
  /** Ephemeral OS disk (diffDiskSettings.option Local): it lives on the host and cannot be copied or swapped. */
  ephemeral: boolean;
  /** Azure Disk Encryption (BitLocker with keys in a key vault), seen on the VM or on the disk. */
  adeEncrypted: boolean;
  /** The VM's security type (TrustedLaunch, ConfidentialVM, or null for standard). */
  vmSecurityType: string | null;
  /** The VM belongs to a scale set (flexible orchestration): its OS disk is the scale set's to manage. */
  scaleSetId: string | null;
  /** The disk as DiskRP describes it; null when it could not be read. */
  disk: OsDiskProperties | null;
}

/** The OS disk's properties a copy must carry and a swap must match (DiskRP's Disk resource). */
export interface OsDiskProperties {
  id: string;
  location: string;
  zone: string | null;
  skuName: string | null;
  sizeGiB: number | null;
  hyperVGeneration: 'V1' | 'V2' | null;
  osType: 'Windows' | 'Linux' | null;
  /** securityProfile.securityType of the disk (TrustedLaunch, ConfidentialVM_..., or null). */
  securityType: string | null;
  /** supportedCapabilities.diskControllerTypes, e.g. "SCSI, NVMe". */
  diskControllerTypes: string | null;
  architecture: string | null;
  networkAccessPolicy: string | null;
  /** maxShares > 1: a shared disk, attached to several VMs at once. */
  maxShares: number | null;
  /** A customer-managed key (Disk Encryption Set): the copy must use the same one. */
  diskEncryptionSetId: string | null;
}
