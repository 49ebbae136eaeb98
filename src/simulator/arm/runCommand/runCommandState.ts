/**
 * SIMULATED: the state behind a managed run command (`Microsoft.Compute/virtualMachines/runCommands`), the child
 * resource through which Azure runs a script on a VM via the guest agent. Field names follow the REST shape
 * (azure-rest-api-specs `VirtualMachineRunCommand`, `VirtualMachineRunCommandInstanceView`).
 */

/** `instanceView.executionState`, as the service spells it. */
export type ExecutionState = 'Unknown' | 'Pending' | 'Running' | 'Failed' | 'Succeeded' | 'TimedOut' | 'Canceled';

export type RunCommandProvisioningState = 'Creating' | 'Updating' | 'Succeeded' | 'Failed' | 'Deleting';

export interface RunCommandParameter {
  name: string;
  value: string;
}

/** One entry of `instanceView.statuses` (InstanceViewStatus). */
export interface RunCommandStatus {
  code: string;
  level: 'Info' | 'Warning' | 'Error';
  displayStatus: string;
  message: string;
  timeMs: number;
}

export interface RunCommandInstanceViewState {
  executionState: ExecutionState;
  executionMessage: string;
  exitCode?: number;
  /** Already cut to the service's window (the last 4096 bytes). */
  output: string;
  error: string;
  startTimeMs?: number;
  endTimeMs?: number;
  statuses: RunCommandStatus[];
}

/** What a PUT asks for (validated by the handler). */
export interface RunCommandRequest {
  location: string;
  tags: Record<string, string>;
  script: string;
  parameters: RunCommandParameter[];
  /** Kept for the execution, never rendered back: Azure does not return secret values. */
  protectedParameters: RunCommandParameter[];
  asyncExecution: boolean;
  /** As the caller sent it; 0 means the service default (see timing.ts). */
  timeoutInSeconds: number;
  treatFailureAsDeploymentFailure: boolean;
}

/** A run command resource: the request it was created from, plus where it stands. */
export interface RunCommandState extends RunCommandRequest {
  id: string;
  name: string;
  vmId: string;
  subscriptionId: string;
  resourceGroup: string;
  provisioningState: RunCommandProvisioningState;
  instanceView: RunCommandInstanceViewState;
  /** Bumped when an execution is submitted, abandoned or deleted, so timers of an older one do nothing. */
  generation: number;
  /** A start is scheduled for this generation (cleared when it fires), so change events do not double it. */
  startScheduled: boolean;
  /** Id of the PUT's long-running operation, completed when the script starts (async) or ends (sync). */
  putOperationId?: string;
  /** Id of the DELETE's operation while the resource is Deleting (a repeated DELETE polls the same one). */
  deleteOperationId?: string;
}

export function isExecutionActive(run: Pick<RunCommandState, 'instanceView' | 'provisioningState'>): boolean {
  return run.instanceView.executionState === 'Pending' || run.instanceView.executionState === 'Running';
}
