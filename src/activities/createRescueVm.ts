/**
 * Activity: create the ephemeral rescue VM (its NIC first), idempotently. GET first: a VM or NIC of the
 * deterministic name that carries this repair's tag is reused as it is (never re-PUT, so never with a new
 * password); one without it is someone else's and ends the activity. The NIC sits in the given subnet with no
 * public IP. The VM: the given image and zone, boot diagnostics on (managed storage), OS disk and NIC deleted with
 * the VM (deleteOption Delete), Trusted Launch when asked, tagged. Sizes are tried in order: a refusal for capacity
 * or quota (SkuNotAvailable, AllocationFailed, ZonalAllocationFailed, OperationNotAllowed ... quota) moves on to the
 * next; each refusal is returned with ARM's code and message. The activity returns once ARM accepted the PUT; the
 * orchestrator waits for the VM to run with its agent Ready.
 */
import type { NetworkInterface } from '@azure/arm-network';
import type { VirtualMachine } from '@azure/arm-compute';
import { type AzureOperationError, classifyAzureError } from '../azure/errors';
import { awaitShortLro, startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { CreateRescueVmInput, CreateRescueVmResult, OwnerTag, SizeRefusal } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { newRescuePassword } from './rescuePassword';
import { ok, settleAzureError } from './settle';

const CAPACITY_CODES = new Set(['SkuNotAvailable', 'AllocationFailed', 'ZonalAllocationFailed', 'OverconstrainedAllocationRequest']);

/** A refusal that another size may not meet: capacity of the size, or a core quota (OperationNotAllowed ... quota). */
export function isCapacityRefusal(err: AzureOperationError): boolean {
  if (CAPACITY_CODES.has(err.code)) return true;
  return err.code === 'OperationNotAllowed' && /quota/i.test(err.details.message);
}

function owned(tags: Record<string, string> | undefined, owner: OwnerTag): boolean {
  return tags?.[owner.name] === owner.value;
}

async function getOrNull<T>(read: () => Promise<T>, what: string, id: string): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (classifyAzureError(err, what, id).statusCode === 404) return null;
    throw err;
  }
}

export function rescueVmBody(input: CreateRescueVmInput, nicId: string, size: string, password: string): VirtualMachine {
  return {
    location: input.location,
    tags: input.tags,
    ...(input.zone !== null ? { zones: [input.zone] } : {}),
    hardwareProfile: { vmSize: size },
    storageProfile: {
      imageReference: input.image,
      osDisk: {
        name: input.osDiskName,
        createOption: 'FromImage',
        caching: 'ReadWrite',
        managedDisk: { storageAccountType: 'StandardSSD_LRS' },
        deleteOption: 'Delete',
      },
    },
    osProfile: { computerName: input.computerName, adminUsername: 'rescueadmin', adminPassword: password },
    networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: 'Delete' }] },
    // Managed boot diagnostics: no storage account to create or clean up (Microsoft docs, "Boot diagnostics").
    diagnosticsProfile: { bootDiagnostics: { enabled: true } },
    ...(input.securityType === 'TrustedLaunch'
      ? { securityProfile: { securityType: 'TrustedLaunch', uefiSettings: { secureBootEnabled: true, vTpmEnabled: true } } }
      : {}),
  };
}

export async function createRescueVm(input: CreateRescueVmInput, deps: ActivityDeps): Promise<ActivityResult<CreateRescueVmResult>> {
  const broken = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
  const rg = broken.resourceGroup;
  const compute = deps.arm.compute(broken.subscriptionId);
  const network = deps.arm.network(broken.subscriptionId);
  try {
    const existing = await getOrNull(() => compute.virtualMachines.get(rg, input.vmName), 'read rescue VM', input.vmName);
    if (existing) {
      if (!owned(existing.tags, input.owner)) return notOurs('VM', existing.id ?? input.vmName);
      return ok({
        created: true,
        vmId: existing.id ?? '',
        nicId: existing.networkProfile?.networkInterfaces?.[0]?.id ?? '',
        size: existing.hardwareProfile?.vmSize ?? '',
        already: true,
        refused: [],
      });
    }
    let nic: NetworkInterface | null = await getOrNull(
      () => network.networkInterfaces.get(rg, input.nicName),
      'read rescue NIC',
      input.nicName,
    );
    if (nic && !owned(nic.tags, input.owner)) return notOurs('network interface', nic.id ?? input.nicName);
    if (!nic) {
      const nicTags = { ...input.tags, [input.owner.roleTagName]: 'rescue-nic' };
      const poller = network.networkInterfaces.createOrUpdate(
        rg,
        input.nicName,
        { location: input.location, tags: nicTags, ipConfigurations: [{ name: 'ipconfig1', subnet: { id: input.subnetId } }] },
        { updateIntervalInMs: deps.arm.lroPollIntervalMs },
      );
      nic = await awaitShortLro(poller, {
        operation: 'create rescue NIC',
        resourceId: input.nicName,
        pollIntervalMs: deps.arm.lroPollIntervalMs,
      });
    }
    const nicId = nic.id ?? '';
    const refused: SizeRefusal[] = [];
    for (const size of input.sizes) {
      try {
        const poller = compute.virtualMachines.createOrUpdate(rg, input.vmName, rescueVmBody(input, nicId, size, newRescuePassword()), {
          updateIntervalInMs: deps.arm.lroPollIntervalMs,
        });
        await startLro(poller, { operation: 'create rescue VM', resourceId: input.vmName });
        const vmId = (await compute.virtualMachines.get(rg, input.vmName)).id ?? '';
        return ok({ created: true, vmId, nicId, size, already: false, refused });
      } catch (err) {
        const classified = classifyAzureError(err, 'create rescue VM', input.vmName);
        if (classified.kind === 'transient' || !isCapacityRefusal(classified)) throw err;
        refused.push({ size, code: classified.code, message: classified.details.message });
      }
    }
    return ok({ created: false, nicId, refused });
  } catch (err) {
    return settleAzureError(err, 'create rescue VM', input.vmName);
  }
}

function notOurs(what: string, id: string): ActivityResult<CreateRescueVmResult> {
  return {
    ok: false,
    failure: {
      code: 'RescueVmNameTaken',
      message: `A ${what} named like this repair's rescue ${what} exists without this repair's tag (${id}): it is not touched.`,
      statusCode: null,
      operation: 'create rescue VM',
    },
  };
}
