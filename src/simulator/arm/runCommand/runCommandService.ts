/**
 * SIMULATED: the life of managed run commands on the virtual clock, and the guests they run in.
 *
 *   PUT accepted ──> Pending ──(agent Ready + pickup)──> Running ──(floor + script work)──> Succeeded | Failed
 *                       │                                   └──(timeoutInSeconds passed)──> TimedOut
 *                       └──(agent never Ready within the extension timeout)──> provisioning Failed,
 *                                                            VMAgentStatusCommunicationError
 *
 * - The PUT's long-running operation completes when the script starts (`asyncExecution: true`, "provisioning
 *   will complete as soon as the script starts") or when it ends (false). With treatFailureAsDeploymentFailure
 *   a failed or timed-out script fails the provisioning too.
 * - The script's effect on the guest is applied at the instant it ends; a script killed by its timeout, by a
 *   restart or by a DELETE has no effect. (A real script killed midway may have done part of its work: the
 *   simulation keeps the all-or-nothing simplification and says so.)
 * - A VM that stops or restarts under a Running script ends it Failed (the process went down with the guest);
 *   a Pending one waits for the agent after the next boot.
 * - Concurrency: 'one-at-a-time' (default) refuses a second execution on a VM with 409 Conflict while one is
 *   Pending or Running, as Azure does for Run Command ("One script at a time can run"; the same 409 has been
 *   reported for managed run commands, azure-docs#110433). 'parallel' follows the managed Run Command page
 *   ("Parallel execution of multiple scripts"). The app must cope with both.
 */
import type { LatencyModel } from '../../latencyModel';
import type { ArmChange } from '../changes';
import { ArmHttpError } from '../http/armErrors';
import type { OperationTracker, SimOperation } from '../lro/operationTracker';
import { IdMap, key } from '../world/store';
import type { VirtualMachineState } from '../world/types';
import type { World } from '../world/world';
import { UNATTACHED_GUEST, type RunCommandExecution, type RunCommandGuest, type RunCommandOutcome } from './guestPort';
import { lastBytes } from './outputWindow';
import {
  isExecutionActive,
  type ExecutionState,
  type RunCommandParameter,
  type RunCommandRequest,
  type RunCommandState,
} from './runCommandState';
import { DEFAULT_RUN_COMMAND_TIMEOUT_SECONDS, EXTENSION_AGENT_TIMEOUT_MS, RUN_COMMAND_ERRORS, RUN_COMMAND_PICKUP_MS } from './timing';

export type RunCommandConcurrency = 'one-at-a-time' | 'parallel';

export interface LroCallbacks {
  onSucceeded: (atMs: number) => void;
  onFailed: (atMs: number, error: { code: string; message: string }) => void;
}

export type PutOutcome =
  | { kind: 'unchanged'; run: RunCommandState }
  | { kind: 'created' | 'updated'; run: RunCommandState; operation: SimOperation };

export class RunCommandService {
  private readonly runs = new IdMap<RunCommandState>();
  private readonly guests = new Map<string, RunCommandGuest>();

  constructor(
    private readonly world: World,
    private readonly operations: OperationTracker,
    private readonly latency: LatencyModel,
    private readonly concurrency: RunCommandConcurrency,
  ) {
    world.changes.subscribe((change) => this.onChange(change));
  }

  // ---------------------------------------------------------------- guests

  /** Runs this VM's scripts in `guest`; returns the function that detaches it. */
  attachGuest(vmId: string, guest: RunCommandGuest): () => void {
    this.guests.set(key(vmId), guest);
    return () => {
      if (this.guests.get(key(vmId)) === guest) this.guests.delete(key(vmId));
    };
  }

  // ---------------------------------------------------------------- reads

  get(runCommandId: string): RunCommandState | undefined {
    return this.runs.get(runCommandId);
  }

  listByVm(vmId: string): RunCommandState[] {
    return this.runs.values().filter((r) => key(r.vmId) === key(vmId));
  }

  // ---------------------------------------------------------------- writes (called by the handlers)

