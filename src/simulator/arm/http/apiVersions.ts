/**
 * SIMULATED: the api-versions the simulated ARM accepts, per operation, each with the azure-rest-api-specs path that
 * lists it. Any other version is refused as ARM refuses it (400 NoRegisteredProviderFound naming the supported
 * versions), so an SDK upgrade that changes a version fails the tests until someone checks the new version's shapes
 * against its spec and adds it here.
 *
 * `spec` is the example (or spec folder) the version was checked against; the conformance suite
 * (test/simulator/arm/conformance.spec.ts) keeps those examples under test/fixtures/arm/specs/.
 */

export interface ApiVersionEntry {
  /** Versions accepted for the operation, newest first. */
  readonly versions: readonly string[];
  /** azure-rest-api-specs path of the spec folder or example that lists the version. */
  readonly spec: string;
  /** Where the spec could not be confirmed, what was checked instead. */
  readonly note?: string;
}

const COMPUTE = 'specification/compute/resource-manager/Microsoft.Compute/Compute/stable/2026-04-01';
const COMPUTE_2024 = 'specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2024-11-01';
const DISK = 'specification/compute/resource-manager/Microsoft.Compute/DiskRP/stable/2025-01-02';
const SKUS = 'specification/compute/resource-manager/Microsoft.Compute/Skus/stable/2021-07-01';
const NETWORK = 'specification/network/resource-manager/Microsoft.Network/stable/2026-01-01';

/** What @azure/arm-compute 25.1.1 and @azure/arm-network 39.0.0 send (their generated `apiVersion` defaults). */
const VM_VERSIONS = ['2026-04-01'] as const;
const RUN_COMMAND_VERSIONS = ['2026-04-01', '2024-11-01'] as const;
const DISK_VERSIONS = ['2026-03-02', '2025-01-02'] as const;
const NETWORK_VERSIONS = ['2026-01-01'] as const;

const DISK_NOTE =
  '2026-03-02 is the version @azure/arm-compute 25.1.1 sends for disks and snapshots; the newest DiskRP version in the ' +
  'stored spec index is 2025-01-02 (DiskRP/readme.md), whose examples the shapes were compared with.';

function vm(example: string): ApiVersionEntry {
  return { versions: VM_VERSIONS, spec: `${COMPUTE}/examples/virtualMachineExamples/${example}` };
}
function runCommand(example: string): ApiVersionEntry {
  return { versions: RUN_COMMAND_VERSIONS, spec: `${COMPUTE_2024}/examples/runCommandExamples/${example}` };
}
function disk(example: string): ApiVersionEntry {
  return { versions: DISK_VERSIONS, spec: `${DISK}/examples/${example}`, note: DISK_NOTE };
}
function network(example: string): ApiVersionEntry {
  return { versions: NETWORK_VERSIONS, spec: `${NETWORK}/examples/${example}` };
}

const SERIAL = 'specification/serialconsole/resource-manager/Microsoft.SerialConsole/SerialConsole/stable';

