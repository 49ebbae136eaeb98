/**
 * SIMULATED: managed Run Command, `Microsoft.Compute/virtualMachines/{vm}/runCommands/{name}`: PUT (create or
 * update, a long-running operation), GET (`$expand=instanceView` for the execution), DELETE (terminates a running
 * script), and the list of a VM's run commands. The execution itself lives in runCommand/runCommandService.ts.
 *
 * Refusals, as Azure answers them:
 *  - the VM is mid-way through another operation (restart, start, deallocate): 409 OperationNotAllowed
 *    "... since another operation ... is in progress" (transient);
 *  - the VM is not running: 409 OperationNotAllowed "Cannot modify extensions in the VM when the VM is not
 *    running." (a run command is a VM extension underneath);
 *  - another execution is going on: 409 Conflict "Run command extension execution is in progress...".
 * Only inline scripts (`source.script`) are modelled; other sources are refused with a 400 saying so.
 */
import { ArmHttpError, badRequest } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { renderRunCommand, RUN_COMMAND_TYPE } from '../render/runCommand';
import type { RunCommandRequest } from '../runCommand/runCommandState';
import type { RunCommandParameter, RunCommandState } from '../runCommand/runCommandState';
import { RUN_COMMAND_ERRORS } from '../runCommand/timing';
import type { VirtualMachineState } from '../world/types';
import { objectAt, refuseWhileBusy, requireBody, requireResource, startOperation, tagsFrom, type HandlerDeps } from './common';

