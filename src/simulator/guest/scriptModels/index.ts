/**
 * SIMULATED: the guest scripts' models, keyed by script name (GuestScriptName), and the runner that turns a
 * model's result into what Run Command returns: progress lines, then RESULT_MARKER + compact JSON as the last
 * stdout line, exit 0; PowerShell's parameter-binding errors on stderr with exit 1.
 */
import type { GuestScriptName } from '../../../guest/scriptContracts';
import { RESULT_MARKER } from '../../../guest/resultProtocol';
import type { RunCommandParameter } from '../../arm/runCommand/runCommandState';
import type { RunCommandOutcome } from '../../arm/runCommand/guestPort';
import { bindScriptParameters, ParameterBindingError } from '../parameterBinding';
import type { SimulatedWindowsGuest } from '../windowsGuest';
import { bootTimeModel } from './bootTime';
import { diagnoseModel } from './diagnose';
import { enableTlsModel } from './enableTls';
import { fixPortConflictModel } from './fixPortConflict';
import { renewCertificateModel } from './renewCertificate';
import { restoreGroupPolicyModel } from './restoreGroupPolicy';
import type { ScriptModel } from './scriptModel';

export const SCRIPT_MODELS: { readonly [N in GuestScriptName]: ScriptModel<N> } = Object.freeze({
  diagnose: diagnoseModel,
  'fix-port-conflict': fixPortConflictModel,
  'renew-certificate': renewCertificateModel,
  'enable-tls': enableTlsModel,
  'restore-group-policy': restoreGroupPolicyModel,
  'boot-time': bootTimeModel,
});

export function isGuestScriptName(name: string): name is GuestScriptName {
  return Object.prototype.hasOwnProperty.call(SCRIPT_MODELS, name);
}

/** Runs script `name` (undefined: a script the simulator has no model for) against the guest at `nowMs`. */
export function runGuestScript(
  guest: SimulatedWindowsGuest,
  name: GuestScriptName | undefined,
  parameters: readonly RunCommandParameter[],
  nowMs: number,
): RunCommandOutcome {
  const outcome = name === undefined ? unknownScript() : runModel(SCRIPT_MODELS[name], guest, parameters, nowMs);
  guest.recordScript(name ?? '(unknown)', outcome.exitCode, nowMs);
  return outcome;
}

function runModel<N extends GuestScriptName>(
  model: ScriptModel<N>,
  guest: SimulatedWindowsGuest,
  parameters: readonly RunCommandParameter[],
  nowMs: number,
): RunCommandOutcome {
  let params: Parameters<ScriptModel<N>['run']>[1];
  try {
    params = bindScriptParameters(model.name, parameters);
  } catch (err) {
    if (!(err instanceof ParameterBindingError)) throw err;
    // PowerShell stops before the first statement: nothing ran, nothing changed.
    return { exitCode: 1, stdout: '', stderr: powershellError(model.name, err) };
  }
  const { result, lines } = model.run(guest, params, { nowMs });
  const stdout = [...lines, `${RESULT_MARKER}${JSON.stringify(result)}`].join('\n') + '\n';
  return { exitCode: 0, stdout, stderr: '' };
}

function unknownScript(): RunCommandOutcome {
  return {
    exitCode: 1,
    stdout: '',
    stderr:
      'SIMULATED guest: the script sent is none of the guest scripts the simulator models ' +
      `(${Object.keys(SCRIPT_MODELS).join(', ')}); a real VM would have run it, the simulation cannot.`,
  };
}

/** PowerShell's error record layout for a binding failure, as it appears on the error stream. */
function powershellError(script: string, err: ParameterBindingError): string {
  const file = `C:\\Packages\\Plugins\\Microsoft.CPlat.Core.RunCommandHandlerWindows\\script\\${script}.ps1`;
  return [
    `${file} : ${err.message}`,
    '    + CategoryInfo          : InvalidArgument: (:) [script.ps1], ParameterBindingException',
    `    + FullyQualifiedErrorId : ${err.errorId},script.ps1`,
  ].join('\n');
}
