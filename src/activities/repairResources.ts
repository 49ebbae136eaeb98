/**
 * Activities of the cleanup: find a repair's resources by its tag, and delete one of them.
 *
 * Finding: ARM's generic "Resources - List By Resource Group" takes a tag filter, but its spec has no example to
 * hold a simulation to, and it would need another SDK package and role action; the repair's resources are NICs,
 * disks and VMs in the broken VM's resource group, so the NIC and disk lists of that group are read and filtered
 * by the tag here. A rescue VM is found through its tagged NIC (virtualMachine.id) or tagged OS disk (managedBy),
 * then read and kept only if it carries the tag itself. Snapshots are never listed: the cleanup never deletes one.
 *
 * Deleting: idempotent. A resource already gone is `alreadyGone`; one that no longer carries this repair's tag is left
 * alone (`notThisRepairs`); otherwise the DELETE is sent (`requested`) and the activity returns once ARM accepted it;
 * the orchestrator calls it again until it says `alreadyGone`.
 */
import { classifyAzureError } from '../azure/errors';
import { startLro } from '../azure/lro';
import { parseResourceId } from '../azure/resourceId';
import type { DeleteResourceInput, ListRepairResourcesInput, TaggedResource } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function listRepairResources(
  input: ListRepairResourcesInput,
  deps: ActivityDeps,
): Promise<ActivityResult<{ resources: TaggedResource[] }>> {
  const { owner, resourceGroup } = input;
  try {
    const compute = deps.arm.compute(input.subscriptionId);
    const network = deps.arm.network(input.subscriptionId);
    const found: TaggedResource[] = [];
    const vmCandidates = new Set<string>();
    for await (const nic of network.networkInterfaces.list(resourceGroup)) {
      if (nic.tags?.[owner.name] !== owner.value || !nic.id) continue;
      const vmId = nic.virtualMachine?.id ?? null;
      found.push({ id: nic.id, type: 'Microsoft.Network/networkInterfaces', role: nic.tags[owner.roleTagName] ?? null, attachedTo: vmId });
      if (vmId) vmCandidates.add(vmId);
    }
    for await (const disk of compute.disks.listByResourceGroup(resourceGroup)) {
      if (disk.tags?.[owner.name] !== owner.value || !disk.id) continue;
      const by = disk.managedBy ?? null;
      found.push({ id: disk.id, type: 'Microsoft.Compute/disks', role: disk.tags[owner.roleTagName] ?? null, attachedTo: by });
      if (by && disk.tags[owner.roleTagName] === 'rescue-os-disk') vmCandidates.add(by);
    }
    for (const vmId of vmCandidates) {
      const id = parseResourceId(vmId);
      try {
        const vm = await compute.virtualMachines.get(id.resourceGroup, id.name);
        if (vm.tags?.[owner.name] === owner.value && vm.id) {
          found.push({ id: vm.id, type: 'Microsoft.Compute/virtualMachines', role: vm.tags[owner.roleTagName] ?? null, attachedTo: null });
          // ARM gives a VM's OS disk no tags of its own; it goes with the VM (deleteOption Delete). Listed so that one
          // left behind is reported by id, never silently kept.
          const osDiskId = vm.storageProfile?.osDisk?.managedDisk?.id;
          if (osDiskId && !found.some((r) => r.id.toLowerCase() === osDiskId.toLowerCase())) {
            found.push({ id: osDiskId, type: 'Microsoft.Compute/disks', role: 'rescue-os-disk', attachedTo: vm.id });
          }
        }
      } catch (err) {
        if (classifyAzureError(err, 'read tagged VM', vmId).statusCode !== 404) throw err;
      }
    }
    return ok({ resources: found });
  } catch (err) {
    return settleAzureError(err, 'list repair resources', `/subscriptions/${input.subscriptionId}/resourceGroups/${resourceGroup}`);
  }
}

export async function deleteRepairResource(
  input: DeleteResourceInput,
  deps: ActivityDeps,
): Promise<ActivityResult<{ deleted: 'requested' | 'alreadyGone' | 'notThisRepairs' }>> {
  try {
    const id = parseResourceId(input.resourceId, input.type);
    const compute = deps.arm.compute(id.subscriptionId);
    const network = deps.arm.network(id.subscriptionId);
    const options = { updateIntervalInMs: deps.arm.lroPollIntervalMs };
    let tags: Record<string, string> | undefined;
    try {
      if (input.type === 'Microsoft.Compute/virtualMachines') tags = (await compute.virtualMachines.get(id.resourceGroup, id.name)).tags;
      else if (input.type === 'Microsoft.Compute/disks') tags = (await compute.disks.get(id.resourceGroup, id.name)).tags;
      else tags = (await network.networkInterfaces.get(id.resourceGroup, id.name)).tags;
    } catch (err) {
      if (classifyAzureError(err, 'read resource to delete', input.resourceId).statusCode === 404) return ok({ deleted: 'alreadyGone' });
      throw err;
    }
    if (tags?.[input.owner.name] !== input.owner.value) return ok({ deleted: 'notThisRepairs' });
    const context = { operation: 'delete repair resource', resourceId: input.resourceId };
    if (input.type === 'Microsoft.Compute/virtualMachines')
      await startLro(compute.virtualMachines.delete(id.resourceGroup, id.name, options), context);
    else if (input.type === 'Microsoft.Compute/disks') await startLro(compute.disks.delete(id.resourceGroup, id.name, options), context);
    else await startLro(network.networkInterfaces.delete(id.resourceGroup, id.name, options), context);
    return ok({ deleted: 'requested' });
  } catch (err) {
    return settleAzureError(err, 'delete repair resource', input.resourceId);
  }
}
