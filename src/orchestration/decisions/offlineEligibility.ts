/**
 * Whether a VM's OS disk may be copied, repaired on a rescue VM and swapped in (pure). Every refusal is decided
 * before the first write, so a refused offline repair changes nothing; each says why and what the operator can do.
 */
import type { OsDiskTraits } from '../../domain/offlineRepair';

export interface OfflineRefusal {
  code: 'unmanagedDisk' | 'ephemeralOsDisk' | 'adeEncrypted' | 'confidentialVm' | 'scaleSetInstance' | 'sharedOsDisk' | 'diskUnreadable';
  reason: string;
  advice: string;
}

export type OfflineEligibility = { eligible: true } | { eligible: false; refusals: OfflineRefusal[] };

function isConfidential(securityType: string | null): boolean {
  return securityType?.toLowerCase().startsWith('confidentialvm') === true;
}

export function offlineEligibility(traits: OsDiskTraits): OfflineEligibility {
  const refusals: OfflineRefusal[] = [];
  if (!traits.managed) {
    refusals.push({
      code: 'unmanagedDisk',
      reason: 'the OS disk is an unmanaged VHD in a storage account; the offline repair copies and swaps managed disks only',
      advice: 'Migrate the VM to managed disks (Azure docs: "Migrate a Windows VM from unmanaged disks to managed disks"), then try again.',
    });
  }
  if (traits.ephemeral) {
    refusals.push({
      code: 'ephemeralOsDisk',
      reason: 'the OS disk is ephemeral (kept on the host): it cannot be copied, and deallocating the VM would discard it',
      advice: 'An ephemeral OS disk is rebuilt from its image: reimage the VM, or redeploy it from an image with Remote Desktop working.',
    });
  }
  if (traits.adeEncrypted) {
    refusals.push({
      code: 'adeEncrypted',
      reason:
        'the OS disk is encrypted with Azure Disk Encryption: a rescue VM can read a copy only after unlocking it with the key ' +
        "from the VM's key vault, which this app has no access to",
      advice:
        'Repair it by hand: attach a copy to a rescue VM, unlock it with the BitLocker key from the key vault (Azure docs: ' +
        '"Unlock an encrypted disk for offline repair"), and apply the offline steps in docs/procedure.md, "Offline repair".',
    });
  }
  const security = traits.vmSecurityType ?? traits.disk?.securityType ?? null;
  if (isConfidential(security) || isConfidential(traits.disk?.securityType ?? null)) {
    refusals.push({
      code: 'confidentialVm',
      reason: "the VM is a confidential VM: its OS disk is bound to the VM's own key and its state cannot be read on another VM",
      advice: 'Use the serial console of the VM, or restore the OS disk from a backup taken while Remote Desktop worked.',
    });
  }
  if (traits.scaleSetId !== null) {
    refusals.push({
      code: 'scaleSetInstance',
      reason: `the VM belongs to the scale set ${traits.scaleSetId}, which manages its OS disk; swapping it would fight the scale set`,
      advice: "Reimage or replace the instance from the scale set's model, or fix the image the scale set uses.",
    });
  }
  if (traits.disk === null) {
    if (traits.managed && !traits.ephemeral) {
      refusals.push({
        code: 'diskUnreadable',
        reason:
          "the OS disk's properties could not be read, so a faithful copy (size, generation, security type, controller) cannot be made",
        advice: "Check that the app's identity may read disks in the VM's resource group (README, Permissions), then try again.",
      });
    }
  } else if (traits.disk.maxShares !== null && traits.disk.maxShares > 1) {
    refusals.push({
      code: 'sharedOsDisk',
      reason: `the OS disk is a shared disk (maxShares ${traits.disk.maxShares}); other VMs may see it, so it is never swapped`,
      advice: 'Detach the disk from the other VMs and set maxShares to 1, then try again, or repair it by hand.',
    });
  }
  return refusals.length === 0 ? { eligible: true } : { eligible: false, refusals };
}
