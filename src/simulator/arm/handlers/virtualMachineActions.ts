/**
 * SIMULATED: POST virtualMachines/{vm}/start|restart|deallocate|powerOff. Each answers 202 with polling headers;
 * the VM shows the transitional power state (starting, deallocating, stopping) until the operation's finish
 * time on the virtual clock, then the settled one. Restart needs a running VM, as in Azure; asking for the state
 * a VM is already in is accepted and completes at once. An action dropped by fault injection (faults.ts
 * `dropNextAction`) is accepted and its operation succeeds at once, but the VM never changes (no reboot).
 */
import { ArmHttpError } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import type { HandlerResult } from '../http/responses';
import type { LatencyOperation } from '../../latencyModel';
import type { VirtualMachineState } from '../world/types';
import { POWER_TRANSITIONS, type PowerAction } from '../world/vmStatus';
import { refuseWhileBusy, requireResource, startOperation, type HandlerDeps } from './common';

const VM_PATH = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}';

const LATENCY: Record<PowerAction, LatencyOperation> = {
  start: 'vmStart',
  restart: 'vmRestart',
  deallocate: 'vmDeallocate',
  powerOff: 'vmPowerOff',
};

export function virtualMachineActionRoutes(deps: HandlerDeps): Route[] {
  return (Object.keys(POWER_TRANSITIONS) as PowerAction[]).map((action) => ({
    method: 'POST',
    path: `${VM_PATH}/${action}`,
    operation: `virtualMachines.${action}`,
    kind: 'write',
    permission: `Microsoft.Compute/virtualMachines/${action}/action`,
    handle: (context) => powerAction(deps, context, action),
  }));
}

function powerAction(deps: HandlerDeps, context: RouteContext, action: PowerAction): HandlerResult {
  const { world } = deps;
  const vm = requireResource(world, world.store.virtualMachines, context.params, 'Microsoft.Compute/virtualMachines', 'vmName');
  refuseWhileBusy(deps, vm.id, action, vm.name);

  if (action === 'restart' && vm.powerState !== 'running') {
    throw new ArmHttpError(409, 'OperationNotAllowed', 'The operation requires the VM to be running (or set to run).');
  }

  const transition = POWER_TRANSITIONS[action];
  // Deallocated is "more off" than stopped: powering off a deallocated VM changes nothing either.
  const alreadyThere =
    action !== 'restart' && (vm.powerState === transition.after || (action === 'powerOff' && vm.powerState === 'deallocated'));

  const operation = `virtualMachines.${action}`;
  if (deps.faults.takeDroppedAction({ method: context.method, path: context.url.pathname, operation })) {
    const dropped = startOperation(deps, context, operation, {
      resourceId: vm.id,
      subscriptionId: vm.subscriptionId,
      location: vm.location,
      provider: 'compute',
      latency: LATENCY[action],
      durationMs: 0,
    });
    return { status: 202, headers: deps.operations.pollingHeaders(dropped, context.url.origin, context.apiVersion, true) };
  }

  const before = vm.powerState;
  const allocationFailure =
    action === 'start' && vm.powerState === 'deallocated' && !alreadyThere ? allocationFailureFor(deps, vm) : undefined;
  const op = startOperation(deps, context, `virtualMachines.${action}`, {
    ...(allocationFailure ? { failWith: allocationFailure } : {}),
    resourceId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    provider: 'compute',
    latency: LATENCY[action],
    ...(alreadyThere ? { durationMs: 0 } : {}),
    onSucceeded: (at) => settle(deps, vm, alreadyThere ? vm.powerState : transition.after, 'Succeeded', at),
    onFailed: (at) => settle(deps, vm, before, 'Failed', at),
  });

  if (!alreadyThere) {
    vm.activeOperationId = op.id;
    world.setProvisioningState(vm, 'Updating');
    world.setPowerState(vm, transition.during);
  }
  return {
    status: 202,
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true),
  };
}

function settle(
  deps: HandlerDeps,
  vm: VirtualMachineState,
  powerState: VirtualMachineState['powerState'],
  provisioning: 'Succeeded' | 'Failed',
  atMs: number,
): void {
  delete vm.activeOperationId;
  deps.world.setProvisioningState(vm, provisioning, atMs);
  deps.world.setPowerState(vm, powerState, atMs);
}

/**
 * Starting a deallocated VM needs a new allocation: when its size is no longer offered in its zone (or region) the
 * start is accepted and then ends Failed with ZonalAllocationFailed / AllocationFailed and Microsoft's message
 * ("Troubleshoot allocation failures when you create, restart, or resize VMs in Azure").
 */
function allocationFailureFor(deps: HandlerDeps, vm: VirtualMachineState): { code: string; message: string } | undefined {
  const placement = {
    vmId: vm.id,
    subscriptionId: vm.subscriptionId,
    location: vm.location,
    ...(vm.zones ? { zones: vm.zones } : {}),
    size: vm.vmSize,
  };
  if (!deps.world.capacity.isRestricted(placement)) return undefined;
  {
    const zonal = (vm.zones?.length ?? 0) > 0;
    return {
      code: zonal ? 'ZonalAllocationFailed' : 'AllocationFailed',
      message:
        `Allocation failed. We do not have sufficient capacity for the requested VM size in this ${zonal ? 'zone' : 'region'}. ` +
        'Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance',
    };
  }
}
