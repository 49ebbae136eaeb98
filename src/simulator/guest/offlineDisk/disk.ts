/**
 * SIMULATED: the copy of a broken VM's OS disk as a rescue VM sees it once attached at a LUN, and the rescue VM's
 * own disks (for a signature collision). Gen1 disks are MBR with an active "System Reserved" partition holding
 * \Boot\BCD; Gen2 disks are GPT with an EFI system partition holding \EFI\Microsoft\Boot\BCD and a Microsoft
 * reserved partition (Microsoft docs: "UEFI/GPT-based hard drive partitions" and "BIOS/MBR-based hard drive
 * partitions"). Not modelled: dynamic disks, Storage Spaces, a resource disk that shares the LUN (on a Gen2 rescue
 * VM the resource disk is LUN 1 of the OS disk's controller: the script tells them apart by size).
 */
import type { HiveKey } from './hive';

export type PartitionRole = 'system-reserved' | 'efi' | 'msr' | 'windows' | 'recovery';

/** The rights the script cares about on one key container file. */
export interface KeyContainerAcl {
  system: 'F' | 'R' | null;
  networkService: 'F' | 'R' | null;
  administrators: 'F' | 'R' | null;
  sessionEnv: 'F' | 'R' | null;
  /** A deny entry for NETWORK SERVICE: icacls /grant cannot outrank it. */
  networkServiceDenied: boolean;
}

export interface KeyContainerFile {
  name: string;
  sizeBytes: number;
  acl: KeyContainerAcl;
}

/** A Windows installation on a volume: its hives and the files the repair touches. */
export interface OfflineWindows {
  hives: { SYSTEM: HiveKey; SOFTWARE: HiveKey };
  machineKeys: KeyContainerFile[];
}

/** The BCD elements the script reads and writes (null: element absent). */
export interface BcdStoreState {
  bootmgr: { displaybootmenu: boolean | null; timeout: number | null; bootems: boolean | null; defaultLoader: string | null };
  loaders: Record<string, { ems: boolean | null }>;
  emssettings: { emsport: number | null; emsbaudrate: number | null } | null;
}

export interface OfflinePartition {
  number: number;
  role: PartitionRole;
  sizeGiB: number;
  active: boolean;
  fileSystem: 'NTFS' | 'FAT32' | null;
  /** BitLocker-locked: the file system cannot be read until the volume is unlocked. */
  bitlockerLocked: boolean;
  driveLetter: string | null;
  windows: OfflineWindows | null;
  bcd: BcdStoreState | null;
  /** Files the repair wrote, by path from the volume root (e.g. \rdp-autorepair\<run>\report.json), with content. */
  files: Record<string, string>;
}

export interface OfflineDisk {
  sizeGiB: number;
  partitionStyle: 'MBR' | 'GPT';
  /** MBR disk signature (0 for GPT). */
  signature: number;
  /** GPT disk GUID ('' for MBR). */
  guid: string;
  online: boolean;
  readOnly: boolean;
  partitions: OfflinePartition[];
}

/** A VM's disks as Windows on it sees them: its own OS disk, and data disks by LUN. */
export interface DiskBay {
  osDisk: { signature: number; guid: string };
  byLun: Map<number, OfflineDisk>;
}

export function emptyDiskBay(): DiskBay {
  // Arbitrary identity for the rescue VM's own OS disk; a collision is made by copying it onto a data disk.
  return { osDisk: { signature: 0x5ea7c0de, guid: '{6f4c1d2a-0000-4000-8000-00000000a001}' }, byLun: new Map() };
}