const VM_TYPE = 'Microsoft.Compute/virtualMachines';
const VM_PATH = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${VM_TYPE}/{vmName}`;
const COLLECTION = `${VM_PATH}/runCommands`;
const ITEM = `${COLLECTION}/{runCommandName}`;
const UNSUPPORTED_PROPERTIES = [
  'runAsUser',
  'runAsPassword',
  'outputBlobUri',
  'errorBlobUri',
  'outputBlobManagedIdentity',
  'errorBlobManagedIdentity',
];

export function runCommandRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  const findVm = (context: RouteContext): VirtualMachineState =>
    requireResource(world, world.store.virtualMachines, context.params, VM_TYPE, 'vmName');
  const expand = (context: RouteContext): boolean => context.query.get('$expand')?.toLowerCase() === 'instanceview';
  return [
    {
      method: 'GET',
      path: COLLECTION,
      operation: 'virtualMachineRunCommands.listByVirtualMachine',
      kind: 'read',
      permission: `${RUN_COMMAND_TYPE}/read`,
      handle: (context) => ok({ value: deps.runCommands.listByVm(findVm(context).id).map((r) => renderRunCommand(r, expand(context))) }),
    },
    {
      method: 'GET',
      path: ITEM,
      operation: 'virtualMachineRunCommands.getByVirtualMachine',
      kind: 'read',
      permission: `${RUN_COMMAND_TYPE}/read`,
      handle: (context) => ok(renderRunCommand(requireRunCommand(deps, context, findVm(context)), expand(context))),
    },
    {
      method: 'PUT',
      path: ITEM,
      operation: 'virtualMachineRunCommands.createOrUpdate',
      kind: 'write',
      permission: `${RUN_COMMAND_TYPE}/write`,
      handle: (context) => putRunCommand(deps, context, findVm(context)),
    },
    {
      method: 'DELETE',
      path: ITEM,
      operation: 'virtualMachineRunCommands.delete',
      kind: 'write',
      permission: `${RUN_COMMAND_TYPE}/delete`,
      handle: (context) => deleteRunCommand(deps, context, findVm(context)),
    },
  ];
}

function putRunCommand(deps: HandlerDeps, context: RouteContext, vm: VirtualMachineState): HandlerResult {
  const name = context.params.runCommandName!;
  const request = parseRequest(requireBody(context));
  refuseWhileVmCannotTakeExtensions(deps, vm, 'runCommands.createOrUpdate');
  const outcome = deps.runCommands.put(vm, name, request, (callbacks) =>
    startOperation(deps, context, 'virtualMachineRunCommands.createOrUpdate', {
      resourceId: `${vm.id}/runCommands/${name}`,
      subscriptionId: vm.subscriptionId,
      location: vm.location,
      provider: 'compute',
      latency: 'runCommand',
      // Finishes when the script starts or ends (runCommandService decides), never by a fixed duration.
      durationMs: Number.POSITIVE_INFINITY,
      ...callbacks,
    }),
  );
  const body = renderRunCommand(outcome.run, false);
  if (outcome.kind === 'unchanged') return ok(body);
  return {
    status: outcome.kind === 'created' ? 201 : 200,
    body,
    headers: deps.operations.pollingHeaders(outcome.operation, context.url.origin, context.apiVersion, false),
  };
}

function deleteRunCommand(deps: HandlerDeps, context: RouteContext, vm: VirtualMachineState): HandlerResult {
  const run = deps.runCommands.get(`${vm.id}/runCommands/${context.params.runCommandName!}`);
  if (!run) return { status: 204 };
  const deleting = run.deleteOperationId ? deps.operations.get(run.deleteOperationId) : undefined;
  if (deleting) return { status: 202, headers: deps.operations.pollingHeaders(deleting, context.url.origin, context.apiVersion, true) };
  refuseWhileVmCannotTakeExtensions(deps, vm, 'runCommands.delete');
  const op = deps.runCommands.delete(run, (callbacks) =>
    startOperation(deps, context, 'virtualMachineRunCommands.delete', {
      resourceId: run.id,
      subscriptionId: vm.subscriptionId,
      location: vm.location,
      provider: 'compute',
      latency: 'resourceDelete',
      ...callbacks,
    }),
  );
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}

function requireRunCommand(deps: HandlerDeps, context: RouteContext, vm: VirtualMachineState): RunCommandState {
  const name = context.params.runCommandName!;
  const run = deps.runCommands.get(`${vm.id}/runCommands/${name}`);
  if (!run) {
    throw new ArmHttpError(
      404,
      'ResourceNotFound',
      // ARM names a child resource by its path under the namespace: type/name/childType/childName.
      `The Resource 'Microsoft.Compute/virtualMachines/${vm.name}/runCommands/${name}' under resource group ` +
        `'${vm.resourceGroup}' was not found. ` +
        'For more details please go to https://aka.ms/ARMResourceNotFoundFix',
    );
  }
  return run;
}

/** Extension writes need a running VM that no other operation holds. */
function refuseWhileVmCannotTakeExtensions(deps: HandlerDeps, vm: VirtualMachineState, action: string): void {
  refuseWhileBusy(deps, vm.id, action, vm.name);
  if (vm.powerState !== 'running') {
    throw new ArmHttpError(409, RUN_COMMAND_ERRORS.notRunningCode, RUN_COMMAND_ERRORS.notRunningMessage);
  }
}

function parseRequest(body: Record<string, unknown>): RunCommandRequest {
  const location = body.location;
  if (typeof location !== 'string' || location.trim() === '') {
    throw badRequest('LocationRequired', 'The location property is required for this definition.');
  }
  const properties = objectAt(body, 'properties') ?? {};
  for (const name of UNSUPPORTED_PROPERTIES) {
    if (properties[name] !== undefined) {
      throw badRequest('InvalidParameter', `SIMULATED ARM does not model run command property '${name}'.`, `properties.${name}`);
    }
  }
  const source = objectAt(properties, 'source');
  const script = source?.script;
  const others = ['scriptUri', 'commandId', 'galleryScriptReferenceId'].filter((k) => source?.[k] !== undefined);
  if (others.length > 0) {
    throw badRequest(
      'InvalidParameter',
      `SIMULATED ARM runs inline scripts only (properties.source.script), not ${others.join(', ')}.`,
      'properties.source',
    );
  }
  if (typeof script !== 'string' || script.trim() === '') {
    throw badRequest('InvalidParameter', 'A run command needs a script: properties.source.script is required.', 'properties.source.script');
  }
  const timeout = properties.timeoutInSeconds;
  if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0)) {
    throw badRequest('InvalidParameter', 'timeoutInSeconds must be a non-negative integer.', 'properties.timeoutInSeconds');
  }
  return {
    location: location.toLowerCase().replace(/\s+/g, ''),
    tags: tagsFrom(body) ?? {},
    script,
    parameters: parameterList(properties.parameters, 'parameters'),
    protectedParameters: parameterList(properties.protectedParameters, 'protectedParameters'),
    asyncExecution: booleanAt(properties, 'asyncExecution'),
    timeoutInSeconds: timeout ?? 0,
    treatFailureAsDeploymentFailure: booleanAt(properties, 'treatFailureAsDeploymentFailure'),
  };
}

function parameterList(value: unknown, field: string): RunCommandParameter[] {
  if (value === undefined || value === null) return [];
  const valid =
    Array.isArray(value) &&
    value.every(
      (p) =>
        p &&
        typeof p === 'object' &&
        typeof (p as Record<string, unknown>).name === 'string' &&
        typeof (p as Record<string, unknown>).value === 'string',
    );
  if (!valid) throw badRequest('InvalidParameter', `${field} must be a list of { name, value } strings.`, `properties.${field}`);
  return (value as RunCommandParameter[]).map((p) => ({ name: p.name, value: p.value }));
}

function booleanAt(properties: Record<string, unknown>, name: string): boolean {
  const value = properties[name];
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw badRequest('InvalidParameter', `${name} must be a boolean.`, `properties.${name}`);
  return value;
}
