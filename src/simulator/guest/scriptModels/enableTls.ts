/**
 * SIMULATED: enable-tls.ps1: TLS 1.2 Server Enabled=1 / DisabledByDefault=0 (TLS 1.0 and 1.1 too only when
 * AllowLegacyTls is 'true'), every write recorded even when the value was already right; gpsvc's start type
 * kept under HKLM\SOFTWARE\rdp-autorepair (so a second run still reports the original) and its registry
 * Start set to 4. SCHANNEL and the SCM read these at the next boot: nothing changes for RDP before a restart.
 */
import type { EnableTlsResult, RecordedChange, TlsVersion } from '../../../guest/scriptContracts';
import { GPSVC_STASH_VALUE, REG } from '../guestState';
import type { ScriptModel } from './scriptModel';

export const enableTlsModel: ScriptModel<'enable-tls'> = {
  name: 'enable-tls',
  readOnly: false,
  // Estimate: a handful of registry writes, ~1 s.
  workMs: 1_000,
  run: (guest, params) => {
    const changes: RecordedChange[] = [];
    const actions: string[] = [];
    const versions: TlsVersion[] = params.AllowLegacyTls ? ['TLS 1.2', 'TLS 1.0', 'TLS 1.1'] : ['TLS 1.2'];
    for (const version of versions) {
      const path = REG.schannelServer(version);
      const before = guest.read().schannel.configured[version];
      guest.setTlsServer(version, { enabled: 1, disabledByDefault: 0 });
      changes.push({ path, name: 'Enabled', before: before.enabled, after: 1 });
      changes.push({ path, name: 'DisabledByDefault', before: before.disabledByDefault, after: 0 });
      actions.push(`enabled ${version} Server`);
    }

    const gpsvcStart = guest.service('gpsvc')?.start ?? null;
    const stashed = guest.registryExtra(REG.repairStash, GPSVC_STASH_VALUE);
    let previousGpsvcStart: number | null;
    if (gpsvcStart === 4 && stashed !== null) {
      previousGpsvcStart = stashed;
      actions.push('gpsvc already disabled by an earlier run');
    } else {
      previousGpsvcStart = gpsvcStart;
      if (gpsvcStart !== null && gpsvcStart !== 4) {
        guest.setRegistryExtra(REG.repairStash, GPSVC_STASH_VALUE, gpsvcStart);
        changes.push({ path: REG.repairStash, name: GPSVC_STASH_VALUE, before: stashed, after: gpsvcStart });
      }
    }
    guest.setServiceStart('gpsvc', 4);
    changes.push({ path: REG.service('gpsvc'), name: 'Start', before: gpsvcStart, after: 4 });
    actions.push('disabled gpsvc until restore-group-policy (takes effect at the next restart)');

    const result: EnableTlsResult = {
      script: 'enable-tls',
      ok: true,
      message: 'TLS Server settings written; restart the VM to apply them',
      changes,
      actions,
      previousGpsvcStart,
    };
    return { result, lines: [] };
  },
};
