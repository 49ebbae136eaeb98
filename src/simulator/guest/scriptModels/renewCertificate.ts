/**
 * SIMULATED: renew-certificate.ps1, step by step:
 *  1. the build decides the RDP key container's entries (windowsBuilds.ts [M]): SYSTEM F, NETWORK SERVICE R,
 *     and BUILTIN\Administrators R up to 14393 or NT SERVICE\SessionEnv F from 17763;
 *  2. a MachineKeys folder that refuses listing stops the script before any change;
 *  3. with an RDP key container (f686aace*) that lacks part of the build's set: `icacls /save` of its ACLs
 *     into BackupDirectory, then add-only grants of the build's set on that file (recorded as
 *     SYSTEM=..;NETWORK SERVICE=..;<third>=..); a deny entry that still wins is reported in `actions`; a
 *     complete container is left alone;
 *  4. when the Remote Desktop certificate's key still does not open, the container is moved into
 *     BackupDirectory (recorded), so Windows can create a new key of that name;
 *  5. removes the certificate(s) from Cert:\LocalMachine\Remote Desktop, and a pin naming a certificate that
 *     is no longer present or has expired;
 *  6. restarts SessionEnv (a failure is noted, not fatal) and TermService: Windows issues a new certificate;
 *  7. checks the new certificate's key by signing with it, as LocalSystem.
 * The check runs as SYSTEM, so a NETWORK SERVICE deny entry leaves ok=true while RDP (which runs as NETWORK
 * SERVICE) still cannot use the key: the `actions` line and the orchestrator's probe are what catch it.
 */
import type { RecordedChange, RenewCertificateResult } from '../../../guest/scriptContracts';
import { REG, type WindowsGuestState } from '../guestState';
import type { DeepReadonly } from '../windowsGuest';
import type { KeyContainerAcl } from '../windowsBuilds';
import { limitText, ScriptFailure, sortableUtc, type ScriptModel } from './scriptModel';
import { restartServiceBounded } from './serviceSteps';

