/**
 * SIMULATED: POST virtualMachines/{vm}/attachDetachDataDisks (VirtualMachine_AttachDetachDataDisks example):
 * `dataDisksToAttach` [{ diskId, lun?, caching?, deleteOption? }] and `dataDisksToDetach` [{ diskId,
 * detachOption? }] in one long-running operation (202 with polling URLs; the result is the VM's storageProfile).
 * A disk without a LUN gets the lowest free one. The same checks as a storageProfile.dataDisks update apply
 * (virtualMachineUpdate.ts: the disk exists, is not attached elsewhere, is in the VM's zone, the LUN is free and
 * 0-63, the size's data disk limit); the change is visible at once and undone if the operation is made to fail.
 */
import { badRequest } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import type { HandlerResult } from '../http/responses';
import { renderVirtualMachine } from '../render/compute';
import type { VirtualMachineState } from '../world/types';
import { sameId } from '../world/world';
import { refuseWhileBusy, requireBody, requireResource, startOperation, stringAt, type HandlerDeps } from './common';
import { applyDataDisks, planDataDisks } from './virtualMachineUpdate';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const VM_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${VM_TYPE}/{vmName}`;

export function virtualMachineDataDiskRoutes(deps: HandlerDeps): Route[] {
  return [
    {
      method: 'POST',
      path: `${VM_PATH}/attachDetachDataDisks`,
      operation: 'virtualMachines.attachDetachDataDisks',
      kind: 'write',
      permission: `${VM_TYPE}/attachDetachDataDisks/action`,
      handle: (context) =>
        attachDetach(deps, context, requireResource(deps.world, deps.world.store.virtualMachines, context.params, VM_TYPE, 'vmName')),
    },
  ];
}

function attachDetach(deps: HandlerDeps, context: RouteContext, vm: VirtualMachineState): HandlerResult {
  const { world } = deps;
  refuseWhileBusy(deps, vm.id, 'attachDetachDataDisks', vm.name);
  const body = requireBody(context);
  const toAttach = list(body, 'dataDisksToAttach');
  const toDetach = list(body, 'dataDisksToDetach');
  if (toAttach.length === 0 && toDetach.length === 0) {
    throw badRequest('InvalidParameter', 'At least one of dataDisksToAttach and dataDisksToDetach must be given.', 'dataDisksToAttach');
  }
  const detachIds = toDetach.map((d, i) => {
    const id = stringAt(d, 'diskId');
    if (!id) throw badRequest('InvalidParameter', `dataDisksToDetach[${i}].diskId is required.`, `dataDisksToDetach[${i}].diskId`);
    if (!vm.dataDisks.some((c) => sameId(c.diskId, id))) {
      // The code Azure uses here is not documented; refused rather than treated as done.
      throw badRequest('InvalidParameter', `Disk '${id}' is not attached to VM '${vm.name}'.`, `dataDisksToDetach[${i}].diskId`);
    }
    return id;
  });
  const kept = vm.dataDisks
    .filter((c) => !detachIds.some((id) => sameId(id, c.diskId)))
    .map((c) => ({ lun: c.lun, managedDisk: { id: c.diskId } }));
  const used = new Set(kept.map((k) => k.lun));
  const added = toAttach.map((d, i) => {
    const id = stringAt(d, 'diskId');
    if (!id) throw badRequest('InvalidParameter', `dataDisksToAttach[${i}].diskId is required.`, `dataDisksToAttach[${i}].diskId`);
    let lun = d.lun;
    if (lun === undefined) {
      let free = 0;
      while (used.has(free)) free++;
      lun = free;
    }
    used.add(lun as number);
    return { lun, managedDisk: { id } };
  });
  const plan = planDataDisks(world, vm, [...kept, ...added]);
  const undo = applyDataDisks(world, vm, plan);
  const op = startOperation(deps, context, 'virtualMachines.attachDetachDataDisks', {
    resourceId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    provider: 'compute',
    latency: 'dataDiskAttachDetach',
    onSucceeded: (at) => {
      delete vm.activeOperationId;
      world.setProvisioningState(vm, 'Succeeded', at);
    },
    onFailed: (at) => {
      delete vm.activeOperationId;
      undo();
      world.setProvisioningState(vm, 'Failed', at);
    },
    result: () => (renderVirtualMachine(world, vm, false).properties as Record<string, unknown>).storageProfile,
  });
  vm.activeOperationId = op.id;
  world.setProvisioningState(vm, 'Updating');
  vm.etag = world.newEtag();
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}

function list(body: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const value = body[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => !v || typeof v !== 'object')) {
    throw badRequest('InvalidParameter', `${field} must be an array of objects.`, field);
  }
  return value as Array<Record<string, unknown>>;
}
