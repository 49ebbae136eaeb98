/** Whether a VM may be repaired at all, decided from what preflight read (pure). */
import type { Outcome } from '../../domain/repairStatus';
import { isOptedOut, OPT_OUT_TAG } from '../../domain/optOutTag';
import type { VmFacts } from '../../domain/vmFacts';

export { isOptedOut, OPT_OUT_TAG };

/** A rejection (the tool must not touch this VM) or null when repair may go on. */
export function rejectionFor(vm: VmFacts): Outcome | null {
  if (isOptedOut(vm.tags)) {
    return {
      kind: 'Rejected',
      reason: `The VM is opted out of automatic repair by its tag ${OPT_OUT_TAG}=off.`,
      advice: [`Remove the tag ${OPT_OUT_TAG}=off (or set it to another value) to allow repairs of this VM.`],
    };
  }
  if (vm.osType !== 'Windows') {
    return {
      kind: 'Rejected',
      reason: `The VM runs ${vm.osType === 'Linux' ? 'Linux' : 'an unknown OS'}; this tool repairs Remote Desktop on Windows VMs only.`,
      advice: vm.osType === 'Linux' ? ['For SSH problems on Linux VMs use the Azure VM repair extension or the serial console.'] : [],
    };
  }
  if (!vm.osDisk.managedDiskId) {
    return {
      kind: 'Rejected',
      reason: 'The VM has an unmanaged (VHD blob) OS disk; this tool snapshots and swaps managed disks only.',
      advice: ['Convert the VM to managed disks (az vm convert) and try again, or repair it by hand.'],
    };
  }
  return null;
}

/** A VM that is not running cannot be probed or repaired online; starting it is the operator's decision. */
export function notRunningOutcome(vm: VmFacts): Outcome | null {
  if (vm.powerState === 'running') return null;
  return {
    kind: 'NotRepaired',
    reason: `The VM is ${vm.powerState}, so Remote Desktop cannot answer; nothing was changed.`,
    advice: ['Start the VM (someone may have stopped it on purpose; this tool does not start VMs), then run the repair again.'],
  };
}