export const renewCertificateModel: ScriptModel<'renew-certificate'> = {
  name: 'renew-certificate',
  readOnly: false,
  // Estimate: icacls on one file, two bounded service restarts and Windows issuing a certificate, ~15 s.
  workMs: 15_000,
  run: (guest, params, context) => {
    const changes: RecordedChange[] = [];
    const actions: string[] = [];
    const result: RenewCertificateResult = {
      script: 'renew-certificate',
      ok: false,
      message: '',
      changes,
      actions,
      removedThumbprint: null,
      aclBackupPath: null,
    };
    try {
      const state = guest.read();
      const keyFile = state.rdpKeyFile;
      const legacyEntry = state.windowsBuild < 17763;
      if (!state.machineKeys.folderListable) {
        throw new ScriptFailure(`${REG.machineKeysDirectory} refuses listing (Access to the path is denied): nothing changed`);
      }
      const stamp = new Date(context.nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const backupDirectory = params.BackupDirectory.replace(/\\+$/, '');
      if (!state.machineKeys.rdpContainerFound) {
        actions.push('no RDP key container (f686aace*) in MachineKeys: Windows creates one with the certificate');
      } else {
        const complete = legacyEntry
          ? /^SYSTEM=F;NETWORK SERVICE=[RF];Administrators=[RF]$/
          : /^SYSTEM=F;NETWORK SERVICE=[RF];SessionEnv=F$/;
        const before = accessSummary(guest.read(), legacyEntry);
        if (complete.test(before)) {
          actions.push(`the RDP key container ACLs already carry build ${state.windowsBuild}'s entries: unchanged`);
        } else {
          const aclBackupPath = `${backupDirectory}\\machinekeys-acl-${stamp}Z.txt`;
          guest.writeFile(aclBackupPath);
          result.aclBackupPath = aclBackupPath;
          actions.push(`saved key ACLs; restore: icacls "${REG.machineKeysDirectory}" /restore "${aclBackupPath}"`);
          guest.grantMachineKeysAccess(
            legacyEntry ? { system: 'F', networkService: 'R', administrators: 'R' } : { system: 'F', networkService: 'R', sessionEnv: 'F' },
          );
          const after = accessSummary(guest.read(), legacyEntry);
          changes.push({ path: keyFile, name: 'ACL', before, after });
          if (!complete.test(after)) actions.push(`a deny entry still limits access to ${keyFile.split('\\').pop()}: ${after}`);
        }
        const current = guest.read().certificate;
        if (current && !keyOpensForSystem(guest.read())) {
          // The access is now right and the key still does not open: the container itself is damaged.
          const aside = `${backupDirectory}\\machinekeys-${stamp}Z\\${keyFile.split('\\').pop()}`;
          guest.moveKeyContainerAside(aside);
          changes.push({ path: keyFile, name: 'KeyContainer', before: keyFile, after: aside });
          actions.push(`moved the unreadable key container aside; undo: Move-Item "${aside}" "${REG.machineKeysDirectory}"`);
        }
      }

      const old = guest.read().certificate;
      const removed: string[] = [];
      if (old) {
        guest.removeCertificate();
        removed.push(old.thumbprint);
        changes.push({ path: REG.rdpCertificateStore, name: 'Certificate', before: old.thumbprint, after: null });
        result.removedThumbprint = old.thumbprint;
      }
      const pin = guest.read().rdpTcp.pinnedThumbprint;
      let keptPin: DeepReadonly<WindowsGuestState>['personalCertificates'][number] | null = null;
      if (pin !== null) {
        const pinned = guest.read().personalCertificates.find((c) => c.thumbprint === pin);
        if (!pinned || Date.parse(pinned.notAfter) <= context.nowMs) {
          // Missing or expired: either way RDP cannot serve it, and Windows issues no certificate while it is pinned.
          guest.setPinnedThumbprint(null);
          changes.push({ path: REG.rdpTcp, name: 'SSLCertificateSHA1Hash', before: pin, after: null });
        } else {
          keptPin = pinned;
          actions.push(`kept the pin to existing certificate ${pin}`);
        }
      }

      try {
        restartServiceBounded(guest, 'SessionEnv', actions, context.nowMs);
      } catch (err) {
        actions.push(limitText(`could not restart SessionEnv: ${(err as Error).message}`, 200));
      }
      restartServiceBounded(guest, 'TermService', actions, context.nowMs);

      if (keptPin) {
        if (!keptPin.keyIntact) throw new ScriptFailure(`new certificate ${keptPin.thumbprint} exists but its private key cannot be used`);
        result.ok = true;
        result.message = `RDP certificate ${keptPin.thumbprint} in use, valid until ${sortableUtc(keptPin.notAfter)}`;
        return { result, lines: [] };
      }
      const fresh = guest.read().certificate;
      if (!fresh || removed.includes(fresh.thumbprint)) {
        throw new ScriptFailure(
          'no new certificate appeared in Cert:\\LocalMachine\\Remote Desktop after restarting SessionEnv and TermService',
        );
      }
      changes.push({ path: REG.rdpCertificateStore, name: 'Certificate', before: null, after: fresh.thumbprint });
      if (!keyOpensForSystem(guest.read())) {
        throw new ScriptFailure(`new certificate ${fresh.thumbprint} exists but its private key cannot be used`);
      }
      result.ok = true;
      result.message = `RDP certificate ${fresh.thumbprint} in use, valid until ${sortableUtc(fresh.notAfter)}`;
    } catch (err) {
      if (!(err instanceof ScriptFailure)) throw err;
      result.ok = false;
      result.message = limitText(`renew-certificate failed: ${err.message}`, 500);
    }
    return { result, lines: [] };
  },
};

/** Test-PrivateKeyOpens on the Remote Desktop certificate, as LocalSystem (which is also in Administrators). */
function keyOpensForSystem(s: DeepReadonly<WindowsGuestState>): boolean {
  const keys = s.machineKeys;
  const grants: DeepReadonly<KeyContainerAcl> = keys.grants;
  return (
    s.certificate?.keyIntact === true &&
    keys.rdpContainerFound &&
    !keys.containerCorrupt &&
    (grants.system !== '-' || grants.administrators !== '-')
  );
}

/** Get-KeyAccessSummary: what the three principals of this build's set can do on the key file. */
function accessSummary(s: DeepReadonly<WindowsGuestState>, legacyEntry: boolean): string {
  const g = s.machineKeys.grants;
  const networkService = g.networkService !== '-' && !s.machineKeys.networkServiceDenied ? g.networkService : '-';
  const third = legacyEntry ? `Administrators=${g.administrators}` : `SessionEnv=${g.sessionEnv}`;
  return `SYSTEM=${g.system};NETWORK SERVICE=${networkService};${third}`;
}
