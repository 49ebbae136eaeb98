/**
 * SIMULATED: the simulated subscription. Three faces:
 *  - a typed builder for scenario authors (`addResourceGroup`, `addVirtualNetwork`, `addSubnet`,
 *    `addNetworkSecurityGroup`, `addPublicIp`, `addNic`, `addVm`, `addDisk`, and `addVmWithNetwork` for the
 *    common one-VM-one-NIC layout);
 *  - read-only accessors for test assertions (`vm(id)`, `nsg(id)`, `snapshots()`, ...), which first bring
 *    time-driven state up to the virtual clock;
 *  - mutation helpers the request handlers use, each emitting the matching change notification.
 */
import { formatTypedResourceId, ResourceTypes } from '../../../azure/resourceId';
import type { LatencyModel } from '../../latencyModel';
import type { VirtualClock } from '../../virtualClock';
import type { ChangeFeed, ArmChange } from '../changes';
import { defaultSecurityRules } from './defaultSecurityRules';
import { GuidSource } from './guids';
import { PolicyDenies } from './policyDenies';
import { ruleFromInput, validateRule, type SecurityRuleInput } from './securityRules';
import { key, resourceGroupId, Store } from './store';
import type {
  AgentHealth,
  AgentStatus,
  BootDiagnosticsSetting,
  DiskState,
  DiskTraits,
  HyperVGeneration,
  NetworkInterfaceState,
  NetworkSecurityGroupState,
  OsType,
  PowerState,
  PublicIpState,
  SecurityRuleState,
  SecurityType,
  SettledPowerState,
  SnapshotState,
  SubnetState,
  VirtualMachineState,
  VirtualNetworkState,
} from './types';
import { reportedAgentStatus } from './vmStatus';
import { ComputeCapacity } from './computeCapacity';

export interface ResourceGroupRef {
  id: string;
  subscriptionId: string;
  name: string;
  location: string;
}

export interface ResourceRef {
  id: string;
  name: string;
}

type Ref = ResourceRef | string;

interface PlacedInput {
  resourceGroup: ResourceGroupRef;
  name: string;
  /** Defaults to the resource group's location. */
  location?: string;
  tags?: Record<string, string>;
}

export interface VirtualNetworkInput extends PlacedInput {
  addressPrefixes?: string[];
}

export interface SubnetInput {
  vnet: Ref;
  name: string;
  addressPrefix?: string;
  nsg?: Ref;
}

export interface NetworkSecurityGroupInput extends PlacedInput {
  rules?: SecurityRuleInput[];
}

export interface PublicIpInput extends PlacedInput {
  ipAddress?: string;
  sku?: 'Basic' | 'Standard';
  zones?: string[];
}

export interface NicInput extends PlacedInput {
  subnet: Ref;
  privateIpAddress?: string;
  publicIp?: Ref;
  nsg?: Ref;
}

export interface DiskInput extends PlacedInput {
  sizeGb?: number;
  osType?: OsType;
  generation?: HyperVGeneration;
  zone?: string;
  sku?: string;
  traits?: DiskTraits;
}

export interface VmInput extends PlacedInput {
  osType?: OsType;
  generation?: HyperVGeneration;
  zone?: string;
  powerState?: SettledPowerState;
  /** The guest agent's health; `Ready` still reads NotReady while the VM boots. */
  agentStatus?: AgentHealth;
  /** false: the OS disk is an unmanaged VHD in a storage account (no disk resource). */
  managedOsDisk?: boolean;
  /** Security type of the VM and its OS disk (default Standard). */
  securityType?: SecurityType;
  /** Traits of the managed OS disk beyond the security type (controller types, ADE, network access policy). */
  osDiskTraits?: DiskTraits;
  /** Boot diagnostics (default managed storage, as the portal creates VMs). */
  bootDiagnostics?: BootDiagnosticsSetting;
  nics: Ref[];
  vmSize?: string;
  computerName?: string;
  osDiskSizeGb?: number;
  osDiskSku?: string;
  adminUsername?: string;
}

export interface VmRef extends ResourceRef {
  osDiskId?: string;
}

export interface VmWithNetworkInput extends Omit<VmInput, 'nics'> {
  /** Rules of the NSG on the VM's NIC; omit for no NIC NSG. */
  nicNsgRules?: SecurityRuleInput[];
  /** Rules of the NSG on the subnet; omit for no subnet NSG. */
  subnetNsgRules?: SecurityRuleInput[];
  /** true for a generated public IP, a string for a specific address, omit for none. */
  publicIp?: boolean | string;
  vnetAddressPrefix?: string;
  subnetAddressPrefix?: string;
  privateIpAddress?: string;
}

