/** A healthy Gen2 Trusted Launch OS disk's properties, for the offline decision tests. */
import type { OsDiskProperties } from '../../src/domain/offlineRepair';

export const healthyOsDisk: OsDiskProperties = {
  id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/os',
  location: 'westeurope',
  zone: '1',
  skuName: 'Premium_LRS',
  sizeGiB: 127,
  hyperVGeneration: 'V2',
  osType: 'Windows',
  securityType: 'TrustedLaunch',
  diskControllerTypes: 'SCSI, NVMe',
  architecture: 'x64',
  networkAccessPolicy: 'AllowAll',
  maxShares: null,
  diskEncryptionSetId: null,
};
