/**
 * SIMULATED: the scenarios of this version (names are part of the contract: tests, demo, bench). Each runs on
 * any simulated Windows build (`onWindowsBuild`); the guest defaults come from windowsBuilds.ts.
 */
import type { ResourceGroupRef, SecurityRuleInput, World } from '../arm';
import { DEFAULT_WINDOWS_BUILD, type WindowsBuild } from '../guest/windowsBuilds';
import { SIMULATED_VAULT_URI } from '../keyVault/simulatedKeyVault';
import { stoppedAgentServices } from '../serialConsole/agentServices';
import type { Scenario } from './scenario';

export const SIM_SUBSCRIPTION_ID = '5f0c1a7e-3b2d-4c8e-9a61-7d2e4b9c0a11';
export const SIM_RESOURCE_GROUP = 'rg-rdp-sim';
export const SIM_LOCATION = 'westeurope';
/** The operators' office range: what they ask RDP to be restricted to. */
export const SIM_OPERATOR_CIDR = '203.0.113.0/24';
/** This app's own outbound address in the simulation (inside the operators' range, so it can verify). */
export const SIM_APP_ADDRESS = '203.0.113.250';

/** RDP admitted from the operators' office range only (the watch fleet's VMs use it too). */
export const restrictedRdp: SecurityRuleInput[] = [
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

const worldOpenRdp: SecurityRuleInput[] = [
  {
    name: 'RDP',
    priority: 300,
    access: 'Allow',
    direction: 'Inbound',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    destinationPortRange: '3389',
  },
];

const windowsVm = {
  osType: 'Windows' as const,
  generation: 'V2' as const,
  powerState: 'running' as const,
  agentStatus: 'Ready' as const,
  publicIp: true,
};

/**
 * A rescue VM for the offline scenarios, named `<vm>-rescue`: Windows in the same region and zone (none) as the scenario
 * VMs, running, agent Ready, on its own network and without a public address.
 */
function addRescueVm(world: World, rg: ResourceGroupRef, name: string): string {
  return world.addVmWithNetwork({
    osType: 'Windows',
    generation: 'V2',
    powerState: 'running',
    agentStatus: 'Ready',
    resourceGroup: rg,
    name,
    vnetAddressPrefix: '10.250.0.0/16',
    subnetAddressPrefix: '10.250.0.0/24',
  }).vm.id;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy',
    title: 'Nothing wrong',
    story: 'RDP works and is already restricted to the office range. The repair must prove it and change nothing.',
    expectedOutcome: 'AlreadyHealthy',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-healthy', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
    }),
    request: (vmId) => ({ vmResourceId: vmId, allowedSourceCidrs: [SIM_OPERATOR_CIDR] }),
  },
  {
    name: 'nsg-open-to-world',
    title: 'RDP open to the Internet (VM under attack)',
    story:
      'The NSG admits RDP from *. Internet-wide scanning exhausts the RDP service, which resets the TLS handshake: "An ' +
      'internal error has occurred". Restricting the rule to the office range stops it.',
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
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        powerState: 'deallocated',
        resourceGroup: rg,
        name: 'vm-stopped',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'linux-vm',
    title: 'Linux VM',
    story: 'The id names a Linux VM: there is no Remote Desktop to repair.',
    expectedOutcome: 'Rejected',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, osType: 'Linux', resourceGroup: rg, name: 'vm-linux' }).vm.id,
      guestFault: 'none',
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'opted-out',
    title: 'VM opted out by tag',
    story: 'The VM carries the tag rdp-autorepair=off: its owners repair it by hand.',
    expectedOutcome: 'Rejected',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        resourceGroup: rg,
        name: 'vm-optout',
        tags: { 'rdp-autorepair': 'off' },
        nicNsgRules: worldOpenRdp,
      }).vm.id,
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
  {
    name: 'port-conflict',
    title: 'Another service holds the RDP port',
    story:
      'W3SVC (IIS) was bound to port 3389 and starts before TermService. Stopping it and starting TermService is enough: no VM restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-portclash', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { portHolder: { service: 'W3SVC', process: 'w3wp', processId: 4120, stoppable: true } },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'port-conflict-unstoppable',
    title: 'A service that cannot be stopped holds the RDP port',
    story:
      'A monitoring agent holds port 3389 and refuses to stop. RDP moves to port 3390, and the NSG admits 3390 from the ' +
      'same sources as 3389.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-portstuck', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { portHolder: { service: 'AcmeMonitor', process: 'acmemon', processId: 2210, stoppable: false } },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'corrupt-certificate',
    title: 'RDP certificate with a corrupt private key',
    story:
      'The self-signed RDP certificate is there but its private key cannot be opened: TLS resets. Removing it lets ' +
      'Windows make a new one; one restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-badcert', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { certificate: 'corrupt-private-key' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'machinekeys-acl',
    title: 'MachineKeys permissions broken',
    story:
      'SYSTEM and NETWORK SERVICE lost access to the RDP key container under MachineKeys: TLS resets. The ACLs are ' +
      'saved, then the missing grants added; one restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-keysacl', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { machineKeysAcl: 'broken' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'tls-disabled',
    title: 'TLS 1.2 disabled for servers',
    story:
      'A hardening script set SCHANNEL TLS 1.2 Server Enabled=0, DisabledByDefault=1: the RDP TLS handshake fails. TLS ' +
      '1.2 is enabled (not 1.0/1.1), Group Policy held off; one restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-notls', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'multiple-faults',
    title: 'Port taken, certificate corrupt and TLS disabled at once',
    story:
      'Three faults together. The port holder (an automatic service) must not start again at the restart the certificate and ' +
      'TLS fixes share: ONE restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-many', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: {
        portHolder: { service: 'W3SVC', process: 'w3wp', processId: 4120, stoppable: true },
        certificate: 'corrupt-private-key',
        tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
      },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'tls-reverted-by-domain-policy',
    title: 'A domain policy disables TLS 1.2 again',
    story:
      'TLS 1.2 Server is disabled by a domain GPO. The repair enables it and RDP works, but as soon as Group Policy runs ' +
      'again the GPO turns it off: the policy itself must change.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-gpo', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: {
        tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
        domain: { name: 'corp.contoso.com', policyDisablesTls12: true },
        gpsvcScmConfigurable: true,
      },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'agent-down',
    title: 'VM agent down: repaired offline on a rescue VM made for it',
    story:
      'TLS 1.2 is disabled and the VM agent does not answer, so Run Command cannot reach the guest; the serial log shows ' +
      'Windows booted, and no serial console is configured. The request allows the offline repair (offline: auto) and ' +
      'names no rescue VM: while the VM still runs, a temporary rescue VM is created in its subnet (another Windows ' +
      'Server image, no public IP); then the VM is deallocated, a copy of its OS disk is repaired on the rescue VM and ' +
      'swapped in, and RDP answers. The rescue VM, its NIC and its OS disk are deleted; the original OS disk is kept.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        resourceGroup: rg,
        name: 'vm-noagent',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
      // Windows booted (its serial log shows SAC ready); no serial console is configured, so the offline repair it is.
      guest: { agent: 'NotReady', boot: 'booted', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'auto' }),
  },
  {
    name: 'rescue-vm-quota',
    title: 'No quota for a rescue VM: nothing changed',
    story:
      'TLS 1.2 is disabled and the offline repair is asked for without a rescue VM, but the subscription has no vCPU quota ' +
      'left in the region: Azure refuses the rescue VM in every size tried (OperationNotAllowed, quota). The VM is never ' +
      'stopped, the rescue NIC made for it is deleted again, and the advice says how to get quota or name a rescue VM.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => {
      const vmId = world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-noquota', nicNsgRules: restrictedRdp }).vm.id;
      // Total Regional Cores exactly used up by this VM (Standard_D2s_v5, 2 vCPUs): any new VM exceeds it.
      world.capacity.setQuota({ subscriptionId: rg.subscriptionId, location: rg.location, totalCores: 2 });
      return { vmId, guestFault: 'none', guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } } };
    },
    request: (vmId) => ({ vmResourceId: vmId, offline: 'only' }),
  },
  {
    name: 'agent-stopped-no-sac',
    title: 'VM agent service stopped, no serial console configured: repaired offline',
    story:
      'Someone stopped the VM agent service and TLS 1.2 is disabled. The serial log shows Windows booted with SAC ready, but ' +
      'no serial console channel is configured (SERIAL_CONSOLE_KEY_VAULT_URI unset), so the request (offline: auto) goes ' +
      'offline: a copy of the OS disk is repaired on the rescue VM and swapped in.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        resourceGroup: rg,
        name: 'vm-agentstopped',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
      guest: { agent: 'NotReady', boot: 'booted', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-agentstopped-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'auto', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'boot-stuck-bugcheck',
    title: 'Windows stops with a stop error at every boot',
    story:
      'The VM agent never answers: the serial log shows a stop error 0x7B (INACCESSIBLE_BOOT_DEVICE) at boot. The offline ' +
      'repair is allowed, but it fixes RDP settings on the disk and cannot fix a bugcheck, so it is not started: ' +
      'NotRepaired, naming the stop code, with what to do.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        resourceGroup: rg,
        name: 'vm-bugcheck',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
      guest: { agent: 'NotReady', boot: { bugcheck: '0x7B' } },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-bugcheck-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'auto', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'boot-diagnostics-off',
    title: 'VM agent down and boot diagnostics off',
    story:
      'TLS 1.2 is disabled and the VM agent does not answer; boot diagnostics are off, so there is no serial log to say ' +
      'why. The request does not allow the offline repair: NotRepaired, with the finding and how to turn boot ' +
      'diagnostics on (with offline: auto it goes offline instead).',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        bootDiagnostics: 'off',
        resourceGroup: rg,
        name: 'vm-nobootdiag',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
      guest: { agent: 'NotReady', boot: 'booted', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-nobootdiag-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'agent-stopped-sac',
    title: 'VM agent service stopped: brought back through the serial console, then repaired online',
    story:
      'TLS 1.2 is disabled and the Windows Azure Guest Agent service is stopped and set to manual start, so Run Command cannot ' +
      'reach the guest. The serial console channel is configured (SERIAL_CONSOLE_KEY_VAULT_URI) and the VM is tagged with the ' +
      'Key Vault secret of its local account: the repair logs in at SAC, sets the agent services to start automatically and ' +
      'starts them, waits for the agent to report Ready, then repairs TLS through Run Command. The request would allow the ' +
      'offline repair, but no disk is swapped.',
    expectedOutcome: 'Repaired',
    settings: { SERIAL_CONSOLE_KEY_VAULT_URI: SIMULATED_VAULT_URI },
    seed: (world, rg) => {
      const vmId = world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        resourceGroup: rg,
        name: 'vm-agentstopped',
        nicNsgRules: restrictedRdp,
        // The tag an operator sets (README, "Serial console"), written out as they would.
        tags: { 'rdp-autorepair-sac-secret': 'vm-agentstopped-login' },
      }).vm.id;
      const credentials = { username: 'rdpadmin', password: 'Sim-Only-Pa55word!' };
      return {
        vmId,
        guestFault: 'none',
        // Windows booted (its serial log shows SAC ready), so the serial console can reach it.
        guest: { agent: 'NotReady', boot: 'booted', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
        rescueVm: { vmId: addRescueVm(world, rg, 'vm-agentstopped-rescue') },
        serialConsole: {
          console: { sac: true, credentials, services: stoppedAgentServices() },
          secret: { name: 'vm-agentstopped-login', value: JSON.stringify(credentials) },
        },
      };
    },
    request: (vmId) => ({ vmResourceId: vmId, offline: 'auto', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'agent-down-no-offline',
    title: 'VM agent down, offline repair not asked for',
    story:
      'TLS 1.2 is disabled and the VM agent does not answer, so Run Command cannot reach the guest. The request does not ' +
      'allow the offline repair (the default), so nothing is changed and the advice says how to ask for it.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        agentStatus: 'NotReady',
        resourceGroup: rg,
        name: 'vm-noagent2',
        nicNsgRules: restrictedRdp,
      }).vm.id,
      guestFault: 'none',
      guest: { agent: 'NotReady', tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  ...(['V2', 'V1'] as const).map(
    (generation): Scenario => ({
      name: `offline-only-gen${generation === 'V2' ? 2 : 1}`,
      title: `Offline repair only, Gen${generation === 'V2' ? 2 : 1} VM`,
      story:
        `TLS 1.2 is disabled on a Generation ${generation === 'V2' ? '2 (UEFI/GPT)' : '1 (BIOS/MBR)'} VM. The request asks for the ` +
        "offline repair only (offline: only): the online phase is skipped, the VM's OS disk is copied once it is deallocated, " +
        'repaired on the named rescue VM and swapped in; RDP answers.',
      expectedOutcome: 'Repaired',
      seed: (world, rg) => {
        const name = `vm-offline-gen${generation === 'V2' ? 2 : 1}`;
        return {
          vmId: world.addVmWithNetwork({ ...windowsVm, generation, resourceGroup: rg, name, nicNsgRules: restrictedRdp }).vm.id,
          guestFault: 'none',
          guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
          rescueVm: { vmId: addRescueVm(world, rg, `${name}-rescue`) },
        };
      },
      request: (vmId) => ({ vmResourceId: vmId, offline: 'only', rescueVmResourceId: `${vmId}-rescue` }),
    }),
  ),
  {
    name: 'offline-with-rescue-vm',
    title: 'Offline repair on a configured rescue VM, which is kept',
    story:
      'RDP refuses connections because TLS 1.2 is disabled, and the operator asks for the offline repair on a rescue VM of ' +
      'their own. The copy is attached to it at a free LUN, repaired and detached again; the rescue VM keeps running.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-withrescue', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-withrescue-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'only', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'offline-did-not-help',
    title: 'Offline repair undone: another program takes the RDP port at boot',
    story:
      'TLS 1.2 is disabled, and a monitoring agent that starts before Remote Desktop takes port 3389 at every boot. The ' +
      'offline repair enables TLS 1.2 on a copy and swaps it in, but RDP stays broken: the original OS disk is swapped back ' +
      'and the VM booted on it. (The online repair moves RDP off a held port; the offline one cannot see running programs.)',
    expectedOutcome: 'RolledBack',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-offline-held', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: {
        tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } },
        portHolder: { service: 'AcmeMonitor', process: 'acmemon', processId: 2210, stoppable: false },
      },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-offline-held-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'only', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'swap-fails',
    title: 'Offline repair stopped at the swap: a policy denies every update of the VM',
    story:
      'TLS 1.2 is disabled. A "Require a tag on resources" policy with the deny effect was assigned after the VM was created, ' +
      'and the VM lacks the tag: ARM refuses any update of it, so the OS disk swap fails (RequestDisallowedByPolicy) after ' +
      'the copy was repaired. The VM is started again on its original, unchanged OS disk: NotRepaired, saying why.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => {
      const vm = world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-swap-denied', nicNsgRules: restrictedRdp }).vm;
      // The built-in definition "Require a tag on resources" (871b6d14-10aa-478d-b590-94f262ecfa99), deny effect.
      world.policy.denyUpdates(vm.id, {
        assignmentName: 'require-costcenter-tag',
        assignmentId: `/subscriptions/${rg.subscriptionId}/providers/Microsoft.Authorization/policyAssignments/require-costcenter-tag`,
        definitionName: 'Require a tag on resources',
        definitionId: '/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99',
      });
      return {
        vmId: vm.id,
        guestFault: 'none',
        guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
        rescueVm: { vmId: addRescueVm(world, rg, 'vm-swap-denied-rescue') },
      };
    },
    request: (vmId) => ({ vmResourceId: vmId, offline: 'only', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'encrypted-os-disk',
    title: 'Offline repair refused: the OS disk is encrypted with Azure Disk Encryption',
    story:
      'The offline repair is asked for, but the OS disk is BitLocker-encrypted with its key in a key vault. The repair refuses ' +
      'before changing anything and says how to repair it by hand.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        ...windowsVm,
        resourceGroup: rg,
        name: 'vm-ade',
        nicNsgRules: restrictedRdp,
        osDiskTraits: { adeEncrypted: true },
      }).vm.id,
      guestFault: 'none',
      guest: { tls: { 'TLS 1.2': { enabled: 0, disabledByDefault: 1 } } },
      rescueVm: { vmId: addRescueVm(world, rg, 'vm-ade-rescue') },
    }),
    request: (vmId) => ({ vmResourceId: vmId, offline: 'only', rescueVmResourceId: `${vmId}-rescue` }),
  },
  {
    name: 'unknown-cause',
    title: 'Broken for a reason diagnosis cannot see',
    story:
      'The RDP certificate looks fine to an administrator (its key opens) but TermService cannot use it (a key in a ' +
      'provider its TLS stack does not take). Diagnosis finds nothing, so the article order runs one step at a time: a ' +
      'new certificate, restart, probe: repaired.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-mystery', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { certificate: 'key-unusable-by-termservice' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'port-held-by-shared-svchost',
    title: 'The RDP port is held inside a shared svchost',
    story:
      'A netsh portproxy rule makes IP Helper listen on 3389, in a svchost it shares with other services (Server 2016, ' +
      'or a VM size under 3.5 GB). Which service owns the socket is not certain and stopping one would stop the process ' +
      'the others run in: nothing is stopped, and the outcome says how to find the owner.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-sharedport', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { portHolder: { service: 'iphlpsvc', process: 'svchost', processId: 3100, sharedWith: ['Schedule', 'Winmgmt', 'ProfSvc'] } },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'pinned-cert-expired',
    title: 'The pinned CA certificate has expired',
    story:
      'SSLCertificateSHA1Hash pins a CA-issued certificate in LocalMachine\\My that expired: clients refuse it. The ' +
      "expired pin goes like a missing one and RDP serves Windows' own certificate; one restart.",
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-oldpin', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { pinnedCertificate: 'expired' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'corrupt-key-container',
    title: 'The RDP key container file is corrupt',
    story:
      'The f686aace key container under MachineKeys is damaged: the key does not open whatever its ACL, and Windows ' +
      'cannot create a new RDP key while the file is there. The container is moved into the backup, the certificate ' +
      'removed, Windows issues a new one; one restart.',
    expectedOutcome: 'Repaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-badkey', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { certificate: 'corrupt-key-container' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
  {
    name: 'unrepairable',
    title: 'A Deny entry no repair can lift',
    story:
      'A Deny entry for NETWORK SERVICE on the RDP key container outranks every grant. Diagnosis sees it; the add-only ' +
      'repair cannot remove a deny (by design: it never rewrites ACLs wholesale), so the outcome is NotRepaired with the ' +
      'ACL to fix.',
    expectedOutcome: 'NotRepaired',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({ ...windowsVm, resourceGroup: rg, name: 'vm-denied', nicNsgRules: restrictedRdp }).vm.id,
      guestFault: 'none',
      guest: { machineKeysAcl: 'deny-network-service' },
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** The same scenario with its Windows guest on `build` (the scenario's own faults unchanged). */
export function onWindowsBuild(scenario: Scenario, build: WindowsBuild = DEFAULT_WINDOWS_BUILD): Scenario {
  return {
    ...scenario,
    seed: (world, rg) => {
      const seeded = scenario.seed(world, rg);
      return { ...seeded, guest: { ...seeded.guest, windowsBuild: build } };
    },
  };
}
