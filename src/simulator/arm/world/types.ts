/**
 * SIMULATED: the state records behind the simulated ARM. Handlers read and change these; renderers turn them
 * into ARM's JSON shapes. Ids are stored as ARM ids in the spelling they were created with; lookups are
 * case-insensitive (see World).
 */

export type OsType = 'Windows' | 'Linux';
export type HyperVGeneration = 'V1' | 'V2';
/** ARM's PowerState/* codes (the instance view's last segment). */
export type PowerState = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';
/** Settled power states a scenario can seed a VM in. */
export type SettledPowerState = Extract<PowerState, 'running' | 'stopped' | 'deallocated'>;
/** The guest agent's health as the scenario sets it; `Ready` still means NotReady while the VM boots. */
export type AgentHealth = 'Ready' | 'NotReady' | 'Unknown';
/** What the instance view reports right now (undefined when the VM is deallocated: no agent to ask). */
export type AgentStatus = AgentHealth;
export type ProvisioningState = 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface ResourceGroupState {
  subscriptionId: string;
  name: string;
  location: string;
  tags: Record<string, string>;
}

/** Common to every top-level resource. */
export interface TrackedResource {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  etag: string;
}

export interface VirtualNetworkState extends TrackedResource {
  addressPrefixes: string[];
  resourceGuid: string;
}

export interface SubnetState {
  id: string;
  name: string;
  vnetId: string;
  addressPrefix: string;
  nsgId?: string;
  etag: string;
}

export type RuleProtocol = 'Tcp' | 'Udp' | 'Icmp' | 'Esp' | 'Ah' | '*';
export type RuleAccess = 'Allow' | 'Deny';
export type RuleDirection = 'Inbound' | 'Outbound';

/**
 * One NSG rule as ARM stores it: each of the four address/port fields is either the singular form or the plural
 * list (ARM rejects both at once); the singular one is kept when only one value was given.
 */
export interface SecurityRuleState {
  name: string;
  protocol: RuleProtocol;
  sourcePortRange?: string;
  sourcePortRanges: string[];
  destinationPortRange?: string;
  destinationPortRanges: string[];
  sourceAddressPrefix?: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefix?: string;
  destinationAddressPrefixes: string[];
  access: RuleAccess;
  priority: number;
  direction: RuleDirection;
  description?: string;
  provisioningState: ProvisioningState;
  etag: string;
}

export interface NetworkSecurityGroupState extends TrackedResource {
  rules: SecurityRuleState[];
  resourceGuid: string;
}

export interface PublicIpState extends TrackedResource {
  ipAddress: string;
  zones?: string[];
  skuName: 'Basic' | 'Standard';
  allocationMethod: 'Static' | 'Dynamic';
  resourceGuid: string;
}

export interface NetworkInterfaceState extends TrackedResource {
  subnetId: string;
  ipConfigurationName: string;
  privateIpAddress: string;
  publicIpId?: string;
  nsgId?: string;
  vmId?: string;
  macAddress: string;
  resourceGuid: string;
}

export type SecurityType = 'Standard' | 'TrustedLaunch' | 'ConfidentialVM';

/**
 * What a disk carries beyond size and type, and what a copy of it (createOption Copy, from the disk or from a
 * snapshot of it) keeps: securityProfile.securityType, supportedCapabilities (diskControllerTypes, architecture),
 * networkAccessPolicy, and Azure Disk Encryption settings (encryptionSettingsCollection), as in the Disk_Get and
 * Snapshot_GetIncrementalSnapshot examples. Absent means Azure's default (Standard, SCSI, x64, AllowAll, no ADE).
 */
export interface DiskTraits {
  securityType?: SecurityType;
  /** e.g. `SCSI` or `SCSI, NVMe`. */
  diskControllerTypes?: string;
  architecture?: 'x64' | 'Arm64';
  networkAccessPolicy?: 'AllowAll' | 'AllowPrivate' | 'DenyAll';
  /** Azure Disk Encryption (BitLocker with keys in a key vault). */
  adeEncrypted?: boolean;
}

