/**
 * SIMULATED: VMs for the watch's tests and demo: Windows, tagged `rdp-autorepair-watch=on`, RDP restricted to the
 * operators' range (which holds this app's address), healthy unless the test breaks the guest. Never registered
 * as a function.
 */
import type { SecurityRuleInput } from '../arm';
import { SIM_OPERATOR_CIDR } from './catalog';
import type { Scenario } from './scenario';

const officeRdp: SecurityRuleInput[] = [
  {
    name: 'AllowRdpFromOffice',
    priority: 300,
    access: 'Allow',
    direction: 'Inbound',
    protocol: 'Tcp',
    sourceAddressPrefix: SIM_OPERATOR_CIDR,
    destinationPortRange: '3389',
  },
];

/** RDP only from a range this app is not in: the watch cannot judge the VM from where it stands. */
const elsewhereRdp: SecurityRuleInput[] = [{ ...officeRdp[0]!, name: 'AllowRdpFromBastion', sourceAddressPrefix: '198.51.100.0/24' }];

export interface WatchedVmOptions {
  powerState?: 'running' | 'deallocated' | 'stopped';
  /** `elsewhere`: the NSG admits RDP only from a range without this app's address. */
  rdpFrom?: 'office' | 'elsewhere';
  /** False leaves the VM without the watch tag (it must not be watched). */
  tagged?: boolean;
}

export function watchedVm(name: string, options: WatchedVmOptions = {}): Scenario {
  return {
    name: `watched-${name}`,
    title: `Watched VM ${name}`,
    story: 'A VM that opted into the watch with the rdp-autorepair-watch=on tag.',
    expectedOutcome: 'AlreadyHealthy',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        osType: 'Windows',
        generation: 'V2',
        powerState: options.powerState ?? 'running',
        agentStatus: 'Ready',
        publicIp: true,
        resourceGroup: rg,
        name,
        nicNsgRules: options.rdpFrom === 'elsewhere' ? elsewhereRdp : officeRdp,
        ...(options.tagged === false ? {} : { tags: { 'rdp-autorepair-watch': 'on' } }),
      }).vm.id,
      guestFault: 'none',
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  };
}
