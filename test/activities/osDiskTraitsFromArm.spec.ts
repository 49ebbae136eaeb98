import type { Disk, VirtualMachine } from '@azure/arm-compute';
import { osDiskTraitsFromArm } from '../../src/activities/osDiskTraitsFromArm';

const diskId = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/os';

function vm(osDisk: Record<string, unknown>, extra: Partial<VirtualMachine> = {}): VirtualMachine {
  return { location: 'westeurope', storageProfile: { osDisk: { createOption: 'FromImage', ...osDisk } }, ...extra } as VirtualMachine;
}

const disk: Disk = {
  id: diskId,
  location: 'westeurope',
  zones: ['1'],
  sku: { name: 'Premium_LRS' },
  diskSizeGB: 127,
  hyperVGeneration: 'V2',
  osType: 'Windows',
  securityProfile: { securityType: 'TrustedLaunch' },
  supportedCapabilities: { diskControllerTypes: 'SCSI, NVMe', architecture: 'x64' },
  networkAccessPolicy: 'AllowAll',
} as Disk;

describe('osDiskTraitsFromArm', () => {
  it('reads a managed Trusted Launch disk', () => {
    const traits = osDiskTraitsFromArm(vm({ managedDisk: { id: diskId } }, { securityProfile: { securityType: 'TrustedLaunch' } }), disk);
    expect(traits).toMatchObject({
      managed: true,
      ephemeral: false,
      adeEncrypted: false,
      vmSecurityType: 'TrustedLaunch',
      scaleSetId: null,
    });
    expect(traits.disk).toMatchObject({ zone: '1', hyperVGeneration: 'V2', diskControllerTypes: 'SCSI, NVMe', maxShares: null });
  });

  it('sees ADE on the VM (dual pass) and on the disk (single pass)', () => {
    expect(osDiskTraitsFromArm(vm({ managedDisk: { id: diskId }, encryptionSettings: { enabled: true } }), disk).adeEncrypted).toBe(true);
    const adeDisk = { ...disk, encryptionSettingsCollection: { enabled: true } } as Disk;
    expect(osDiskTraitsFromArm(vm({ managedDisk: { id: diskId } }), adeDisk).adeEncrypted).toBe(true);
  });

  it('sees unmanaged, ephemeral and scale-set OS disks', () => {
    expect(osDiskTraitsFromArm(vm({ vhd: { uri: 'https://a.blob.core.windows.net/vhds/os.vhd' } }), null).managed).toBe(false);
    expect(osDiskTraitsFromArm(vm({ managedDisk: { id: diskId }, diffDiskSettings: { option: 'Local' } }), null).ephemeral).toBe(true);
    const inSet = vm({ managedDisk: { id: diskId } }, { virtualMachineScaleSet: { id: '/ss' } });
    expect(osDiskTraitsFromArm(inSet, disk).scaleSetId).toBe('/ss');
  });
});
