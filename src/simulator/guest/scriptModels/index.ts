/**
 * SIMULATED: the guest scripts' models, keyed by script name (GuestScriptName), and the runner that turns a
 * model's result into what Run Command returns: progress lines, then SCRIPT_RESULT_MARKER + compact JSON as the last
 * stdout line, exit 0; PowerShell's parameter-binding errors on stderr with exit 1. The JSON is written the way
 * the scripts' ConvertTo-ResultJson writes it (common-read.ps1): Windows PowerShell 5.1's ConvertTo-Json
 * escapes ' < > & as \u0027 \u003c \u003e \u0026, non-ASCII is escaped too, and the line is capped at
 * MAX_RESULT_BYTES by cutting action lines (with a note), then the message.
 */
import type { GuestScriptName } from '../../../guest/scriptContracts';
import type { RunCommandParameter } from '../../arm/runCommand/runCommandState';
import type { RunCommandOutcome } from '../../arm/runCommand/guestPort';
import { bindScriptParameters, ParameterBindingError } from '../parameterBinding';
import type { SimulatedWindowsGuest } from '../windowsGuest';
import { bootTimeModel } from './bootTime';
import { diagnoseModel } from './diagnose';
import { enableTlsModel } from './enableTls';
import { fixPortConflictModel } from './fixPortConflict';
import { offlineRepairModel } from './offlineRepair';
import { renewCertificateModel } from './renewCertificate';
import { restoreGroupPolicyModel } from './restoreGroupPolicy';
import type { ScriptModel } from './scriptModel';

/**
 * What every guest script writes before its result JSON, as the .ps1 files spell it (their last line is
 * `Write-Output ('RDPAUTOREPAIR-RESULT:' + ...)`; test/simulator/honestSimulator.spec.ts checks each script).
 * Not imported from the app's parser, so a parser and scripts that disagree cannot agree in the simulation.
 */
export const SCRIPT_RESULT_MARKER = 'RDPAUTOREPAIR-RESULT:';

export const SCRIPT_MODELS: { readonly [N in GuestScriptName]: ScriptModel<N> } = Object.freeze({
  diagnose: diagnoseModel,
  'fix-port-conflict': fixPortConflictModel,
  'renew-certificate': renewCertificateModel,
  'enable-tls': enableTlsModel,
  'restore-group-policy': restoreGroupPolicyModel,
  'offline-repair': offlineRepairModel,
  'boot-time': bootTimeModel,
});

export function isGuestScriptName(name: string): name is GuestScriptName {
  return Object.hasOwn(SCRIPT_MODELS, name);
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
  const stdout = `${[...lines, `${SCRIPT_RESULT_MARKER}${resultJson(result as unknown as Record<string, unknown>)}`].join('\n')}\n`;
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

/** common-read.ps1's $MaxResultBytes. */
export const MAX_RESULT_BYTES = 3500;

/** ConvertTo-AsciiJson: compact JSON as Windows PowerShell 5.1 escapes it, non-ASCII escaped as well. */
export function powershell51Json(value: unknown): string {
  return JSON.stringify(value).replace(/['<>&]|[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** ConvertTo-ResultJson: the result line's JSON, at most MAX_RESULT_BYTES. */
export function resultJson(result: Record<string, unknown>): string {
  let json = powershell51Json(result);
  if (json.length <= MAX_RESULT_BYTES) return json;
  const copy = { ...result };
  if (Array.isArray(copy.actions)) {
    const lines = copy.actions as unknown[];
    let kept = lines.length;
    while (kept > 0 && json.length > MAX_RESULT_BYTES - 80) {
      kept -= 1;
      copy.actions = lines.slice(0, kept);
      json = powershell51Json(copy);
    }
    if (kept < lines.length) {
      copy.actions = [...lines.slice(0, kept), `(${lines.length - kept} action lines cut to fit the output window)`];
      json = powershell51Json(copy);
    }
  }
  if (json.length > MAX_RESULT_BYTES && typeof copy.message === 'string') {
    copy.message = copy.message.slice(0, 120);
    json = powershell51Json(copy);
  }
  return json;
}