export interface VmWithNetwork {
  vm: VmRef;
  nic: ResourceRef;
  vnet: ResourceRef;
  subnet: ResourceRef;
  nicNsg?: ResourceRef;
  subnetNsg?: ResourceRef;
  publicIp?: ResourceRef;
}

/** Read-only view of a VM for assertions (a copy: changing it changes nothing). */
export interface VmView extends VirtualMachineState {
  agentStatus: AgentStatus | undefined;
}

export interface SnapshotView extends SnapshotState {
  completionPercent: number;
}

export interface NsgView extends NetworkSecurityGroupState {
  defaultRules: SecurityRuleState[];
  nicIds: string[];
  subnetIds: string[];
}

const WINDOWS_IMAGE = { publisher: 'MicrosoftWindowsServer', offer: 'WindowsServer', version: 'latest' };
const LINUX_IMAGE = { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', version: 'latest' };

export class World {
  readonly store = new Store();
  readonly guids: GuidSource;
  /** Images, VM sizes per location and zone, vCPU quotas: what VM create checks (computeCapacity.ts). */
  readonly capacity = new ComputeCapacity();
  /** Deny-effect policy assignments (policyDenies.ts): the resources whose updates ARM refuses. */
  readonly policy = new PolicyDenies();
  /** Set by SimulatedArm: settles operations that finished by the current virtual time before any read. */
  syncHook: () => void = () => undefined;
  private readonly lastAgentStatus = new Map<string, AgentStatus | undefined>();
  private nextPrivateIp = 4;
  /** The instant and VM count refreshAgentStatuses last looked at. */
  private agentStatusesSeen: { nowMs: number; vms: number } | undefined;
  private nextPublicIp = 10;

  constructor(
    readonly clock: VirtualClock,
    readonly latency: LatencyModel,
    readonly changes: ChangeFeed,
    seed?: number,
  ) {
    this.guids = new GuidSource(seed);
  }

  // ---------------------------------------------------------------- builder

  addResourceGroup(input: { subscriptionId: string; name: string; location?: string; tags?: Record<string, string> }): ResourceGroupRef {
    const location = input.location ?? 'westeurope';
    const id = resourceGroupId(input.subscriptionId, input.name);
    if (this.store.resourceGroups.has(id)) throw new Error(`SIMULATED ARM builder: resource group ${id} already exists`);
    this.store.resourceGroups.set(id, { subscriptionId: input.subscriptionId, name: input.name, location, tags: { ...input.tags } });
    return { id, subscriptionId: input.subscriptionId, name: input.name, location };
  }

  addVirtualNetwork(input: VirtualNetworkInput): ResourceRef {
    const id = this.newId(ResourceTypes.virtualNetwork, input);
    const state: VirtualNetworkState = {
      ...this.tracked(id, input),
      addressPrefixes: input.addressPrefixes ?? ['10.0.0.0/16'],
      resourceGuid: this.guids.guid(),
    };
    this.store.virtualNetworks.set(id, state);
    return { id, name: input.name };
  }

  addSubnet(input: SubnetInput): ResourceRef {
    const vnet = this.must(this.store.virtualNetworks.get(refId(input.vnet)), 'virtual network', input.vnet);
    const id = formatTypedResourceId(ResourceTypes.subnet, vnet.subscriptionId, vnet.resourceGroup, vnet.name, input.name);
    if (this.store.subnets.has(id)) throw new Error(`SIMULATED ARM builder: subnet ${id} already exists`);
    const nsgId = input.nsg ? this.must(this.store.networkSecurityGroups.get(refId(input.nsg)), 'NSG', input.nsg).id : undefined;
    const state: SubnetState = {
      id,
      name: input.name,
      vnetId: vnet.id,
      addressPrefix: input.addressPrefix ?? '10.0.0.0/24',
      ...(nsgId ? { nsgId } : {}),
      etag: this.guids.etag(),
    };
    this.store.subnets.set(id, state);
    return { id, name: input.name };
  }

  addNetworkSecurityGroup(input: NetworkSecurityGroupInput): ResourceRef {
    const id = this.newId(ResourceTypes.networkSecurityGroup, input);
    const rules: SecurityRuleState[] = [];
    for (const ruleInput of input.rules ?? []) {
      const rule = ruleFromInput(ruleInput, this.guids.etag());
      const problem = validateRule(rule, rules);
      if (problem) throw new Error(`SIMULATED ARM builder: NSG ${input.name}: ${problem.message}`);
      rules.push(rule);
    }
    this.store.networkSecurityGroups.set(id, { ...this.tracked(id, input), rules, resourceGuid: this.guids.guid() });
    return { id, name: input.name };
  }

  addPublicIp(input: PublicIpInput): ResourceRef {
    const id = this.newId(ResourceTypes.publicIPAddress, input);
    const state: PublicIpState = {
      ...this.tracked(id, input),
      // 20.x addresses are Azure public space; documentation ranges would be filtered by nothing here either way.
      ipAddress: input.ipAddress ?? `20.50.100.${this.nextPublicIp++}`,
      skuName: input.sku ?? 'Standard',
      allocationMethod: (input.sku ?? 'Standard') === 'Standard' ? 'Static' : 'Dynamic',
      ...(input.zones ? { zones: [...input.zones] } : {}),
      resourceGuid: this.guids.guid(),
    };
    this.store.publicIps.set(id, state);
    return { id, name: input.name };
  }

  addNic(input: NicInput): ResourceRef {
    const id = this.newId(ResourceTypes.networkInterface, input);
    const subnet = this.must(this.store.subnets.get(refId(input.subnet)), 'subnet', input.subnet);
    const publicIpId = input.publicIp
      ? this.must(this.store.publicIps.get(refId(input.publicIp)), 'public IP', input.publicIp).id
      : undefined;
    const nsgId = input.nsg ? this.must(this.store.networkSecurityGroups.get(refId(input.nsg)), 'NSG', input.nsg).id : undefined;
    const state: NetworkInterfaceState = {
      ...this.tracked(id, input),
      subnetId: subnet.id,
      ipConfigurationName: 'ipconfig1',
      privateIpAddress: input.privateIpAddress ?? this.allocatePrivateIp(subnet.id, subnet.addressPrefix),
      ...(publicIpId ? { publicIpId } : {}),
      ...(nsgId ? { nsgId } : {}),
      macAddress: this.guids.macAddress(),
      resourceGuid: this.guids.guid(),
    };
    this.store.networkInterfaces.set(id, state);
    return { id, name: input.name };
  }

  addDisk(input: DiskInput): ResourceRef {
    const id = this.newId(ResourceTypes.disk, input);
    this.store.disks.set(id, {
      ...this.tracked(id, input),
      ...(input.zone ? { zones: [input.zone] } : {}),
      skuName: input.sku ?? 'Premium_LRS',
      ...input.traits,
      ...(input.osType ? { osType: input.osType } : {}),
      ...(input.generation ? { hyperVGeneration: input.generation } : {}),
      sizeGb: input.sizeGb ?? 127,
      createOption: 'Empty',
      provisioningState: 'Succeeded',
      timeCreated: this.clock.now().toISOString(),
      uniqueId: this.guids.guid(),
    });
    return { id, name: input.name };
  }

  addVm(input: VmInput): VmRef {
    const id = this.newId(ResourceTypes.virtualMachine, input);
    const osType = input.osType ?? 'Windows';
    const generation = input.generation ?? 'V2';
    const location = input.location ?? input.resourceGroup.location;
    if (input.nics.length === 0) throw new Error(`SIMULATED ARM builder: VM ${input.name} needs at least one NIC`);
    const nics = input.nics.map((nic) => this.must(this.store.networkInterfaces.get(refId(nic)), 'NIC', nic));
    for (const nic of nics) {
      if (nic.vmId) throw new Error(`SIMULATED ARM builder: NIC ${nic.name} is already attached to ${nic.vmId}`);
    }

    const managed = input.managedOsDisk ?? true;
    const osDiskName = `${input.name}_OsDisk_1_${this.guids.guid().replace(/-/g, '')}`;
    let osDiskId: string | undefined;
    if (managed) {
      osDiskId = formatTypedResourceId(ResourceTypes.disk, input.resourceGroup.subscriptionId, input.resourceGroup.name, osDiskName);
      this.store.disks.set(osDiskId, {
        ...this.tracked(osDiskId, { ...input, name: osDiskName, tags: {} }),
        ...(input.zone ? { zones: [input.zone] } : {}),
        skuName: input.osDiskSku ?? 'Premium_LRS',
        ...input.osDiskTraits,
        ...(input.securityType ? { securityType: input.securityType } : {}),
        osType,
        hyperVGeneration: generation,
        sizeGb: input.osDiskSizeGb ?? 127,
        createOption: 'FromImage',
        managedBy: id,
        provisioningState: 'Succeeded',
        timeCreated: this.clock.now().toISOString(),
        uniqueId: this.guids.guid(),
      });
    }

    const powerState: PowerState = input.powerState ?? 'running';
    const image =
      osType === 'Windows'
        ? { ...WINDOWS_IMAGE, sku: generation === 'V2' ? '2022-datacenter-azure-edition' : '2019-datacenter' }
        : { ...LINUX_IMAGE, sku: generation === 'V2' ? 'server' : 'server-gen1' };
    const state: VirtualMachineState = {
      ...this.tracked(id, { ...input, location }),
      ...(input.zone ? { zones: [input.zone] } : {}),
      vmSize: input.vmSize ?? 'Standard_D2s_v5',
      osType,
      hyperVGeneration: generation,
      computerName: input.computerName ?? input.name.slice(0, 15),
      adminUsername: input.adminUsername ?? 'azureadmin',
      imageReference: image,
      ...(osDiskId
        ? { osDiskId }
        : { unmanagedOsDiskUri: `https://${storageAccountName(input.name)}.blob.core.windows.net/vhds/${osDiskName}.vhd` }),
      osDiskName,
      osDiskCreateOption: 'FromImage',
      ...(input.securityType ? { securityType: input.securityType } : {}),
      dataDisks: [],
      nicIds: nics.map((n) => n.id),
      powerState,
      provisioningState: 'Succeeded',
      agentHealth: input.agentStatus ?? 'Ready',
      bootedAtMs: Number.NEGATIVE_INFINITY,
      provisioningChangedAt: this.clock.now().toISOString(),
      agentVersion: osType === 'Windows' ? '2.7.41491.1176' : '2.13.1.1',
      osName: osType === 'Windows' ? 'Windows Server 2022 Datacenter Azure Edition' : 'ubuntu',
      osVersion: osType === 'Windows' ? '10.0.20348.3091' : '24.04',
      vmId: this.guids.guid(),
      timeCreated: this.clock.now().toISOString(),
      bootDiagnostics: input.bootDiagnostics ?? 'managed',
    };
    this.store.virtualMachines.set(id, state);
    for (const nic of nics) nic.vmId = id;
    this.lastAgentStatus.set(key(id), this.agentStatusOf(state));
    return { id, name: input.name, ...(osDiskId ? { osDiskId } : {}) };
  }

  /** One VM with its own VNet, subnet, NIC and optional NSGs and public IP: the usual scenario layout. */
  addVmWithNetwork(input: VmWithNetworkInput): VmWithNetwork {
    const { nicNsgRules, subnetNsgRules, publicIp, vnetAddressPrefix, subnetAddressPrefix, privateIpAddress, ...vmInput } = input;
    const base = { resourceGroup: input.resourceGroup, ...(input.location ? { location: input.location } : {}) };
    const vnet = this.addVirtualNetwork({ ...base, name: `${input.name}-vnet`, addressPrefixes: [vnetAddressPrefix ?? '10.0.0.0/16'] });
    const subnetNsg = subnetNsgRules
      ? this.addNetworkSecurityGroup({ ...base, name: `${input.name}-subnet-nsg`, rules: subnetNsgRules })
      : undefined;
    const subnet = this.addSubnet({
      vnet,
      name: 'default',
      addressPrefix: subnetAddressPrefix ?? '10.0.0.0/24',
      ...(subnetNsg ? { nsg: subnetNsg } : {}),
    });
    const nicNsg = nicNsgRules ? this.addNetworkSecurityGroup({ ...base, name: `${input.name}-nsg`, rules: nicNsgRules }) : undefined;
    const pip =
      publicIp === undefined || publicIp === false
        ? undefined
        : this.addPublicIp({ ...base, name: `${input.name}-ip`, ...(typeof publicIp === 'string' ? { ipAddress: publicIp } : {}) });
    const nic = this.addNic({
      ...base,
      name: `${input.name}-nic`,
      subnet,
      ...(pip ? { publicIp: pip } : {}),
      ...(nicNsg ? { nsg: nicNsg } : {}),
      ...(privateIpAddress ? { privateIpAddress } : {}),
    });
    const vm = this.addVm({ ...vmInput, nics: [nic] });
    return {
      vm,
      nic,
      vnet,
      subnet,
      ...(nicNsg ? { nicNsg } : {}),
      ...(subnetNsg ? { subnetNsg } : {}),
      ...(pip ? { publicIp: pip } : {}),
    };
  }

  // ---------------------------------------------------------------- accessors (copies, synced to the clock)

  vm(id: string): VmView {
    this.syncHook();
    const vm = this.must(this.store.virtualMachines.get(id), 'VM', id);
    return { ...structuredClone(vm), agentStatus: this.agentStatusOf(vm) };
  }

  vms(): VmView[] {
    this.syncHook();
    return this.store.virtualMachines.values().map((vm) => ({ ...structuredClone(vm), agentStatus: this.agentStatusOf(vm) }));
  }

  nsg(id: string): NsgView {
    this.syncHook();
    const nsg = this.must(this.store.networkSecurityGroups.get(id), 'NSG', id);
    return {
      ...structuredClone(nsg),
      defaultRules: defaultSecurityRules(nsg.etag),
      nicIds: this.store.networkInterfaces
        .values()
        .filter((n) => sameId(n.nsgId, nsg.id))
        .map((n) => n.id),
      subnetIds: this.store.subnets
        .values()
        .filter((s) => sameId(s.nsgId, nsg.id))
        .map((s) => s.id),
    };
  }

  nic(id: string): NetworkInterfaceState {
    this.syncHook();
    return structuredClone(this.must(this.store.networkInterfaces.get(id), 'NIC', id));
  }

  subnet(id: string): SubnetState {
    this.syncHook();
    return structuredClone(this.must(this.store.subnets.get(id), 'subnet', id));
  }

  publicIp(id: string): PublicIpState {
    this.syncHook();
    return structuredClone(this.must(this.store.publicIps.get(id), 'public IP', id));
  }

  disk(id: string): DiskState {
    this.syncHook();
    return structuredClone(this.must(this.store.disks.get(id), 'disk', id));
  }

  disks(): DiskState[] {
    this.syncHook();
    return structuredClone(this.store.disks.values());
  }

  snapshots(): SnapshotView[] {
    this.syncHook();
    return this.store.snapshots.values().map((s) => ({ ...structuredClone(s), completionPercent: this.completionPercent(s) }));
  }

  // ---------------------------------------------------------------- scenario controls

  /** Breaks or heals the guest agent (e.g. a simulated guest whose agent service is stopped). */
  setAgentHealth(vmId: string, health: AgentHealth): void {
    const vm = this.must(this.store.virtualMachines.get(vmId), 'VM', vmId);
    vm.agentHealth = health;
    vm.agentHealthSinceMs = this.clock.nowMs();
    this.refreshAgentStatuses(true);
  }

  // ---------------------------------------------------------------- used by handlers and operations

  /**
   * The virtual instant the guest agent is (or will be) Ready, for a running VM whose agent is healthy:
   * `agentReadyAfterBoot` after the last boot, and never before the scenario healed it. Undefined when it
   * cannot be foreseen (VM not running, agent broken).
   */
  agentReadyAtMs(vm: VirtualMachineState): number | undefined {
    if (vm.powerState !== 'running' || vm.agentHealth !== 'Ready') return undefined;
    return Math.max(vm.bootedAtMs + this.latency.agentReadyAfterBoot.ms, vm.agentHealthSinceMs ?? Number.NEGATIVE_INFINITY);
  }

  /**
   * Whether the guest is still booting: from the instant the VM became running until `rdpListeningAfterBoot` after
   * it. PowerState/running says the platform started the VM, not that Windows finished booting. Every way into
   * running sets bootedAtMs (restart, start after deallocation, the offline swap's start, a created VM), so the window
   * applies to each; a created rescue VM has no simulated RDP endpoint, so there it changes nothing.
   */
  guestBooting(vm: VirtualMachineState, nowMs: number = this.clock.nowMs()): boolean {
    return vm.powerState === 'running' && nowMs < vm.bootedAtMs + this.latency.rdpListeningAfterBoot.ms;
  }

  agentStatusOf(vm: VirtualMachineState): AgentStatus | undefined {
    return reportedAgentStatus(vm, this.clock.nowMs(), this.latency.agentReadyAfterBoot.ms);
  }

  /** How much of the snapshot is usable: 100 once its operation succeeded and any background copy has finished. */
  completionPercent(snapshot: SnapshotState): number {
    if (snapshot.provisioningState !== 'Succeeded') return 0;
    if (!snapshot.backgroundCopy || snapshot.copyDurationMs <= 0) return 100;
    const fraction = (this.clock.nowMs() - snapshot.copyStartedAtMs) / snapshot.copyDurationMs;
    return fraction >= 1 ? 100 : Math.max(0, Math.min(99, Math.floor(fraction * 100)));
  }

  setPowerState(vm: VirtualMachineState, to: PowerState, atMs: number = this.clock.nowMs()): void {
    const from = vm.powerState;
    if (from === to) return;
    vm.powerState = to;
    if (to === 'running') vm.bootedAtMs = atMs;
    this.emit({ kind: 'powerState', at: new Date(atMs), vmId: vm.id, from, to });
    this.refreshAgentStatuses(true);
  }

  setProvisioningState(vm: VirtualMachineState, state: VirtualMachineState['provisioningState'], atMs = this.clock.nowMs()): void {
    vm.provisioningState = state;
    vm.provisioningChangedAt = new Date(atMs).toISOString();
  }

  /**
   * Emits agentStatus changes for VMs whose reported status moved since last looked at. A reported status moves
   * only with the clock, a power or agent-health change (those refresh with `force`) or a VM added or removed, and
   * every request syncs: at the instant already looked at, with as many VMs, there is nothing new to see.
   */
  refreshAgentStatuses(force = false): void {
    const seen = { nowMs: this.clock.nowMs(), vms: this.store.virtualMachines.size };
    if (!force && this.agentStatusesSeen?.nowMs === seen.nowMs && this.agentStatusesSeen.vms === seen.vms) return;
    this.agentStatusesSeen = seen;
    for (const vm of this.store.virtualMachines.values()) {
      const now = this.agentStatusOf(vm);
      const before = this.lastAgentStatus.get(key(vm.id));
      if (now !== before) {
        this.lastAgentStatus.set(key(vm.id), now);
        this.emit({ kind: 'agentStatus', at: this.clock.now(), vmId: vm.id, from: before, to: now });
      }
    }
  }

  emit(change: ArmChange): void {
    this.changes.emit(change);
  }

  newEtag(): string {
    return this.guids.etag();
  }

  // ---------------------------------------------------------------- internals

  private newId(type: Parameters<typeof formatTypedResourceId>[0], input: PlacedInput): string {
    const rg = input.resourceGroup;
    if (!this.store.resourceGroup(rg.subscriptionId, rg.name)) {
      throw new Error(`SIMULATED ARM builder: add resource group ${rg.name} before its resources`);
    }
    const id = formatTypedResourceId(type, rg.subscriptionId, rg.name, input.name);
    const exists =
      this.store.virtualMachines.has(id) ||
      this.store.disks.has(id) ||
      this.store.networkInterfaces.has(id) ||
      this.store.networkSecurityGroups.has(id) ||
      this.store.publicIps.has(id) ||
      this.store.virtualNetworks.has(id);
    if (exists) throw new Error(`SIMULATED ARM builder: ${id} already exists`);
    return id;
  }

  private tracked(id: string, input: PlacedInput) {
    return {
      id,
      subscriptionId: input.resourceGroup.subscriptionId,
      resourceGroup: input.resourceGroup.name,
      name: input.name,
      location: input.location ?? input.resourceGroup.location,
      tags: { ...input.tags },
      etag: this.guids.etag(),
    };
  }

  /**
   * The next host address of a /24 subnet: .4 to .254 (Azure reserves the first four and the last), counting on
   * across the world as before and wrapping round, skipping an address a NIC of that subnet already has (a fleet
   * of 1,000 VMs, each in a subnet of its own, passes .254 long before any one subnet fills).
   */
  private allocatePrivateIp(subnetId: string, addressPrefix: string): string {
    const base = addressPrefix.split('/')[0]!.split('.').slice(0, 3).join('.');
    const used = new Set(
      this.store.networkInterfaces
        .values()
        .filter((n) => key(n.subnetId) === key(subnetId))
        .map((n) => n.privateIpAddress),
    );
    for (let tries = 0; tries < 251; tries++) {
      const address = `${base}.${4 + ((this.nextPrivateIp++ - 4) % 251)}`;
      if (!used.has(address)) return address;
    }
    throw new Error(`SIMULATED ARM builder: subnet ${subnetId} has no free address left`);
  }

  private must<T>(value: T | undefined, what: string, ref: Ref): T {
    if (!value) throw new Error(`SIMULATED ARM: no ${what} ${refId(ref)} in the simulated subscription`);
    return value;
  }
}

function refId(ref: Ref): string {
  return typeof ref === 'string' ? ref : ref.id;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && key(a) === key(b);
}

function storageAccountName(vmName: string): string {
  return `${vmName
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 16)}diag`.slice(0, 24);
}
