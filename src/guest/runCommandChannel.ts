/**
 * The channel to the guest: managed Run Command (`Microsoft.Compute/virtualMachines/runCommands`), through the
 * SDK clients of ArmClients. Three short calls, none of which waits for a script (a script takes 20 s to
 * minutes; the orchestrator polls with durable timers):
 *
 *   startGuestScript   GET the run command by name; if absent, PUT it with asyncExecution and return once ARM
 *                      accepted it (the initial response only). Idempotent: a re-run finds the run it started.
 *   readGuestScript    GET with $expand=instanceView -> a typed state (runCommandState.ts).
 *   deleteGuestScript  DELETE, accepted (not yet done: ARM may still fail the delete); absent is fine.
 *   sweepGuestScripts  lists the VM's runs of one repair (a name prefix) and asks again for the removal of each
 *                      one that is still there and not being deleted; the orchestrator calls it, with durable
 *                      timers between calls, until nothing is left: that is how a delete is confirmed.
 *
 * The script text and its parameters travel separately (`source.script`, `parameters` [{name, value}]); Run
 * Command passes the parameters to the script as named arguments, so nothing is ever spliced into script text.
 */
import type { VirtualMachineRunCommand } from '@azure/arm-compute';
import type { ArmClients } from '../azure/clients';
import type { LeftGuestRun } from '../domain/activityContracts';
import { type AzureOperationError, classifyAzureError } from '../azure/errors';
import { parseVmResourceId } from '../azure/resourceId';
import { GuestScriptBusyError, GuestScriptNameInUseError, GuestScriptVmNotRunningError } from './runCommandErrors';
import { guestScriptStateOf, OWNER_TAG, OWNER_TAG_VALUE, SUBMITTED_AT_TAG, type GuestScriptState } from './runCommandState';

export interface GuestScriptParameter {
  name: string;
  value: string;
}

export interface GuestScriptRequest {
  /** Unique per script run (e.g. derived from the repair id and step): the idempotency key. */
  runName: string;
  /** The script's text (a .ps1 file's content). */
  script: string;
  parameters: readonly GuestScriptParameter[];
  /** Run Command's `timeoutInSeconds`: the script is killed (TimedOut) after this long. */
  timeoutSeconds: number;
  /** The VM's region; read from the VM when omitted (one more GET). */
  location?: string;
  /** When the caller submits (the orchestrator's clock); stored as a tag, returned while pending. */
  submittedAt?: Date;
}

export interface StartedGuestScript {
  runName: string;
  /** false: a run command of this name (same script, same parameters) already existed, nothing was sent. */
  created: boolean;
  submittedAt: string | null;
}

/** `requested`: ARM accepted the DELETE; only a later read (sweepGuestScripts) shows whether the run is gone. */
export type DeletedGuestScript = { outcome: 'requested' | 'notFound' } | { outcome: 'vmNotRunning'; message: string };

/** A run command of this app on the VM, as the list shows it. */
export interface ListedGuestScript {
  runName: string;
  /** ARM's provisioningState (Succeeded, Failed, Deleting, ...); '' when absent. */
  provisioningState: string;
}

/** One run still on the VM after a sweep pass, and what the pass did about it. */
export type LeftGuestScript = LeftGuestRun;

/** A floor for the orchestrator's wait after GuestScriptBusyError: Run Command's ~20 s minimum plus pickup. */
export const BUSY_RETRY_FLOOR_MS = 30_000;

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
const START = 'start guest script';
const READ = 'read guest script';
const DELETE = 'delete guest script';

export async function startGuestScript(arm: ArmClients, vmId: string, request: GuestScriptRequest): Promise<StartedGuestScript> {
  checkRequest(request);
  const vm = parseVmResourceId(vmId);
  const compute = arm.compute(vm.subscriptionId);
  const existing = await getRunCommand(arm, vmId, request.runName, false, START);
  if (existing) {
    const difference = differenceFrom(existing, request);
    if (difference) throw new GuestScriptNameInUseError(request.runName, vmId, difference);
    return { runName: request.runName, created: false, submittedAt: existing.tags?.[SUBMITTED_AT_TAG] ?? null };
  }
  try {
    const location = request.location ?? (await compute.virtualMachines.get(vm.resourceGroup, vm.name)).location;
    const submittedAt = (request.submittedAt ?? new Date()).toISOString();
    const runCommand: VirtualMachineRunCommand = {
      location,
      tags: { [OWNER_TAG]: OWNER_TAG_VALUE, [SUBMITTED_AT_TAG]: submittedAt },
      source: { script: request.script },
      parameters: request.parameters.map((p) => ({ name: p.name, value: p.value })),
      // Provisioning completes when the script starts; the orchestrator polls the instance view for the end.
      asyncExecution: true,
      timeoutInSeconds: request.timeoutSeconds,
      // Script failures are read from the instance view, not turned into deployment failures.
      treatFailureAsDeploymentFailure: false,
    };
    const poller = compute.virtualMachineRunCommands.createOrUpdate(vm.resourceGroup, vm.name, request.runName, runCommand, {
      updateIntervalInMs: arm.lroPollIntervalMs,
    });
    await poller.submitted();
    return { runName: request.runName, created: true, submittedAt };
  } catch (err) {
    throw typedError(classifyAzureError(err, START, vmId));
  }
}

export async function readGuestScript(arm: ArmClients, vmId: string, runName: string): Promise<GuestScriptState> {
  const runCommand = await getRunCommand(arm, vmId, runName, true, READ);
  return runCommand ? guestScriptStateOf(runCommand) : { kind: 'notFound' };
}