  /**
   * A PUT on `vm/runCommands/name`. Identical settings change nothing (ARM PUTs are idempotent); new settings
   * start a new execution, unless one is still going on this VM (409, see the concurrency note above).
   * `startPut` creates the PUT's long-running operation with the callbacks given.
   */
  put(vm: VirtualMachineState, name: string, request: RunCommandRequest, startPut: (callbacks: LroCallbacks) => SimOperation): PutOutcome {
    const id = `${vm.id}/runCommands/${name}`;
    const existing = this.runs.get(id);
    if (existing?.provisioningState === 'Deleting')
      throw new ArmHttpError(409, RUN_COMMAND_ERRORS.busyCode, RUN_COMMAND_ERRORS.busyMessage);
    if (existing && sameSettings(existing, request)) {
      existing.tags = { ...request.tags };
      return { kind: 'unchanged', run: existing };
    }
    const busy = this.listByVm(vm.id).some((r) => isExecutionActive(r) && (r === existing || this.concurrency === 'one-at-a-time'));
    if (busy) throw new ArmHttpError(409, RUN_COMMAND_ERRORS.busyCode, RUN_COMMAND_ERRORS.busyMessage);

    const now = this.world.clock.nowMs();
    const run: RunCommandState = existing ?? {
      id,
      name,
      vmId: vm.id,
      subscriptionId: vm.subscriptionId,
      resourceGroup: vm.resourceGroup,
      location: request.location,
      tags: {},
      script: '',
      parameters: [],
      protectedParameters: [],
      asyncExecution: false,
      timeoutInSeconds: 0,
      treatFailureAsDeploymentFailure: false,
      provisioningState: 'Creating',
      instanceView: pendingView(),
      generation: 0,
      startScheduled: false,
    };
    Object.assign(run, {
      tags: { ...request.tags },
      script: request.script,
      parameters: request.parameters.map((p) => ({ ...p })),
      protectedParameters: request.protectedParameters.map((p) => ({ ...p })),
      asyncExecution: request.asyncExecution,
      timeoutInSeconds: request.timeoutInSeconds,
      treatFailureAsDeploymentFailure: request.treatFailureAsDeploymentFailure,
      provisioningState: existing ? 'Updating' : 'Creating',
      instanceView: pendingView(),
      generation: run.generation + 1,
      startScheduled: false,
    } satisfies Partial<RunCommandState>);
    this.runs.set(id, run);

    const generation = run.generation;
    const operation = startPut({
      onSucceeded: () => {
        if (this.isCurrent(run, generation) && run.provisioningState !== 'Failed') run.provisioningState = 'Succeeded';
      },
      onFailed: (atMs, error) => {
        if (!this.isCurrent(run, generation)) return;
        run.provisioningState = 'Failed';
        if (isExecutionActive(run)) {
          // The platform never ran the script (an injected LRO failure): the error is all there is to show.
          run.generation += 1;
          this.finish(run, atMs, { executionState: 'Failed', executionMessage: error.message });
        }
      },
    });
    run.putOperationId = operation.id;
    this.operations.schedule(now + EXTENSION_AGENT_TIMEOUT_MS, (at) => this.agentTimedOut(run, generation, at));
    this.schedulePendingStarts(vm);
    this.emit(run, now);
    return { kind: existing ? 'updated' : 'created', run, operation };
  }

  /**
   * A DELETE: "If the script execution is still in progress, execution is terminated" (managed Run Command
   * docs). The resource shows Deleting until `startDelete`'s operation completes, then is gone.
   */
  delete(run: RunCommandState, startDelete: (callbacks: LroCallbacks) => SimOperation): SimOperation {
    const now = this.world.clock.nowMs();
    run.generation += 1; // pending timers of the execution do nothing from now on
    const put = run.putOperationId ? this.operations.get(run.putOperationId) : undefined;
    if (put)
      this.operations.failAt(put, now, {
        code: 'OperationPreempted',
        message: 'The run command was deleted before its execution completed.',
      });
    if (isExecutionActive(run)) {
      run.instanceView = {
        ...run.instanceView,
        executionState: 'Canceled',
        executionMessage: 'The run command was deleted; its execution was terminated.',
        endTimeMs: now,
      };
    }
    const previous = run.provisioningState;
    run.provisioningState = 'Deleting';
    this.emit(run, now);
    const operation = startDelete({
      onSucceeded: (atMs) => {
        if (this.runs.get(run.id) === run) this.runs.delete(run.id);
        this.world.emit({ kind: 'runCommand', at: new Date(atMs), vmId: run.vmId, runCommandName: run.name, executionState: 'Deleted' });
      },
      onFailed: () => {
        run.provisioningState = previous;
        delete run.deleteOperationId;
      },
    });
    run.deleteOperationId = operation.id;
    return operation;
  }

  /** Called on every sync: starts that became possible since the last look (agent healed, VM booted). */
  refresh(): void {
    // Called on every request: only VMs with a run waiting to be picked up need a look (in the store's VM order).
    const waiting = new Set<string>();
    for (const run of this.runs.values()) if (awaitsPickup(run)) waiting.add(key(run.vmId));
    if (waiting.size === 0) return;
    for (const vm of this.world.store.virtualMachines.values()) if (waiting.has(key(vm.id))) this.schedulePendingStarts(vm);
  }

