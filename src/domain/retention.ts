/**
 * What this app leaves behind and keeps: the snapshot every repair takes before it writes, and the original OS
 * disk an offline repair swaps out. Both cost money for as long as they exist; SNAPSHOT_RETENTION_DAYS and
 * ORIGINAL_DISK_RETENTION_DAYS let a timer delete them after a while. Unset: kept for ever (nothing is deleted).
 * The settings are read and validated in config.ts (readRetentionSettings).
 */
/** Tags this app writes on the resources it keeps (src/activities/startOsDiskSnapshot.ts, decisions/osDiskCopy.ts). */
export const RETENTION_TAGS = {
  repairId: 'rdp-autorepair-repair-id',
  vm: 'rdp-autorepair-vm',
  originalOf: 'rdp-autorepair-original-of',
} as const;

export interface RetentionSettings {
  /** Days after its creation a snapshot may be deleted; null: never. */
  snapshotDays: number | null;
  /** Days after its creation a kept original OS disk may be deleted; null: never. */
  originalDiskDays: number | null;
}

export type RetainedKind = 'snapshot' | 'originalDisk';

/** One resource this app keeps, as read from ARM. */
export interface RetainedResource {
  kind: RetainedKind;
  id: string;
  name: string;
  /** The VM it belongs to (from its tag, lower case as written). */
  vmId: string;
  /** The repair that made or kept it; null when the tag is missing. */
  repairId: string | null;
  sizeGb: number | null;
  timeCreated: string | null;
  /** The VM it is attached to (ARM `managedBy`), or null; a snapshot is never attached. */
  attachedTo: string | null;
  /** ARM diskState (Unattached, Attached, Reserved, ...), or null when ARM did not say. */
  diskState: string | null;
}

/** What a repair that is still running holds: its id, its VM and the resources its status names. */
export interface RunningRepairHold {
  repairId: string;
  vmId: string | null;
  resourceIds: string[];
}