export async function deleteGuestScript(arm: ArmClients, vmId: string, runName: string): Promise<DeletedGuestScript> {
  const vm = parseVmResourceId(vmId);
  try {
    const poller = arm.compute(vm.subscriptionId).virtualMachineRunCommands.delete(vm.resourceGroup, vm.name, runName, {
      updateIntervalInMs: arm.lroPollIntervalMs,
    });
    // Accepted is not done: the delete's operation can still end Failed and leave the run on the VM. Waiting
    // for it here would hold the activity for as long as the guest agent takes; sweepGuestScripts confirms it.
    await poller.submitted();
    return { outcome: 'requested' };
  } catch (err) {
    const classified = typedError(classifyAzureError(err, DELETE, vmId));
    if (classified.statusCode === 404) return { outcome: 'notFound' };
    if (classified instanceof GuestScriptVmNotRunningError) return { outcome: 'vmNotRunning', message: classified.details.message };
    throw classified;
  }
}

/** The run commands this app created on the VM (its owner tag), optionally only those whose name starts with `prefix`. */
export async function listGuestScripts(arm: ArmClients, vmId: string, prefix = ''): Promise<ListedGuestScript[]> {
  const vm = parseVmResourceId(vmId);
  try {
    const found: ListedGuestScript[] = [];
    for await (const runCommand of arm
      .compute(vm.subscriptionId)
      .virtualMachineRunCommands.listByVirtualMachine(vm.resourceGroup, vm.name)) {
      const name = runCommand.name ?? '';
      if (runCommand.tags?.[OWNER_TAG] !== OWNER_TAG_VALUE || name === '' || !name.startsWith(prefix)) continue;
      found.push({ runName: name, provisioningState: runCommand.provisioningState ?? '' });
    }
    return found;
  } catch (err) {
    throw classifyAzureError(err, 'list guest scripts', vmId);
  }
}

/**
 * One pass of the cleanup: every run of this app whose name starts with `prefix` that is still on the VM. A run
 * being deleted is left to its delete; any other (a delete that ended Failed, or one never sent) is asked for
 * again. Idempotent: a DELETE of a run already being deleted joins that delete. An empty answer means none is left.
 */
export async function sweepGuestScripts(arm: ArmClients, vmId: string, prefix: string): Promise<LeftGuestScript[]> {
  if (prefix === '') throw new RangeError('a sweep needs a run name prefix: it never removes runs of other repairs');
  const left: LeftGuestScript[] = [];
  for (const run of await listGuestScripts(arm, vmId, prefix)) {
    if (run.provisioningState.toLowerCase() === 'deleting') {
      left.push({ runName: run.runName, state: 'deleting' });
      continue;
    }
    const deleted = await deleteGuestScript(arm, vmId, run.runName);
    if (deleted.outcome === 'requested') left.push({ runName: run.runName, state: 'deleteRequested' });
    else if (deleted.outcome === 'vmNotRunning') left.push({ runName: run.runName, state: 'refused', detail: deleted.message });
  }
  return left;
}

async function getRunCommand(
  arm: ArmClients,
  vmId: string,
  runName: string,
  withInstanceView: boolean,
  operation: string,
): Promise<VirtualMachineRunCommand | undefined> {
  const vm = parseVmResourceId(vmId);
  try {
    return await arm
      .compute(vm.subscriptionId)
      .virtualMachineRunCommands.getByVirtualMachine(
        vm.resourceGroup,
        vm.name,
        runName,
        withInstanceView ? { expand: 'instanceView' } : {},
      );
  } catch (err) {
    const classified = classifyAzureError(err, operation, vmId);
    if (classified.statusCode === 404 && !/ResourceGroupNotFound|SubscriptionNotFound/.test(classified.code)) {
      // The run command is absent; a missing VM is a 404 too, and the PUT that follows reports it properly.
      return undefined;
    }
    throw typedError(classified);
  }
}

/** The 409s the orchestrator handles differently from other failures. */
function typedError(err: AzureOperationError): AzureOperationError {
  if (err.statusCode !== 409) return err;
  if (err.code === 'OperationNotAllowed' && /not running/i.test(err.details.message)) return new GuestScriptVmNotRunningError(err);
  if (err.kind === 'transient') return new GuestScriptBusyError(err, Math.max(BUSY_RETRY_FLOOR_MS, err.details.retryAfterMs ?? 0));
  return err;
}

function differenceFrom(existing: VirtualMachineRunCommand, request: GuestScriptRequest): string | undefined {
  if ((existing.source?.script ?? '') !== request.script) return 'script';
  const had = (existing.parameters ?? []).map((p) => `${p.name}=${p.value}`);
  const wants = request.parameters.map((p) => `${p.name}=${p.value}`);
  if (had.length !== wants.length || had.some((p, i) => p !== wants[i])) return 'parameter list';
  return undefined;
}

function checkRequest(request: GuestScriptRequest): void {
  if (!RUN_NAME.test(request.runName)) {
    throw new RangeError(
      `runName ${JSON.stringify(request.runName)} must be 1-80 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  if (!Number.isInteger(request.timeoutSeconds) || request.timeoutSeconds <= 0) {
    throw new RangeError(`timeoutSeconds must be a positive whole number of seconds, got ${request.timeoutSeconds}`);
  }
  if (request.script.trim() === '') throw new RangeError('script is empty');
}