  // ---------------------------------------------------------------- execution

  private schedulePendingStarts(vm: VirtualMachineState): void {
    const readyAt = this.world.agentReadyAtMs(vm);
    if (readyAt === undefined) return;
    for (const run of this.listByVm(vm.id)) {
      if (!awaitsPickup(run)) continue;
      const generation = run.generation;
      run.startScheduled = true;
      // The agent picks the command up a few seconds after both it is Ready and the command was submitted.
      const startAt = Math.max(readyAt, this.pendingSince(run)) + RUN_COMMAND_PICKUP_MS;
      this.operations.schedule(startAt, (at) => this.start(run, generation, at));
    }
  }

  /** When the current execution was submitted: the start of its PUT's operation. */
  private pendingSince(run: RunCommandState): number {
    const put = run.putOperationId ? this.operations.get(run.putOperationId) : undefined;
    return put?.startedAtMs ?? this.world.clock.nowMs();
  }

  private start(run: RunCommandState, generation: number, at: number): void {
    if (!this.isCurrent(run, generation) || run.instanceView.executionState !== 'Pending') return;
    run.startScheduled = false;
    const vm = this.world.store.virtualMachines.get(run.vmId);
    const readyAt = vm ? this.world.agentReadyAtMs(vm) : undefined;
    if (!vm || readyAt === undefined || readyAt + RUN_COMMAND_PICKUP_MS > at) {
      // The VM went down (or the agent broke) since this start was planned: wait for the next chance.
      if (vm) this.schedulePendingStarts(vm);
      return;
    }
    const put = run.putOperationId ? this.operations.get(run.putOperationId) : undefined;
    if (put?.failWith) {
      // A failure planned with faults.failNextLro: the platform fails before the script runs.
      this.operations.finishAt(put, at);
      return;
    }
    run.instanceView = { ...run.instanceView, executionState: 'Running', startTimeMs: at };
    if (put && run.asyncExecution) this.operations.finishAt(put, at);

    const execution = this.executionOf(run);
    const guest = this.guests.get(key(run.vmId)) ?? UNATTACHED_GUEST;
    const runMs = Math.max(0, this.latency.runCommand.ms - RUN_COMMAND_PICKUP_MS) + Math.max(0, guest.workMs(execution));
    const timeoutMs = (run.timeoutInSeconds > 0 ? run.timeoutInSeconds : DEFAULT_RUN_COMMAND_TIMEOUT_SECONDS) * 1000;
    if (runMs > timeoutMs) {
      this.operations.schedule(at + timeoutMs, (end) => this.timedOut(run, generation, end, timeoutMs / 1000));
    } else {
      this.operations.schedule(at + runMs, (end) => this.complete(run, generation, end, guest, execution));
    }
    this.emit(run, at);
  }

