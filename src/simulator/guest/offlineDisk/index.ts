/** SIMULATED: the attached copy of a broken VM's OS disk (layouts, hives as trees, BCD, key containers). */
export * from './disk';
export * from './hive';
export {
  attachOfflineDisk,
  buildOfflineDisk,
  healthyKeyAcl,
  MACHINE_GUID,
  RDP_CERT_THUMBPRINT,
  RDP_KEY_FILE,
  type OfflineDiskSpec,
  type OfflineFault,
} from './buildOfflineDisk';
export { guestViewOfDisk, offlineDiskFromGuest, type BootedDiskView, type DiskCopyOptions } from './fromGuest';
