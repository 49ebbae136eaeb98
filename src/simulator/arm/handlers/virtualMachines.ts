/**
 * SIMULATED: Microsoft.Compute/virtualMachines reads (get with `$expand=instanceView`, instanceView, list, listAll) and
 * writes (PUT create/update, PATCH update). Power actions live in virtualMachineActions.ts.
 */
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { renderInstanceView, renderVirtualMachine } from '../render/compute';
import type { VirtualMachineState } from '../world/types';
import {
  type HandlerDeps,
  listInResourceGroup,
  listInSubscription,
  refuseWhileBusy,
  requireBody,
  requireResource,
  requireResourceGroup,
  resourceIdFor,
  startOperation,
} from './common';
import { createVirtualMachine } from './virtualMachineCreate';
import { applyVmUpdate } from './virtualMachineUpdate';

const TYPE = 'Microsoft.Compute/virtualMachines';
const COLLECTION = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}`;
const ITEM = `${COLLECTION}/{vmName}`;

export function virtualMachineRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  const find = (context: RouteContext): VirtualMachineState =>
    requireResource(world, world.store.virtualMachines, context.params, TYPE, 'vmName');
  return [
    {
      method: 'GET',
      path: COLLECTION,
      operation: 'virtualMachines.list',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) =>
        ok({ value: listInResourceGroup(world, world.store.virtualMachines, params).map((vm) => renderVirtualMachine(world, vm, false)) }),
    },
    {
      // Virtual Machines - List All (VirtualMachine_ListAll_MinimumSet_Gen): every VM of the subscription, one page.
      // Real ARM pages long lists with nextLink; one page is what a small subscription gets, and the SDK follows either.
      method: 'GET',
      path: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      operation: 'virtualMachines.listAll',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) =>
        ok({ value: listInSubscription(world, world.store.virtualMachines, params).map((vm) => renderVirtualMachine(world, vm, false)) }),
    },
    {
      method: 'GET',
      path: ITEM,
      operation: 'virtualMachines.get',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: (context) => {
        const expand = context.query.get('$expand')?.toLowerCase();
        return ok(renderVirtualMachine(world, find(context), expand === 'instanceview'));
      },
    },
    {
      method: 'GET',
      path: `${ITEM}/instanceView`,
      operation: 'virtualMachines.instanceView',
      kind: 'read',
      permission: `${TYPE}/instanceView/read`,
      handle: (context) => ok(renderInstanceView(world, find(context))),
    },
    {
      method: 'PUT',
      path: ITEM,
      operation: 'virtualMachines.createOrUpdate',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => putVm(deps, context),
    },
    {
      method: 'DELETE',
      path: ITEM,
      operation: 'virtualMachines.delete',
      kind: 'write',
      permission: `${TYPE}/delete`,
      handle: (context) => deleteVm(deps, context),
    },
    {
      method: 'PATCH',
      path: ITEM,
      operation: 'virtualMachines.update',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => updateVm(deps, context, find(context), 'virtualMachines.update'),
    },
  ];
}

function putVm(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const name = context.params.vmName!;
  const existing = world.store.virtualMachines.get(resourceIdFor(context.params, TYPE, name));
  if (existing) return updateVm(deps, context, existing, 'virtualMachines.createOrUpdate');

  const vm = createVirtualMachine(deps, rg, name, requireBody(context));
  const op = startOperation(deps, context, 'virtualMachines.createOrUpdate', {
    resourceId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    provider: 'compute',
    latency: 'vmCreate',
    onSucceeded: (at) => {
      delete vm.activeOperationId;
      world.setProvisioningState(vm, 'Succeeded', at);
      world.setPowerState(vm, 'running', at);
    },
    onFailed: (at) => {
      delete vm.activeOperationId;
      world.setProvisioningState(vm, 'Failed', at);
      world.setPowerState(vm, 'stopped', at);
    },
  });
  vm.activeOperationId = op.id;
  return {
    status: 201,
    body: renderVirtualMachine(world, vm, false),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, false),
  };
}

/** PUT on an existing VM or PATCH: 200 with provisioningState Updating and an Azure-AsyncOperation to poll. */
function updateVm(deps: HandlerDeps, context: RouteContext, vm: VirtualMachineState, operation: string): HandlerResult {
  const { world } = deps;
  refuseWhileBusy(deps, vm.id, 'update', vm.name);
  world.policy.refuseUpdate(vm.id, vm.name);
  const applied = applyVmUpdate(world, vm, requireBody(context));
  const op = startOperation(deps, context, operation, {
    resourceId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    provider: 'compute',
    latency: 'osDiskSwap',
    // An update that changes nothing completes at once.
    ...(applied.changed ? {} : { durationMs: 0 }),
    onSucceeded: (at) => {
      delete vm.activeOperationId;
      world.setProvisioningState(vm, 'Succeeded', at);
    },
    onFailed: (at) => {
      delete vm.activeOperationId;
      applied.undo();
      world.setProvisioningState(vm, 'Failed', at);
    },
  });
  vm.activeOperationId = op.id;
  world.setProvisioningState(vm, 'Updating');
  vm.etag = world.newEtag();
  return {
    status: 200,
    body: renderVirtualMachine(world, vm, false),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, false),
  };
}

/**
 * DELETE (VirtualMachine_Delete_Force example: 202 with Location, 204 when absent). The VM shows Deleting until the
 * operation finishes; then it is gone, its NICs are free again, its data disks and (unless osDisk.deleteOption is
 * Delete) its OS disk are detached and kept, as Azure's default deleteOption Detach does.
 */
function deleteVm(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  requireResourceGroup(world, context.params);
  const vm = world.store.virtualMachines.get(resourceIdFor(context.params, TYPE, context.params.vmName!));
  if (!vm) return { status: 204 };
  const deleting = vm.activeOperationId ? deps.operations.get(vm.activeOperationId) : undefined;
  if (deleting?.operation === 'virtualMachines.delete' && deleting.status === 'InProgress') {
    return { status: 202, headers: deps.operations.pollingHeaders(deleting, context.url.origin, context.apiVersion, true) };
  }
  refuseWhileBusy(deps, vm.id, 'delete', vm.name);
  const before = { power: vm.powerState };
  const op = startOperation(deps, context, 'virtualMachines.delete', {
    resourceId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    provider: 'compute',
    latency: 'vmDelete',
    onSucceeded: (at) => removeVm(deps, vm, at),
    onFailed: (at) => {
      delete vm.activeOperationId;
      world.setProvisioningState(vm, 'Failed', at);
      world.setPowerState(vm, before.power, at);
    },
  });
  vm.activeOperationId = op.id;
  world.setProvisioningState(vm, 'Deleting');
  if (vm.powerState !== 'deallocated') world.setPowerState(vm, 'deallocating');
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}

function removeVm(deps: HandlerDeps, vm: VirtualMachineState, atMs: number): void {
  const { world } = deps;
  const at = new Date(atMs);
  for (const data of vm.dataDisks) {
    const disk = world.store.disks.get(data.diskId);
    if (disk) delete disk.managedBy;
  }
  const osDisk = vm.osDiskId ? world.store.disks.get(vm.osDiskId) : undefined;
  if (osDisk) {
    delete osDisk.managedBy;
    if (vm.osDiskDeleteOption === 'Delete') {
      world.store.disks.delete(osDisk.id);
      world.emit({ kind: 'resourceDeleted', at, resourceId: osDisk.id, resourceType: 'Microsoft.Compute/disks' });
    }
  }
  for (const nicId of vm.nicIds) {
    const nic = world.store.networkInterfaces.get(nicId);
    if (!nic) continue;
    delete nic.vmId;
    if (vm.nicIdsDeletedWithVm?.some((id) => id.toLowerCase() === nicId.toLowerCase())) {
      world.store.networkInterfaces.delete(nic.id);
      world.emit({ kind: 'resourceDeleted', at, resourceId: nic.id, resourceType: 'Microsoft.Network/networkInterfaces' });
    }
  }
  world.store.virtualMachines.delete(vm.id);
  world.emit({ kind: 'resourceDeleted', at, resourceId: vm.id, resourceType: TYPE });
}