export interface DiskState extends TrackedResource, DiskTraits {
  zones?: string[];
  skuName: string;
  osType?: OsType;
  hyperVGeneration?: HyperVGeneration;
  sizeGb: number;
  createOption: 'FromImage' | 'Copy' | 'Empty';
  sourceResourceId?: string;
  /** The VM the disk is attached to (ARM's `managedBy`). */
  managedBy?: string;
  provisioningState: ProvisioningState;
  timeCreated: string;
  uniqueId: string;
}

export interface SnapshotState extends TrackedResource, DiskTraits {
  incremental: boolean;
  sourceResourceId: string;
  sourceUniqueId: string;
  osType?: OsType;
  hyperVGeneration?: HyperVGeneration;
  sizeGb: number;
  skuName: string;
  provisioningState: ProvisioningState;
  timeCreated: string;
  uniqueId: string;
  /**
   * True for a snapshot that is not usable until a background copy completes (source disk Premium SSD v2 or Ultra,
   * or a copy to another region); only those report completionPercent and snapshotAccessState.
   */
  backgroundCopy: boolean;
  /** Virtual instants of the background copy, from which completionPercent is derived (0 duration without one). */
  copyStartedAtMs: number;
  copyDurationMs: number;
}

export interface DataDiskState {
  lun: number;
  name: string;
  diskId: string;
}

export interface VirtualMachineState extends TrackedResource {
  zones?: string[];
  /** securityProfile.securityType; absent: Standard. */
  securityType?: SecurityType;
  vmSize: string;
  osType: OsType;
  hyperVGeneration: HyperVGeneration;
  computerName: string;
  adminUsername: string;
  imageReference: { publisher: string; offer: string; sku: string; version: string };
  /** The image version the VM was created from (`latest` resolved); defaults to the OS version for seeded VMs. */
  imageExactVersion?: string;
  /** Managed OS disk id, or undefined for a VM on an unmanaged (VHD in a storage account) OS disk. */
  osDiskId?: string;
  osDiskName: string;
  /** storageProfile.osDisk.deleteOption: whether deleting the VM deletes its OS disk (Azure's default: Detach). */
  osDiskDeleteOption?: 'Delete' | 'Detach';
  /** NICs created with networkProfile deleteOption Delete, deleted with the VM. */
  nicIdsDeletedWithVm?: string[];
  /** How the VM got its OS disk; Azure keeps reporting it after a swap and refuses requests that change it. */
  osDiskCreateOption: 'FromImage' | 'Attach';
  unmanagedOsDiskUri?: string;
  dataDisks: DataDiskState[];
  nicIds: string[];
  powerState: PowerState;
  provisioningState: ProvisioningState;
  /** Scenario-controlled agent health; the reported status also depends on power state and boot time. */
  agentHealth: AgentHealth;
  /** Virtual instant the scenario last changed agentHealth (a healed agent is not Ready before it was healed). */
  agentHealthSinceMs?: number;
  /** Virtual instant the VM last reached `running` (-Infinity for VMs seeded running). */
  bootedAtMs: number;
  /** Virtual instant of the last provisioning status change, shown in the instance view. */
  provisioningChangedAt: string;
  agentVersion: string;
  osName: string;
  osVersion: string;
  vmId: string;
  timeCreated: string;
  /** Id of the long-running operation currently holding the VM, if any. */
  activeOperationId?: string;
  /**
   * diagnosticsProfile.bootDiagnostics: managed storage (enabled, no storageUri; Azure's default for VMs created in
   * the portal since 2020), a storage account of the owner's, or off (the API default when a template omits it).
   */
  bootDiagnostics: BootDiagnosticsSetting;
}

export type BootDiagnosticsSetting = 'managed' | 'custom' | 'off';
