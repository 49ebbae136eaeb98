/**
 * Conformance of the simulated ARM with the azure-rest-api-specs examples, operation by operation.
 *
 * For every ARM operation the product calls (found by scanning src/ outside the simulator for calls on the SDK
 * clients' operation groups), a case drives the REAL SDK client against the simulator exactly as the product does
 * and compares what came back over the wire with the operation's example (test/fixtures/arm/specs/, each with its
 * spec path and commit):
 *  - the status is one of the example's statuses;
 *  - headers that matter: those the example shows (Location, Azure-AsyncOperation), and on every 201/202 a
 *    polling URL and Retry-After;
 *  - body: every field present in both has the same JSON type, recursively (arrays item by item against the
 *    example's first item), and the fields the product reads are present.
 * A product operation without a case fails the suite, and so does a simulator route without an api-version entry.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import type { HttpClient, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';
import { createArmClients } from '../../../src/azure/clients';
import { SimulatedCredential, type SimulatedArm } from '../../../src/simulator/arm';
import { API_VERSIONS } from '../../../src/simulator/arm/http/apiVersions';
import { FAST_RETRY_OPTIONS } from '../../../src/simulator/arm/clients';
import { attachSimulatedGuest, SimulatedWindowsGuest } from '../../../src/simulator/guest';
import { LATENCY_MODEL } from '../../../src/simulator/latencyModel';
import { RG, SUB, standardWorld, type StandardWorld } from '../../fixtures/arm/standardWorld';

const ROOT = join(__dirname, '../../..');
const SPECS = join(ROOT, 'test/fixtures/arm/specs');

interface Exchange {
  operation: string;
  method: string;
  url: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Passes every request to the simulated ARM and keeps what went over the wire. */
class Recorder implements HttpClient {
  readonly exchanges: Exchange[] = [];
  constructor(private readonly arm: SimulatedArm) {}
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    const response = await this.arm.sendRequest(request);
    this.exchanges.push({
      operation: this.arm.requests().at(-1)?.operation ?? 'unknown',
      method: request.method,
      url: request.url,
      status: response.status,
      headers: response.headers.toJSON({ preserveCase: false }),
      body: response.bodyAsText ? (JSON.parse(response.bodyAsText) as unknown) : undefined,
    });
    return response;
  }
}

interface SpecFixture {
  specPath: string;
  commit: string;
  example: {
    parameters: Record<string, unknown>;
    responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
  };
}

interface Context {
  w: StandardWorld;
  compute: ComputeManagementClient;
  network: NetworkManagementClient;
}

interface Case {
  fixture: string;
  /** Does what the product does, up to and including this operation. */
  run(ctx: Context): Promise<void>;
  /** Dotted paths (array items by index) the product reads from the body. */
  reads: string[];
  /** For operations whose result comes from the Location URL: compare that final answer with the example's 200. */
  resultFromLocation?: boolean;
}

const nsgName = 'web01-nsg';
const runCommandBody = (ctx: Context) => ({
  location: ctx.w.rg.location,
  tags: { 'rdp-autorepair': 'owner' },
  source: { script: 'Write-Output ok' },
  parameters: [{ name: 'Port', value: '3389' }],
  asyncExecution: true,
  timeoutInSeconds: 600,
  treatFailureAsDeploymentFailure: false,
});
const putRunCommand = (ctx: Context) =>
  ctx.compute.virtualMachineRunCommands
    .createOrUpdate(RG, 'web01', 'conformance', runCommandBody(ctx), { updateIntervalInMs: 1 })
    .submitted();
const putSnapshot = (ctx: Context) =>
  ctx.compute.snapshots
    .createOrUpdate(
      RG,
      'web01-snap',
      {
        location: ctx.w.rg.location,
        incremental: true,
        creationData: { createOption: 'Copy', sourceResourceId: ctx.w.web01.vm.osDiskId! },
      },
      { updateIntervalInMs: 1 },
    )
    .submitted();

