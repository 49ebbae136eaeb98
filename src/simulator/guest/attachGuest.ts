/**
 * SIMULATED: puts a simulated Windows guest inside a simulated VM.
 *  - Run Command: the VM's run commands execute in this guest (scripts named by scriptIdentity.ts, effects by
 *    scriptModels/);
 *  - power: the guest shuts down when the VM leaves `running` (restart, stop, deallocate) and boots when it is
 *    `running` again, at the virtual instant the simulated ARM completes the operation;
 *  - serial port: what the guest writes to COM1 is the VM's boot diagnostics serial log (serialLog.ts);
 *  - agent: the guest's agent health is written into the simulated ARM, which reports it in the instance view.
 */
import type { SimulatedArm } from '../arm/simulatedArm';
import type { RunCommandGuest } from '../arm/runCommand/guestPort';
import { sameId } from '../arm/world/world';
import { appScriptTexts, identifyGuestScript, type GuestScriptTexts } from './scriptIdentity';
import { runGuestScript, SCRIPT_MODELS } from './scriptModels';
import type { SimulatedWindowsGuest } from './windowsGuest';

export interface AttachGuestOptions {
  /** The script texts the app sends (name -> text); default: the app's own, as loadGuestScript reads them. */
  scripts?: GuestScriptTexts;
}

/** Returns the function that detaches the guest again. */
export function attachSimulatedGuest(
  arm: SimulatedArm,
  vmId: string,
  guest: SimulatedWindowsGuest,
  options: AttachGuestOptions = {},
): () => void {
  const vm = arm.world.vm(vmId);
  if (vm.agentHealth !== guest.agentHealth) arm.world.setAgentHealth(vm.id, guest.agentHealth);
  if (vm.powerState !== 'running') guest.shutdown(arm.clock.nowMs());
  const detachPort = arm.runCommands.attachGuest(vm.id, guestRunCommandPort(guest, options.scripts ?? appScriptTexts()));
  const detachSerial = arm.bootDiagnostics.attachSerialPort(vm.id, { serialLog: () => guest.serialLog() });
  const unsubscribe = arm.onChange((change) => {
    if (change.kind !== 'powerState' || !sameId(change.vmId, vm.id)) return;
    if (change.to === 'running') guest.boot(change.at.getTime());
    else if (change.from === 'running') guest.shutdown(change.at.getTime());
  });
  return () => {
    detachPort();
    detachSerial();
    unsubscribe();
  };
}

/** The guest as the simulated ARM's Run Command sees it. */
export function guestRunCommandPort(guest: SimulatedWindowsGuest, scripts: GuestScriptTexts): RunCommandGuest {
  return {
    workMs: (execution) => {
      const name = identifyGuestScript(execution.script, scripts);
      return name ? SCRIPT_MODELS[name].workMs + guest.scriptDelayMs(name) : 0;
    },
    complete: (execution, atMs) => runGuestScript(guest, identifyGuestScript(execution.script, scripts), execution.parameters, atMs),
  };
}
