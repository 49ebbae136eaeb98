/**
 * SIMULATED: what the simulated ARM needs from a simulated guest to run a script in it. The guest side
 * (src/simulator/guest) implements it; the ARM knows nothing of Windows, services or SCHANNEL.
 */
import type { RunCommandParameter } from './runCommandState';

export interface RunCommandExecution {
  vmId: string;
  runCommandName: string;
  script: string;
  /** `parameters` then `protectedParameters`, as Run Command passes both to the script (named, as strings). */
  parameters: readonly RunCommandParameter[];
}

export interface RunCommandOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunCommandGuest {
  /** Script work beyond Run Command's own floor, decided when the script starts (a slow gpupdate, a hang). */
  workMs(execution: RunCommandExecution): number;
  /** Applies the script's effect to the guest at the instant it ends and returns what it printed. */
  complete(execution: RunCommandExecution, atMs: number): RunCommandOutcome;
}

/** Stands in for a VM nobody attached a guest to: the script "runs" and fails, saying why, so no test passes by accident. */
export const UNATTACHED_GUEST: RunCommandGuest = {
  workMs: () => 0,
  complete: (execution) => ({
    exitCode: 1,
    stdout: '',
    stderr:
      `SIMULATED ARM: no simulated guest is attached to VM ${execution.vmId}, so nothing can run the script. ` +
      'Attach one with attachSimulatedGuest(arm, vmId, guest) (src/simulator/guest).',
  }),
};