/** One case per ARM operation the product calls. */
const CASES: Record<string, Case> = {
  'virtualMachines.get': {
    fixture: 'compute/VirtualMachine_Get.json',
    run: async ({ compute }) => void (await compute.virtualMachines.get(RG, 'web01', { expand: 'instanceView' })),
    reads: [
      'id',
      'name',
      'location',
      'tags',
      'properties.vmId',
      'properties.hardwareProfile.vmSize',
      'properties.storageProfile.osDisk.osType',
      'properties.storageProfile.osDisk.name',
      'properties.storageProfile.osDisk.managedDisk.id',
      'properties.networkProfile.networkInterfaces.0.id',
      'properties.provisioningState',
      'properties.diagnosticsProfile.bootDiagnostics.enabled',
    ],
  },
  'virtualMachines.retrieveBootDiagnosticsData': {
    fixture: 'compute/VirtualMachine_RetrieveBootDiagnosticsData.json',
    run: async ({ compute, w }) => {
      // A guest drew a screen and wrote to its serial port, so both URLs exist.
      attachSimulatedGuest(w.arm, w.web01.vm.id, new SimulatedWindowsGuest());
      await compute.virtualMachines.retrieveBootDiagnosticsData(RG, 'web01', { sasUriExpirationTimeInMinutes: 5 });
    },
    reads: ['consoleScreenshotBlobUri', 'serialConsoleLogBlobUri'],
  },
  'virtualMachines.list': {
    // The watch lists each resource group of REPAIR_ALLOWED_SCOPES (src/watch/watchDiscovery.ts).
    fixture: 'compute/VirtualMachine_List_MaximumSet_Gen.json',
    run: async ({ compute }) => {
      for await (const _vm of compute.virtualMachines.list(RG)) void _vm;
    },
    reads: [
      'value.0.id',
      'value.0.name',
      'value.0.location',
      'value.0.tags',
      'value.0.properties.vmId',
      'value.0.properties.storageProfile.osDisk.osType',
      'value.0.properties.networkProfile.networkInterfaces.0.id',
    ],
  },
  'virtualMachines.listAll': {
    // The watch lists each subscription of REPAIR_ALLOWED_SCOPES.
    fixture: 'compute/VirtualMachine_ListAll_MinimumSet_Gen.json',
    run: async ({ compute }) => {
      for await (const _vm of compute.virtualMachines.listAll()) void _vm;
    },
    reads: ['value.0.id', 'value.0.location', 'value.0.tags', 'value.0.properties.networkProfile.networkInterfaces.0.id'],
  },
  'virtualMachines.instanceView': {
    fixture: 'compute/VirtualMachine_Get_InstanceView.json',
    run: async ({ compute }) => void (await compute.virtualMachines.instanceView(RG, 'web01')),
    reads: [
      'statuses.0.code',
      'statuses.0.time',
      'statuses.1.code',
      'vmAgent.statuses.0.code',
      'vmAgent.statuses.0.displayStatus',
      'vmAgent.vmAgentVersion',
    ],
  },
  'virtualMachines.restart': {
    fixture: 'compute/VirtualMachine_Restart_MaximumSet_Gen.json',
    run: async ({ compute }) => void (await compute.virtualMachines.restart(RG, 'web01', { updateIntervalInMs: 1 }).submitted()),
    reads: [],
  },
  'virtualMachineRunCommands.createOrUpdate': {
    fixture: 'compute/VirtualMachineRunCommand_CreateOrUpdate.json',
    run: putRunCommand,
    reads: [
      'name',
      'tags',
      'properties.source',
      'properties.parameters',
      'properties.provisioningState',
      'properties.asyncExecution',
      'properties.timeoutInSeconds',
    ],
  },
  'virtualMachineRunCommands.getByVirtualMachine': {
    fixture: 'compute/VirtualMachineRunCommand_Get.json',
    run: async (ctx) => {
      await putRunCommand(ctx);
      await ctx.compute.virtualMachineRunCommands.getByVirtualMachine(RG, 'web01', 'conformance', { expand: 'instanceView' });
    },
    reads: [
      'name',
      'tags',
      'properties.source.script',
      'properties.parameters.0.name',
      'properties.parameters.0.value',
      'properties.provisioningState',
    ],
  },
  'virtualMachineRunCommands.listByVirtualMachine': {
    fixture: 'compute/VirtualMachineRunCommand_List.json',
    run: async (ctx) => {
      await putRunCommand(ctx);
      for await (const item of ctx.compute.virtualMachineRunCommands.listByVirtualMachine(RG, 'web01')) void item;
    },
    reads: ['value.0.name', 'value.0.tags'],
  },
  'virtualMachineRunCommands.delete': {
    fixture: 'compute/VirtualMachineRunCommand_Delete.json',
    run: async (ctx) => {
      await putRunCommand(ctx);
      await ctx.compute.virtualMachineRunCommands.delete(RG, 'web01', 'conformance', { updateIntervalInMs: 1 }).submitted();
    },
    reads: [],
  },
  'snapshots.createOrUpdate': {
    fixture: 'compute/Snapshot_Create_FromAnExistingSnapshot.json',
    run: putSnapshot,
    reads: ['id', 'name', 'properties.provisioningState', 'properties.creationData.sourceResourceId'],
  },
  'snapshots.get': {
    fixture: 'compute/Snapshot_GetIncrementalSnapshot.json',
    run: async (ctx) => {
      await putSnapshot(ctx);
      ctx.w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
      await ctx.compute.snapshots.get(RG, 'web01-snap');
    },
    reads: ['id', 'properties.provisioningState', 'properties.incremental', 'properties.creationData.sourceResourceId', 'tags'],
  },
  'networkInterfaces.get': {
    fixture: 'network/NetworkInterfaceGet.json',
    run: async ({ network }) => void (await network.networkInterfaces.get(RG, 'web01-nic')),
    reads: [
      'id',
      'properties.ipConfigurations.0.properties.primary',
      'properties.ipConfigurations.0.properties.privateIPAddress',
      'properties.ipConfigurations.0.properties.subnet.id',
      'properties.ipConfigurations.0.properties.publicIPAddress.id',
      'properties.networkSecurityGroup.id',
    ],
  },
  'networkInterfaces.listEffectiveNetworkSecurityGroups': {
    fixture: 'network/NetworkInterfaceEffectiveNSGList.json',
    run: async ({ network }) =>
      void (await network.networkInterfaces.listEffectiveNetworkSecurityGroups(RG, 'web01-nic', { updateIntervalInMs: 1 })),
    resultFromLocation: true,
    reads: [
      'value.0.networkSecurityGroup.id',
      'value.0.association',
      'value.0.effectiveSecurityRules.0.name',
      'value.0.effectiveSecurityRules.0.protocol',
      'value.0.effectiveSecurityRules.0.sourceAddressPrefix',
      'value.0.effectiveSecurityRules.0.destinationPortRange',
      'value.0.effectiveSecurityRules.0.access',
      'value.0.effectiveSecurityRules.0.priority',
      'value.0.effectiveSecurityRules.0.direction',
    ],
  },
  'networkSecurityGroups.get': {
    fixture: 'network/NetworkSecurityGroupGet.json',
    run: async ({ network }) => void (await network.networkSecurityGroups.get(RG, nsgName)),
    reads: ['properties.securityRules.0.name', 'properties.securityRules.0.properties.priority', 'properties.defaultSecurityRules.0.name'],
  },
  'securityRules.get': {
    fixture: 'network/NetworkSecurityGroupRuleGet.json',
    run: async ({ network }) => void (await network.securityRules.get(RG, nsgName, 'AllowRDP')),
    reads: [
      'name',
      'properties.priority',
      'properties.access',
      'properties.direction',
      'properties.protocol',
      'properties.sourceAddressPrefix',
      'properties.destinationPortRange',
    ],
  },
  'securityRules.createOrUpdate': {
    fixture: 'network/NetworkSecurityGroupRuleCreate.json',
    run: async ({ network }) =>
      void (await network.securityRules
        .createOrUpdate(
          RG,
          nsgName,
          'rdp-autorepair-3390',
          {
            protocol: 'Tcp',
            access: 'Allow',
            direction: 'Inbound',
            priority: 310,
            sourcePortRange: '*',
            destinationAddressPrefix: '*',
            destinationPortRange: '3390',
            sourceAddressPrefix: '203.0.113.0/24',
            sourceAddressPrefixes: [],
          },
          { updateIntervalInMs: 1 },
        )
        .submitted()),
    reads: ['name', 'properties.sourceAddressPrefix', 'properties.priority'],
  },
  'subnets.get': {
    fixture: 'network/SubnetGet.json',
    run: async ({ network, w }) => void (await network.subnets.get(RG, w.web01.vnet.name, w.web01.subnet.name)),
    reads: ['id', 'properties.addressPrefix', 'properties.networkSecurityGroup.id'],
  },
  'publicIPAddresses.get': {
    fixture: 'network/PublicIpAddressGet.json',
    run: async ({ network, w }) => void (await network.publicIPAddresses.get(RG, w.web01.publicIp!.name)),
    reads: ['id', 'properties.ipAddress'],
  },
  // Called by the offline repair's activities (src/activities/vmPower, copyOsDisk, dataDisks, swapOsDisk).
  'virtualMachines.attachDetachDataDisks': {
    fixture: 'compute/VirtualMachine_AttachDetachDataDisks_MaximumSet_Gen.json',
    run: async ({ compute, w }) => {
      const disk = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'copy', osType: 'Windows', generation: 'V2', zone: '1' });
      await compute.virtualMachines.attachDetachDataDisks(
        RG,
        'web01',
        { dataDisksToAttach: [{ diskId: disk.id, lun: 1 }] },
        { updateIntervalInMs: 1 },
      );
    },
    resultFromLocation: true,
    reads: ['osDisk.managedDisk.id', 'dataDisks.0.lun', 'dataDisks.0.managedDisk.id', 'dataDisks.0.name'],
  },
  'disks.createOrUpdate': {
    fixture: 'compute/Disk_Create_FromAnExistingManagedDisk.json',
    run: async ({ compute, w }) =>
      void (await compute.disks
        .createOrUpdate(
          RG,
          'web01-copy',
          { location: w.rg.location, zones: ['1'], creationData: { createOption: 'Copy', sourceResourceId: w.web01.vm.osDiskId! } },
          { updateIntervalInMs: 1 },
        )
        .submitted()),
    reads: ['id', 'name', 'properties.provisioningState', 'properties.creationData.sourceResourceId'],
  },
  'virtualMachines.deallocate': {
    fixture: 'compute/VirtualMachine_Deallocate_MaximumSet_Gen.json',
    run: async ({ compute }) => void (await compute.virtualMachines.deallocate(RG, 'web01', { updateIntervalInMs: 1 }).submitted()),
    reads: [],
  },
  'virtualMachines.start': {
    fixture: 'compute/VirtualMachine_Start_MaximumSet_Gen.json',
    run: async ({ compute }) => void (await compute.virtualMachines.start(RG, 'app02', { updateIntervalInMs: 1 }).submitted()),
    reads: [],
  },
  'virtualMachines.update': {
    fixture: 'compute/VirtualMachine_Update_DetachDataDiskUsingToBeDetachedProperty.json',
    run: async ({ compute, w }) => {
      // The OS disk swap: the VM deallocated, a disk of the same generation and zone.
      await compute.virtualMachines.deallocate(RG, 'web01', { updateIntervalInMs: 1 }).submitted();
      w.arm.clock.advanceBy(LATENCY_MODEL.vmDeallocate.ms);
      const repaired = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'web01-repaired', osType: 'Windows', generation: 'V2', zone: '1' });
      await compute.virtualMachines
        .update(
          RG,
          'web01',
          { storageProfile: { osDisk: { createOption: 'FromImage', managedDisk: { id: repaired.id } } } },
          { updateIntervalInMs: 1 },
        )
        .submitted();
    },
    reads: [
      'id',
      'properties.provisioningState',
      'properties.storageProfile.osDisk.managedDisk.id',
      'properties.storageProfile.osDisk.name',
    ],
  },
  'disks.update': {
    // The offline repair's tags-only PATCH of the original OS disk (rdp-autorepair-original-of): metadata, never data.
    fixture: 'compute/Disk_Update_ChangeTier.json',
    run: async ({ compute, w }) =>
      void (await compute.disks
        .update(RG, w.web01.vm.osDiskId!.split('/').pop()!, { tags: { 'rdp-autorepair-original-of': 'web01' } }, { updateIntervalInMs: 1 })
        .submitted()),
    reads: [],
  },
  'disks.get': {
    fixture: 'compute/Disk_Get.json',
    run: async ({ compute, w }) => void (await compute.disks.get(RG, w.web01.vm.osDiskId!.split('/').pop()!)),
    reads: [
      'id',
      'managedBy',
      'sku.name',
      'properties.osType',
      'properties.hyperVGeneration',
      'properties.diskSizeGB',
      'properties.provisioningState',
      'properties.networkAccessPolicy',
    ],
  },
};

