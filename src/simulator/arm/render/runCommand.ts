/**
 * SIMULATED: managed run commands in ARM's wire shape (azure-rest-api-specs examples
 * VirtualMachineRunCommand_CreateOrUpdate / _Get / _List, and the VirtualMachineRunCommandInstanceView model):
 * `properties.instanceView` only with `$expand=instanceView`; secrets (protectedParameters, runAsPassword) are
 * never echoed.
 */
import type { RunCommandState } from '../runCommand/runCommandState';

export const RUN_COMMAND_TYPE = 'Microsoft.Compute/virtualMachines/runCommands';

export function renderRunCommand(run: RunCommandState, withInstanceView: boolean): Record<string, unknown> {
  return {
    name: run.name,
    id: run.id,
    type: RUN_COMMAND_TYPE,
    location: run.location,
    tags: { ...run.tags },
    properties: {
      source: { script: run.script },
      parameters: run.parameters.map((p) => ({ name: p.name, value: p.value })),
      asyncExecution: run.asyncExecution,
      treatFailureAsDeploymentFailure: run.treatFailureAsDeploymentFailure,
      timeoutInSeconds: run.timeoutInSeconds,
      provisioningState: run.provisioningState,
      ...(withInstanceView ? { instanceView: renderInstanceView(run) } : {}),
    },
  };
}

function renderInstanceView(run: RunCommandState): Record<string, unknown> {
  const view = run.instanceView;
  return {
    executionState: view.executionState,
    executionMessage: view.executionMessage,
    ...(view.exitCode !== undefined ? { exitCode: view.exitCode } : {}),
    output: view.output,
    error: view.error,
    ...(view.startTimeMs !== undefined ? { startTime: new Date(view.startTimeMs).toISOString() } : {}),
    ...(view.endTimeMs !== undefined ? { endTime: new Date(view.endTimeMs).toISOString() } : {}),
    statuses: view.statuses.map((s) => ({
      code: s.code,
      level: s.level,
      displayStatus: s.displayStatus,
      message: s.message,
      time: new Date(s.timeMs).toISOString(),
    })),
  };
}
