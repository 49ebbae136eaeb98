/**
 * SIMULATED: renew-certificate.ps1, step by step:
 *  1. with an RDP key container (f686aace*): `icacls /save` of its ACLs into BackupDirectory, then add-only
 *     grants SYSTEM F, NETWORK SERVICE R, Administrators F on that file (recorded as SYSTEM=..;NETWORK
 *     SERVICE=..;Administrators=..); a deny entry that still wins is reported in `actions`;
 *  2. removes the certificate(s) from Cert:\LocalMachine\Remote Desktop, and a pin naming a certificate that is
 *     no longer present;
 *  3. restarts SessionEnv (a failure is noted, not fatal) and TermService: Windows issues a new certificate;
 *  4. checks the new certificate's key by signing with it, as LocalSystem.
 * The check runs as SYSTEM, so a NETWORK SERVICE deny entry leaves ok=true while RDP (which runs as NETWORK
 * SERVICE) still cannot use the key: the `actions` line and the orchestrator's probe are what catch it.
 */
import type { RecordedChange, RenewCertificateResult } from '../../../guest/scriptContracts';
import { REG, type MachineKeysAcl } from '../guestState';
import type { DeepReadonly } from '../windowsGuest';
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
    const result: RenewCertificateResult = { script: 'renew-certificate', ok: false, message: '', changes, actions, removedThumbprint: null, aclBackupPath: null };
    try {
      const keyFile = guest.read().rdpKeyFile;
      if (!guest.read().machineKeys.rdpContainerFound) {
        actions.push('no RDP key container (f686aace*) in MachineKeys: Windows creates one with the certificate');
      } else {
        const stamp = new Date(context.nowMs).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
        const aclBackupPath = `${params.BackupDirectory.replace(/\\+$/, '')}\\machinekeys-acl-${stamp}Z.txt`;
        guest.writeFile(aclBackupPath);
        result.aclBackupPath = aclBackupPath;
        actions.push(`saved key ACLs; restore: icacls "${REG.machineKeysDirectory}" /restore "${aclBackupPath}"`);
        const before = accessSummary(guest.read().machineKeys);
        guest.grantMachineKeysAccess();
        const after = accessSummary(guest.read().machineKeys);
        changes.push({ path: keyFile, name: 'ACL', before, after });
        if (!/^SYSTEM=F;NETWORK SERVICE=[RF];Administrators=F$/.test(after)) {
          actions.push(`a deny entry still limits access to ${keyFile.split('\\').pop()}: ${after}`);
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
      if (pin !== null) {
        // The pinned certificate would have to be in LocalMachine\My or the RDP store; the simulated guest keeps
        // only the RDP store, just emptied: the pin names a missing certificate and goes.
        guest.setPinnedThumbprint(null);
        changes.push({ path: REG.rdpTcp, name: 'SSLCertificateSHA1Hash', before: pin, after: null });
      }

      try {
        restartServiceBounded(guest, 'SessionEnv', actions, context.nowMs);
      } catch (err) {
        actions.push(limitText(`could not restart SessionEnv: ${(err as Error).message}`, 200));
      }
      restartServiceBounded(guest, 'TermService', actions, context.nowMs);

      const fresh = guest.read().certificate;
      if (!fresh || removed.includes(fresh.thumbprint)) {
        throw new ScriptFailure('no new certificate appeared in Cert:\\LocalMachine\\Remote Desktop after restarting SessionEnv and TermService');
      }
      changes.push({ path: REG.rdpCertificateStore, name: 'Certificate', before: null, after: fresh.thumbprint });
      const keys = guest.read().machineKeys;
      if (!(fresh.keyIntact && keys.rdpContainerFound && keys.systemFullControl)) {
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

/** Get-KeyAccessSummary: what the three principals RDP needs can do on the key file. */
function accessSummary(acl: DeepReadonly<MachineKeysAcl>): string {
  const networkService = acl.networkServiceRead && !acl.networkServiceDenied ? 'R' : '-';
  return `SYSTEM=${acl.systemFullControl ? 'F' : '-'};NETWORK SERVICE=${networkService};Administrators=${acl.administratorsFullControl ? 'F' : '-'}`;
}