/** The retention timer and GET /api/retained (src/retention/retainedResources.ts): list tagged snapshots and disks, delete. */
const listReads = ['value.0.id', 'value.0.name', 'value.0.tags', 'value.0.properties.diskSizeGB', 'value.0.properties.timeCreated'];
const drain = async <T>(items: AsyncIterable<T>) => {
  for await (const _ of items);
};
const RETENTION_CASES: Record<string, Case> = {
  'snapshots.list': {
    fixture: 'compute/Snapshot_ListBySubscription.json',
    run: async (ctx) => {
      await putSnapshot(ctx);
      await drain(ctx.compute.snapshots.list());
    },
    reads: listReads,
  },
  'snapshots.listByResourceGroup': {
    fixture: 'compute/Snapshot_ListByResourceGroup.json',
    run: async (ctx) => {
      await putSnapshot(ctx);
      await drain(ctx.compute.snapshots.listByResourceGroup(RG));
    },
    reads: listReads,
  },
  'snapshots.delete': {
    fixture: 'compute/Snapshot_Delete.json',
    run: async (ctx) => {
      await putSnapshot(ctx);
      ctx.w.arm.clock.advanceBy(LATENCY_MODEL.snapshotCreate.ms);
      await ctx.compute.snapshots.delete(RG, 'web01-snap', { updateIntervalInMs: 1 }).submitted();
    },
    reads: [],
  },
  'disks.list': {
    fixture: 'compute/Disk_ListBySubscription.json',
    run: async ({ compute }) => drain(compute.disks.list()),
    reads: [...listReads, 'value.0.properties.diskState'],
  },
  'disks.listByResourceGroup': {
    fixture: 'compute/Disk_ListByResourceGroup.json',
    run: async ({ compute }) => drain(compute.disks.listByResourceGroup(RG)),
    reads: [...listReads, 'value.0.properties.diskState'],
  },
  'disks.delete': {
    fixture: 'compute/Disk_Delete.json',
    run: async ({ compute, w }) => {
      const spare = w.arm.world.addDisk({ resourceGroup: w.rg, name: 'web01-original', osType: 'Windows', generation: 'V2', zone: '1' });
      await compute.disks.delete(RG, spare.name, { updateIntervalInMs: 1 }).submitted();
    },
    reads: [],
  },
};

