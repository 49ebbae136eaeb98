/** SIMULATED: the scenarios of this version (names are part of the contract: tests, demo, bench). */
import { SecurityRuleInput } from '../arm';
import { Scenario } from './scenario';

export const SIM_SUBSCRIPTION_ID = '5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11';
export const SIM_RESOURCE_GROUP = 'rg-rdp-sim';
export const SIM_LOCATION = 'westeurope';
/** The operators' office range: what they ask RDP to be restricted to. */
export const SIM_OPERATOR_CIDR = '203.0.113.0/24';
/** This app's own outbound address in the simulation (inside the operators' range, so it can verify). */
export const SIM_APP_ADDRESS = '203.0.113.250';

const restrictedRdp: SecurityRuleInput[] = [
  { name: 'AllowRdpFromOffice', priority: 300, access: 'Allow', direction: 'Inbound', protocol: 'Tcp', sourceAddressPrefix: SIM_OPERATOR_CIDR, destinationPortRange: '3389' },
];

const worldOpenRdp: SecurityRuleInput[] = [
  { name: 'RDP', priority: 300, access: 'Allow', direction: 'Inbound', protocol: 'Tcp', sourceAddressPrefix: '*', destinationPortRange: '3389' },
];

const windowsVm = { osType: 'Windows' as const, generation: 'V2' as const, powerState: 'running' as const, agentStatus: 'Ready' as const, publicIp: true };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy',
    title: 'Nothing wrong',
    story: 'RDP works and is already restricted to the office range. The repair must prove it and change nothing.',
    expectedOutcome: 'AlreadyHealthy',
    seed: (world, rg) => ({ vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-healthy', nicNsgRules: restrictedRdp }).vm.id, guestFault: 'none' }),
    request: (vmId) => ({ vmResourceId: vmId, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }),
  },
  {
    name: 'nsg-open-to-world',
    title: 'RDP open to the Internet (VM under attack)',
    story: 'The NSG admits RDP from *. Internet-wide scanning exhausts the RDP service, which resets the TLS handshake: "An internal error has occurred". Restricting the rule to the office range stops it.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-exposed', nicNsgRules: worldOpenRdp }).vm.id,
      guestFault: 'overwhelmed-while-open-to-world',
    }),
    request: (vmId) => ({ vmResourceId: vmId, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }),
  },
  {
    name: 'vm-stopped',
    title: 'VM deallocated',
    story: 'Someone deallocated the VM. RDP cannot answer; the tool must not start a VM someone stopped.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({ vmId: world.addVmWithNetwork({ ...windowsVm, powerState: 'deallocated', resourceGroup: rg, name: 'vm-stopped', nicNsgRules: restrictedRdp }).vm.id, guestFault: 'none' }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'linux-vm',
    title: 'Linux VM',
    story: 'The id names a Linux VM: there is no Remote Desktop to repair.',
    expectedOutcome: 'Rejected',
    seed: (world, rg) => ({ vmId: world.addVmWithNetwork({ ...windowsVm, osType: 'Linux', resourceGroup: rg, name: 'vm-linux' }).vm.id, guestFault: 'none' }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'opted-out',
    title: 'VM opted out by tag',
    story: 'The VM carries the tag rdp-autorepair=off: its owners repair it by hand.',
    expectedOutcome: 'Rejected',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-optout', tags: { 'rdp-autorepair': 'off' }, nicNsgRules: worldOpenRdp }).vm.id,
      guestFault: 'overwhelmed-while-open-to-world',
    }),
    request: (vmId) => ({ vmResourceId: vmId, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }),
  },
  {
    name: 'missing-vm',
    title: 'VM does not exist',
    story: 'The id names a VM that is not there (deleted, or a typo).',
    expectedOutcome: 'Rejected',
    seed: (_world, rg) => ({ vmId: `${rg.id}/providers/Microsoft.Compute/virtualMachines/vm-gone`, guestFault: 'none' }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
