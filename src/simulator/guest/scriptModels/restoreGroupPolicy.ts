/**
 * SIMULATED: restore-group-policy.ps1: gpsvc's registry Start back to PreviousStart (recorded), enable-tls's
 * stash removed (recorded), then, unless PreviousStart is 4: start gpsvc; if the SCM still has it disabled
 * (it read Start=4 at the last boot), ask it once through Set-Service, which gpsvc normally refuses (errata 11);
 * still not running -> ok=false, "applies at the next restart", no gpupdate. Running -> `gpupdate
 * /target:computer /force`, where a domain policy that disables TLS 1.2 writes the registry again (in effect
 * from the next restart; a diagnose sees it at once).
 */
import type { RecordedChange, RestoreGroupPolicyResult } from '../../../guest/scriptContracts';
import { GPSVC_STASH_VALUE, REG, type ServiceStart } from '../guestState';
import type { SimulatedWindowsGuest } from '../windowsGuest';
import { limitText, type ScriptModel } from './scriptModel';

export const restoreGroupPolicyModel: ScriptModel<'restore-group-policy'> = {
  name: 'restore-group-policy',
  readOnly: false,
  // Estimate: gpupdate /target:computer /force on a domain member typically takes 10-30 s.
  workMs: 20_000,
  run: (guest, params, context) => {
    const changes: RecordedChange[] = [];
    const actions: string[] = [];
    const result: RestoreGroupPolicyResult = {
      script: 'restore-group-policy',
      ok: false,
      message: '',
      changes,
      actions,
      gpupdateExitCode: null,
    };
    const previous = params.PreviousStart as ServiceStart;

    const before = guest.service('gpsvc')?.start ?? null;
    guest.setServiceStart('gpsvc', previous);
    changes.push({ path: REG.service('gpsvc'), name: 'Start', before, after: previous });
    const stashed = guest.registryExtra(REG.repairStash, GPSVC_STASH_VALUE);
    if (stashed !== null) {
      guest.setRegistryExtra(REG.repairStash, GPSVC_STASH_VALUE, null);
      changes.push({ path: REG.repairStash, name: GPSVC_STASH_VALUE, before: stashed, after: null });
    }

    if (previous === 4) {
      result.ok = true;
      result.message = 'gpsvc was disabled before the repair and stays disabled; gpupdate not run';
      return { result, lines: [] };
    }
    let started = startGpsvc(guest, actions, context.nowMs);
    if (!started) {
      const startupType = previous === 3 ? 'Manual' : 'Automatic';
      const configured = guest.setServiceStartThroughScm('gpsvc', previous);
      if (configured.ok) {
        actions.push(`set gpsvc start type to ${startupType} through the SCM`);
        started = startGpsvc(guest, actions, context.nowMs);
      } else {
        actions.push(limitText(`SCM refused gpsvc: ${configured.reason}`, 200));
      }
    }
    if (!started) {
      result.message = `gpsvc Start restored to ${previous} in the registry; it applies at the next restart; gpupdate not run`;
      return { result, lines: [] };
    }
    const exitCode = guest.gpupdate(context.nowMs);
    result.gpupdateExitCode = exitCode;
    actions.push(`gpupdate /target:computer /force exited with ${exitCode}`);
    if (exitCode !== 0) actions.push('gpupdate: Computer Policy could not be updated successfully.');
    result.ok = exitCode === 0;
    result.message = result.ok
      ? 'gpsvc restored and running; computer policy re-applied'
      : 'gpsvc restored and running; gpupdate did not complete';
    return { result, lines: [] };
  },
};

/** Start-GpsvcBounded, with the script's catch: false (and an action line) when it does not start. */
function startGpsvc(guest: SimulatedWindowsGuest, actions: string[], nowMs: number): boolean {
  if (guest.service('gpsvc')?.status === 'Running') return true;
  const started = guest.startService('gpsvc', nowMs);
  if (started.ok) {
    actions.push('started gpsvc');
    return true;
  }
  actions.push(limitText(`gpsvc did not start: ${started.reason}`, 200));
  return false;
}