/** The ephemeral rescue VM's and the cleanup's operations, compared with their examples the same way. */
const OFFLINE_CASES: Record<string, Case> = {
  'virtualMachines.createOrUpdate': {
    fixture: 'compute/VirtualMachine_Create_WithPasswordAuthentication.json',
    run: async ({ compute, w }) => {
      const nic = w.arm.world.addNic({ resourceGroup: w.rg, name: 'rescue-nic', subnet: w.web01.subnet });
      await compute.virtualMachines
        .createOrUpdate(
          RG,
          'rescue',
          {
            location: w.rg.location,
            hardwareProfile: { vmSize: 'Standard_D2s_v5' },
            storageProfile: {
              imageReference: {
                publisher: 'MicrosoftWindowsServer',
                offer: 'WindowsServer',
                sku: '2022-datacenter-azure-edition',
                version: 'latest',
              },
              osDisk: {
                createOption: 'FromImage',
                name: 'rescue-os',
                caching: 'ReadWrite',
                managedDisk: { storageAccountType: 'Premium_LRS' },
              },
            },
            osProfile: { computerName: 'rescue', adminUsername: 'repair', adminPassword: 'not-a-real-password-1!' },
            networkProfile: { networkInterfaces: [{ id: nic.id, primary: true }] },
          },
          { updateIntervalInMs: 1 },
        )
        .submitted();
    },
    reads: [
      'id',
      'name',
      'properties.provisioningState',
      'properties.storageProfile.osDisk.name',
      'properties.vmId',
      'properties.hardwareProfile.vmSize',
    ],
  },
  'virtualMachines.delete': {
    fixture: 'compute/VirtualMachine_Delete_Force.json',
    run: async ({ compute }) => void (await compute.virtualMachines.delete(RG, 'app02', { updateIntervalInMs: 1 }).submitted()),
    reads: [],
  },
  'resourceSkus.list': {
    fixture: 'compute/ListAvailableResourceSkusForARegion.json',
    run: async ({ compute, w }) => {
      for await (const _ of compute.resourceSkus.list({ filter: `location eq '${w.rg.location}'` })) void _;
    },
    reads: ['value.0.name', 'value.0.resourceType', 'value.0.locations', 'value.0.locationInfo.0.zones', 'value.0.capabilities'],
  },
  'networkInterfaces.list': {
    fixture: 'network/NetworkInterfaceList.json',
    run: async ({ network }) => {
      for await (const _ of network.networkInterfaces.list(RG)) void _;
    },
    reads: ['value.0.id', 'value.0.properties.virtualMachine.id'],
  },
  'networkInterfaces.delete': {
    fixture: 'network/NetworkInterfaceDelete.json',
    run: async ({ network, w }) => {
      w.arm.world.addNic({ resourceGroup: w.rg, name: 'spare-nic', subnet: w.web01.subnet });
      await network.networkInterfaces.delete(RG, 'spare-nic', { updateIntervalInMs: 1 }).submitted();
    },
    reads: [],
  },
  'disks.listByResourceGroup': {
    fixture: 'compute/Disk_ListByResourceGroup.json',
    run: async ({ compute }) => {
      for await (const _ of compute.disks.listByResourceGroup(RG)) void _;
    },
    reads: ['value.0.id', 'value.0.managedBy'],
  },
  'disks.delete': {
    fixture: 'compute/Disk_Delete.json',
    run: async ({ compute, w }) => {
      // An unattached disk (a disk in use cannot be deleted), like a copy that was never swapped in.
      w.arm.world.addDisk({ resourceGroup: w.rg, name: 'spare-copy', sizeGb: 127, osType: 'Windows' });
      await compute.disks.delete(RG, 'spare-copy', { updateIntervalInMs: 1 }).submitted();
    },
    reads: [],
  },
  'networkInterfaces.createOrUpdate': {
    fixture: 'network/NetworkInterfaceCreate.json',
    run: async ({ network, w }) =>
      void (await network.networkInterfaces
        .createOrUpdate(
          RG,
          'rescue-nic',
          { location: w.rg.location, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: w.web01.subnet.id } }] },
          { updateIntervalInMs: 1 },
        )
        .submitted()),
    reads: [
      'id',
      'name',
      'properties.ipConfigurations.0.properties.privateIPAddress',
      'properties.ipConfigurations.0.properties.subnet.id',
    ],
  },
};