export const API_VERSIONS: Readonly<Record<string, ApiVersionEntry>> = Object.freeze({
  'serialConsole.getConsoleStatus': {
    versions: ['2024-07-01', '2023-01-01', '2018-05-01'],
    spec: 'specification/serialconsole/resource-manager/Microsoft.SerialConsole/stable/2018-05-01/examples/SerialConsoleStatus.json',
    note: 'The examples disagree on the shape (GetConsoleDisabledExamples.json has a top-level disabled); the product reads both.',
  },
  'serialPorts.connect': {
    versions: ['2024-07-01', '2023-01-01', '2018-05-01'],
    spec: `${SERIAL}/2024-07-01/examples/SerialPortConnectVM.json`,
  },
  'virtualMachines.list': vm('VirtualMachine_List_MaximumSet_Gen.json'),
  'virtualMachines.listAll': vm('VirtualMachine_ListAll_MinimumSet_Gen.json'),
  'virtualMachines.get': vm('VirtualMachine_Get.json'),
  'virtualMachines.instanceView': vm('VirtualMachine_Get_InstanceView.json'),
  'virtualMachines.createOrUpdate': vm('VirtualMachine_Create_WithPasswordAuthentication.json'),
  'virtualMachines.update': vm('VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json'),
  'virtualMachines.delete': {
    versions: ['2026-04-01', '2024-11-01'],
    spec: `${COMPUTE_2024}/examples/virtualMachineExamples/VirtualMachine_Delete_Force.json`,
    note: 'Example read at 2024-11-01 (the stored index has no VM delete example at 2026-04-01); the shape is unchanged.',
  },
  'virtualMachines.start': {
    versions: ['2026-04-01', '2024-11-01'],
    spec: `${COMPUTE_2024}/examples/virtualMachineExamples/VirtualMachine_Start_MaximumSet_Gen.json`,
    note: 'Example read at 2024-11-01 (none at 2026-04-01 in the stored index).',
  },
  'virtualMachines.restart': vm('VirtualMachine_Restart_MaximumSet_Gen.json'),
  'virtualMachines.attachDetachDataDisks': vm('VirtualMachine_AttachDetachDataDisks_MaximumSet_Gen.json'),
  'virtualMachines.deallocate': {
    versions: ['2026-04-01', '2024-11-01'],
    spec: `${COMPUTE_2024}/examples/virtualMachineExamples/VirtualMachine_Deallocate_MaximumSet_Gen.json`,
    note: 'Example read at 2024-11-01 (none at 2026-04-01 in the stored index).',
  },
  'virtualMachines.retrieveBootDiagnosticsData': {
    versions: ['2026-04-01', '2024-11-01'],
    spec: `${COMPUTE_2024}/examples/virtualMachineExamples/VirtualMachine_RetrieveBootDiagnosticsData.json`,
    note:
      'Example read at 2024-11-01 (the stored index has none at 2026-04-01); the body matches the SDK model ' +
      'RetrieveBootDiagnosticsDataResult at both versions.',
  },
  'virtualMachines.powerOff': { versions: VM_VERSIONS, spec: `${COMPUTE}/examples/virtualMachineExamples (VirtualMachines_PowerOff)` },
  'virtualMachineRunCommands.listByVirtualMachine': {
    versions: RUN_COMMAND_VERSIONS,
    spec: `${COMPUTE}/examples/runCommandExamples/VirtualMachineRunCommand_List.json`,
  },
  'virtualMachineRunCommands.getByVirtualMachine': runCommand('VirtualMachineRunCommand_Get.json'),
  'virtualMachineRunCommands.createOrUpdate': runCommand('VirtualMachineRunCommand_CreateOrUpdate.json'),
  'virtualMachineRunCommands.delete': runCommand('VirtualMachineRunCommand_Delete.json'),
  'disks.list': disk('diskExamples/Disk_ListBySubscription.json'),
  'disks.listByResourceGroup': disk('diskExamples/Disk_ListByResourceGroup.json'),
  'disks.get': disk('diskExamples/Disk_Get.json'),
  'disks.createOrUpdate': disk('diskExamples/Disk_Create_FromAnExistingManagedDisk.json'),
  'disks.update': disk('diskExamples/Disk_Update_ChangeTier.json'),
  'disks.delete': disk('diskExamples/Disk_Delete.json'),
  'snapshots.list': disk('snapshotExamples/Snapshot_ListBySubscription.json'),
  'snapshots.listByResourceGroup': disk('snapshotExamples/Snapshot_ListByResourceGroup.json'),
  'snapshots.get': disk('snapshotExamples/Snapshot_GetIncrementalSnapshot.json'),
  'snapshots.createOrUpdate': disk('snapshotExamples/Snapshot_Create_FromAnExistingSnapshot.json'),
  'snapshots.delete': disk('snapshotExamples/Snapshot_Delete.json'),
  'resourceSkus.list': {
    versions: ['2021-07-01'],
    spec: `${SKUS}/examples/skus/ListAvailableResourceSkusForARegion.json`,
  },
  'networkInterfaces.list': network('NetworkInterfaceList.json'),
  'networkInterfaces.get': network('NetworkInterfaceGet.json'),
  'networkInterfaces.createOrUpdate': network('NetworkInterfaceCreate.json'),
  'networkInterfaces.delete': network('NetworkInterfaceDelete.json'),
  'networkInterfaces.listEffectiveNetworkSecurityGroups': network('NetworkInterfaceEffectiveNSGList.json'),
  'networkSecurityGroups.get': network('NetworkSecurityGroupGet.json'),
  'securityRules.list': network('NetworkSecurityGroupRuleList.json'),
  'securityRules.get': network('NetworkSecurityGroupRuleGet.json'),
  'securityRules.createOrUpdate': network('NetworkSecurityGroupRuleCreate.json'),
  'securityRules.delete': network('NetworkSecurityGroupRuleDelete.json'),
  'virtualNetworks.get': network('VirtualNetworkGet.json'),
  'subnets.get': network('SubnetGet.json'),
  'publicIPAddresses.get': network('PublicIpAddressGet.json'),
  // Polling URLs carry the version of the operation they track (the simulator echoes it into them).
  'operations.poll': {
    versions: [...new Set([...VM_VERSIONS, ...RUN_COMMAND_VERSIONS, ...DISK_VERSIONS, ...NETWORK_VERSIONS])],
    spec: 'the api-version of the operation being polled (Azure-AsyncOperation URL)',
  },
  'operations.result': {
    versions: NETWORK_VERSIONS,
    spec: `${NETWORK} (Location URL of network long-running operations)`,
  },
});

/** The entry for an operation; undefined means the simulator has a route without a checked version (a test fails on it). */
export function apiVersionsFor(operation: string): ApiVersionEntry | undefined {
  return API_VERSIONS[operation];
}