  private complete(run: RunCommandState, generation: number, at: number, guest: RunCommandGuest, execution: RunCommandExecution): void {
    if (!this.isCurrent(run, generation) || run.instanceView.executionState !== 'Running') return;
    let outcome: RunCommandOutcome;
    try {
      outcome = guest.complete(execution, at);
    } catch (err) {
      // A broken guest model must show up as a failed script, loudly, not as a hung one.
      outcome = {
        exitCode: 1,
        stdout: '',
        stderr: `SIMULATED guest model error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      };
    }
    const succeeded = outcome.exitCode === 0;
    this.finish(run, at, {
      executionState: succeeded ? 'Succeeded' : 'Failed',
      executionMessage: succeeded ? '' : `Script execution finished with exit code ${outcome.exitCode}.`,
      exitCode: outcome.exitCode,
      output: outcome.stdout,
      error: outcome.stderr,
    });
  }

  private timedOut(run: RunCommandState, generation: number, at: number, timeoutSeconds: number): void {
    if (!this.isCurrent(run, generation) || run.instanceView.executionState !== 'Running') return;
    this.finish(run, at, {
      executionState: 'TimedOut',
      executionMessage: `Execution timed out after ${timeoutSeconds} seconds (timeoutInSeconds); the script was terminated.`,
    });
  }

  private agentTimedOut(run: RunCommandState, generation: number, at: number): void {
    if (!this.isCurrent(run, generation) || run.instanceView.executionState !== 'Pending') return;
    const vm = this.world.store.virtualMachines.get(run.vmId);
    const message = RUN_COMMAND_ERRORS.agentMessage(vm?.name ?? run.vmId);
    run.generation += 1;
    run.provisioningState = 'Failed';
    run.instanceView = {
      ...run.instanceView,
      executionState: 'Unknown',
      executionMessage: message,
      statuses: [
        {
          code: `ProvisioningState/failed/${RUN_COMMAND_ERRORS.agentCode}`,
          level: 'Error',
          displayStatus: 'Provisioning failed',
          message,
          timeMs: at,
        },
      ],
    };
    const put = run.putOperationId ? this.operations.get(run.putOperationId) : undefined;
    if (put) this.operations.failAt(put, at, { code: RUN_COMMAND_ERRORS.agentCode, message });
    this.emit(run, at);
  }

  /** Ends the current execution and settles the PUT's operation as the service would. */
  private finish(
    run: RunCommandState,
    at: number,
    end: { executionState: ExecutionState; executionMessage: string; exitCode?: number; output?: string; error?: string },
  ): void {
    run.instanceView = {
      ...run.instanceView,
      executionState: end.executionState,
      executionMessage: end.executionMessage,
      ...(end.exitCode !== undefined ? { exitCode: end.exitCode } : {}),
      output: lastBytes(end.output ?? ''),
      error: lastBytes(end.error ?? ''),
      endTimeMs: at,
    };
    const failed = end.executionState !== 'Succeeded';
    const put = run.putOperationId ? this.operations.get(run.putOperationId) : undefined;
    if (failed && run.treatFailureAsDeploymentFailure) {
      run.provisioningState = 'Failed';
      if (put) {
        this.operations.failAt(put, at, {
          code: 'VMExtensionProvisioningError',
          message: `VM has reported a failure when processing extension '${run.name}'. Error message: "${end.executionMessage}"`,
        });
      }
    } else if (put) {
      this.operations.finishAt(put, at);
    }
    this.emit(run, at);
  }

  private onChange(change: ArmChange): void {
    if (change.kind === 'powerState') {
      if (change.from === 'running') this.interruptRunning(change.vmId, change.at.getTime());
      const vm = this.world.store.virtualMachines.get(change.vmId);
      if (vm) this.schedulePendingStarts(vm);
    } else if (change.kind === 'agentStatus') {
      const vm = this.world.store.virtualMachines.get(change.vmId);
      if (vm) this.schedulePendingStarts(vm);
    }
  }

  /** The guest went down under a running script: the script process died with it. */
  private interruptRunning(vmId: string, at: number): void {
    for (const run of this.listByVm(vmId)) {
      if (run.instanceView.executionState !== 'Running') continue;
      run.generation += 1;
      this.finish(run, at, {
        executionState: 'Failed',
        executionMessage: 'SIMULATED: the VM stopped or restarted while the script was running; the script process ended with the guest.',
      });
    }
  }

  private executionOf(run: RunCommandState): RunCommandExecution {
    return {
      vmId: run.vmId,
      runCommandName: run.name,
      script: run.script,
      parameters: [...run.parameters, ...run.protectedParameters].map((p) => ({ ...p })),
    };
  }

  private isCurrent(run: RunCommandState, generation: number): boolean {
    return run.generation === generation && this.runs.get(run.id) === run;
  }

  private emit(run: RunCommandState, atMs: number): void {
    this.world.emit({
      kind: 'runCommand',
      at: new Date(atMs),
      vmId: run.vmId,
      runCommandName: run.name,
      executionState: run.instanceView.executionState,
    });
  }
}

function pendingView(): RunCommandState['instanceView'] {
  return { executionState: 'Pending', executionMessage: '', output: '', error: '', statuses: [] };
}

function sameSettings(run: RunCommandState, request: RunCommandRequest): boolean {
  return (
    run.script === request.script &&
    sameParameters(run.parameters, request.parameters) &&
    sameParameters(run.protectedParameters, request.protectedParameters) &&
    run.asyncExecution === request.asyncExecution &&
    run.timeoutInSeconds === request.timeoutInSeconds &&
    run.treatFailureAsDeploymentFailure === request.treatFailureAsDeploymentFailure
  );
}

function sameParameters(a: readonly RunCommandParameter[], b: readonly RunCommandParameter[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.value === b[i]!.value);
}

/** A run the agent has yet to pick up, with no start planned. */
function awaitsPickup(run: RunCommandState): boolean {
  return run.instanceView.executionState === 'Pending' && !run.startScheduled && run.provisioningState !== 'Deleting';
}