/** `group.method` for every call on an SDK operation group in the product's source (outside the simulator). */
function productOperations(): string[] {
  const credential = new SimulatedCredential();
  const clients = [new ComputeManagementClient(credential, SUB), new NetworkManagementClient(credential, SUB)] as unknown as Array<
    Record<string, unknown>
  >;
  const groups = new Map<string, Set<string>>();
  for (const client of clients) {
    for (const [name, value] of Object.entries(client)) {
      if (value && typeof value === 'object' && !name.startsWith('_') && name !== 'pipeline') {
        groups.set(name, new Set(Object.keys(value as object)));
      }
    }
  }
  const found = new Set<string>();
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    if (relative(ROOT, file).startsWith(join('src', 'simulator'))) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/\.(\w+)\s*\.\s*(\w+)\s*\(/g)) {
      const [, group, method] = match as unknown as [string, string, string];
      if (groups.get(group)?.has(method)) found.add(`${group}.${method}`);
    }
  }
  return [...found].sort();
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function loadFixture(name: string): SpecFixture {
  return JSON.parse(readFileSync(join(SPECS, name), 'utf8')) as SpecFixture;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Type mismatches between the simulator's body and the example's, on the fields both have. */
function typeMismatches(actual: unknown, example: unknown, path: string): string[] {
  if (example === null || example === undefined || actual === undefined) return [];
  if (jsonType(actual) !== jsonType(example))
    return [`${path || '(body)'}: ${jsonType(actual)} where the example has ${jsonType(example)}`];
  if (Array.isArray(example) && Array.isArray(actual)) {
    if (example.length === 0) return [];
    return actual.flatMap((item, i) => typeMismatches(item, example[0], `${path}.${i}`));
  }
  if (jsonType(example) === 'object') {
    const a = actual as Record<string, unknown>;
    return Object.entries(example as Record<string, unknown>).flatMap(([key, value]) =>
      key in a ? typeMismatches(a[key], value, path ? `${path}.${key}` : key) : [],
    );
  }
  return [];
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
}

function ctxFor(w: StandardWorld): { ctx: Context; recorder: Recorder } {
  const recorder = new Recorder(w.arm);
  const clients = createArmClients({
    credential: new SimulatedCredential(),
    httpClient: recorder,
    lroPollIntervalMs: 1,
    retryOptions: FAST_RETRY_OPTIONS,
  });
  return { ctx: { w, compute: clients.compute(SUB), network: clients.network(SUB) }, recorder };
}

test('every ARM operation the product calls has a conformance case', () => {
  const operations = productOperations();
  // The scan itself must see the product's calls (a broken scan would make this test pass vacuously).
  expect(operations).toEqual(expect.arrayContaining(['virtualMachines.get', 'securityRules.createOrUpdate', 'snapshots.createOrUpdate']));
  expect(operations.filter((op) => !CASES[op] && !OFFLINE_CASES[op] && !RETENTION_CASES[op])).toEqual([]);
});

test('every simulator route has an api-version entry, and each case example is the entry the table names', () => {
  const w = standardWorld();
  expect(
    w.arm
      .routes()
      .map((r) => r.operation)
      .filter((op) => !API_VERSIONS[op]),
  ).toEqual([]);
  for (const [operation, c] of [...Object.entries(CASES), ...Object.entries(OFFLINE_CASES), ...Object.entries(RETENTION_CASES)]) {
    const fixture = loadFixture(c.fixture);
    const entry = API_VERSIONS[operation]!;
    expect({ operation, spec: entry.spec }).toEqual({ operation, spec: fixture.specPath });
    expect({ operation, listed: entry.versions.includes(String(fixture.example.parameters['api-version'])) }).toEqual({
      operation,
      listed: true,
    });
  }
});

describe.each([...Object.entries(CASES), ...Object.entries(OFFLINE_CASES), ...Object.entries(RETENTION_CASES)])('%s', (operation, c) => {
  test('matches its azure-rest-api-specs example', async () => {
    const w = standardWorld();
    const { ctx, recorder } = ctxFor(w);
    await c.run(ctx);
    const fixture = loadFixture(c.fixture);
    const exchange = recorder.exchanges.find((e) => e.operation === operation);
    if (!exchange) throw new Error(`${operation} was never sent`);
    expect(new URL(exchange.url).searchParams.get('api-version')).toBeTruthy();

    const statuses = Object.keys(fixture.example.responses);
    expect({ operation, status: exchange.status, allowed: statuses.includes(String(exchange.status)) }).toEqual({
      operation,
      status: exchange.status,
      allowed: true,
    });
    const response = fixture.example.responses[String(exchange.status)]!;
    for (const header of Object.keys(response.headers ?? {})) {
      expect({ operation, header, present: header.toLowerCase() in exchange.headers }).toEqual({ operation, header, present: true });
    }
    if (exchange.status === 201 || exchange.status === 202) {
      expect({ operation, polling: 'azure-asyncoperation' in exchange.headers || 'location' in exchange.headers }).toEqual({
        operation,
        polling: true,
      });
      expect({ operation, retryAfter: /^\d+$/.test(exchange.headers['retry-after'] ?? '') }).toEqual({ operation, retryAfter: true });
    }

    let body = exchange.body;
    let exampleBody = response.body;
    if (c.resultFromLocation) {
      // Network serves results at operationResults/…; compute at its operation URL with monitor=true.
      const result = recorder.exchanges
        .filter(
          (e) =>
            e.operation === 'operations.result' ||
            (e.operation === 'operations.poll' && new URL(e.url).searchParams.get('monitor') === 'true'),
        )
        .at(-1);
      expect(result?.status).toBe(200);
      body = result?.body;
      exampleBody = fixture.example.responses['200']?.body;
    }
    if (exampleBody !== undefined) {
      expect(typeMismatches(body, exampleBody, '')).toEqual([]);
    }
    expect(c.reads.filter((path) => at(body, path) === undefined)).toEqual([]);
  });
});
