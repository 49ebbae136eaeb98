/**
 * From what the read-only `diagnose` script saw to an ordered plan of guest fixes (pure). Fix only what the
 * findings call for, batch the fixes that need a VM restart behind ONE restart, and keep the port-conflict
 * fix (service restarts only) ahead of them so it can be verified without a reboot.
 */
import type { Finding } from '../../domain/repairStatus';
import type { DiagnoseResult, EnableTlsParams, FixPortConflictParams, RenewCertificateParams } from '../../domain/guestScriptContracts';

export type FixStep =
  | { script: 'fix-port-conflict'; params: FixPortConflictParams; reason: string; needsVmRestart: false }
  | { script: 'renew-certificate'; params: RenewCertificateParams; reason: string; needsVmRestart: true }
  | { script: 'enable-tls'; params: EnableTlsParams; reason: string; needsVmRestart: true };

export interface OnlinePlan {
  findings: Finding[];
  /** In the order to run them: no-restart fixes first, then the ones that share the restart. */
  steps: FixStep[];
  restartVm: boolean;
  /** The port RDP is configured to listen on (PortNumber). */
  rdpPort: number;
  /**
   * An error finding explains the failure even though no fix is planned for it (e.g. a port held by a shared
   * svchost): the article's blind order must not run then, it would change the guest for nothing.
   */
  explained: boolean;
  /**
   * When Windows last booted, as the diagnosis read it (null: it could not): the "before" of the repair's first
   * restart, so the reboot proof needs no boot-time run before that restart.
   */
  bootTimeAtDiagnosis: string | null;
}

/** Where renew-certificate saves the MachineKeys ACLs on the guest before changing anything. */
export const ACL_BACKUP_DIRECTORY = 'C:\\ProgramData\\rdp-autorepair\\backup';

const SCHANNEL = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server';

export function fallbackPortFor(port: number): number {
  return port === 3390 ? 3391 : 3390;
}

function finding(code: string, severity: Finding['severity'], message: string, advice: string | null = null): Finding {
  return { code, severity, message, advice };
}

export function isTls12ServerDisabled(d: DiagnoseResult): boolean {
  const tls = d.tls['TLS 1.2'];
  return tls.enabled === 0 || tls.disabledByDefault === 1;
}

function certificateProblem(d: DiagnoseResult, now: Date): string | null {
  const c = d.certificate;
  if (c.pinnedMissing) return `SSLCertificateSHA1Hash pins ${d.rdp.pinnedThumbprint ?? 'a certificate'} that is not in the store`;
  // An expired pin is as unusable as a missing one: renew-certificate removes it so Windows serves its own.
  if (c.pinnedExpired)
    return (
      `SSLCertificateSHA1Hash pins ${c.thumbprint ?? d.rdp.pinnedThumbprint ?? 'a certificate'}, which expired on ` + `${c.notAfter ?? '?'}`
    );
  if (!c.present) return 'there is no certificate in Cert:\\LocalMachine\\Remote Desktop';
  if (c.hasPrivateKey === false) return `the RDP certificate ${c.thumbprint} has no private key`;
  if (c.privateKeyOpens === false)
    return `the private key of the RDP certificate ${c.thumbprint} cannot be opened (corrupt key or unreadable MachineKeys file)`;
  if (c.notAfter && Date.parse(c.notAfter) < now.getTime()) return `the RDP certificate ${c.thumbprint} expired on ${c.notAfter}`;
  return null;
}

/**
 * Only what TermService needs is evidence: it runs as NETWORK SERVICE and reads the key container on every
 * handshake. The other entries differ by build (Administrators Read up to 14393, SessionEnv Full control from
 * 17763) and their absence stops no connection, so they never trigger a repair; renew-certificate restores
 * the build's whole set once a repair runs anyway.
 */
function machineKeysProblem(d: DiagnoseResult): string | null {
  const m = d.machineKeys;
  if (!m.listable || !m.rdpContainerFound) return null;
  return m.networkServiceRead
    ? null
    : 'the RDP key container in MachineKeys does not let NETWORK SERVICE (TermService) read it, or a deny entry blocks it';
}

export function planOnlineRepair(d: DiagnoseResult, options: { allowLegacyTls: boolean; now: Date }): OnlinePlan {
  const findings: Finding[] = [];
  const steps: FixStep[] = [];
  const port = d.rdp.portNumber;

  const holder = d.listener.serviceName ?? d.listener.processName;
  const termServiceHoldsPort = d.listener.serviceName?.toLowerCase() === 'termservice';
  const hosted = d.listener.hostedServices;
  // Several services in the holder's process: stopping the owner would stop a process others run in.
  const sharedProcess = hosted.length > 1;
  if (holder && !termServiceHoldsPort) {
    findings.push(
      finding(
        'RdpPortTaken',
        'error',
        `Port ${port} (the RDP PortNumber) is held by ` +
          `${d.listener.serviceName ? `the service ${d.listener.serviceName}` : `the process ${d.listener.processName}`} ` +
          `(PID ${d.listener.processId ?? '?'}), not TermService.`,
      ),
    );
    if (sharedProcess) {
      // Which of the hosted services owns the socket is not certain, and stopping one stops a process others
      // run in: nothing is stopped.
      findings.push(
        finding(
          'RdpPortTakenBySharedProcess',
          'error',
          `The process holding port ${port} (${d.listener.processName ?? '?'}, PID ${d.listener.processId ?? '?'}) hosts ` +
            `several services (${hosted.join(', ')}); ` +
            (d.listener.serviceName ? `the socket belongs to ${d.listener.serviceName}` : 'which one owns the socket is not certain') +
            '. Nothing is stopped: stopping a service of a shared process can stop the others with it.',
          `On the VM, ` +
            (d.listener.serviceName
              ? `reconfigure ${d.listener.serviceName}`
              : 'find the owner (Resource Monitor > Network > Listening Ports, or netstat -anob run as administrator) and reconfigure it') +
            ` so it no longer listens on ${port} (for IP Helper, a netsh interface portproxy rule for that port); ` +
            'or move RDP to another port (PortNumber under WinStations\\RDP-Tcp, the RemoteDesktop-UserMode-In firewall rules ' +
            'and an NSG rule for it).',
        ),
      );
    } else if (d.listener.serviceName) {
      steps.push({
        script: 'fix-port-conflict',
        params: { ServiceName: d.listener.serviceName, RdpPort: port, FallbackPort: fallbackPortFor(port) },
        reason:
          `stop ${d.listener.serviceName} and start TermService on ${port}; if it cannot be stopped, move RDP to ` +
          `${fallbackPortFor(port)}`,
        needsVmRestart: false,
      });
    } else {
      findings.push(
        finding(
          'RdpPortTakenByProcess',
          'warning',
          `The program holding port ${port} is not a service, so it is not stopped automatically.`,
          `Stop ${d.listener.processName} on the VM, or change its port.`,
        ),
      );
    }
  } else if (!holder && d.services.TermService.status !== 'Running') {
    findings.push(
      finding(
        'TermServiceNotRunning',
        'error',
        `TermService is ${d.services.TermService.status ?? 'missing'} (start type ` +
          `${d.services.TermService.startType ?? '?'}); nothing listens on port ${port}.`,
        'Start TermService (Remote Desktop Services) and set it to Manual or Automatic.',
      ),
    );
  }

  const certificate = certificateProblem(d, options.now);
  const machineKeys = machineKeysProblem(d);
  if (!d.machineKeys.listable) {
    findings.push(
      finding(
        'MachineKeysUnreadable',
        'warning',
        'The MachineKeys folder (C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys) refuses listing even to ' +
          'LocalSystem, so the RDP key container could not be checked.',
        "Compare the folder's permissions with a healthy VM (Everyone: read and create files; Administrators: full " +
          'control); a hardened folder also shapes the next RDP key Windows creates.',
      ),
    );
  }
  if (d.certificate.store === 'personal' && d.certificate.networkServiceKeyRead === false) {
    findings.push(
      finding(
        'PinnedCertificateKeyUnreadable',
        'error',
        `RDP serves the pinned certificate ${d.certificate.thumbprint ?? '?'} from LocalMachine\\My, but NETWORK SERVICE ` +
          `(TermService) cannot read its private key.`,
        'Grant NETWORK SERVICE read on that key (certlm.msc > the certificate > All Tasks > Manage Private Keys), or ' +
          'remove the pin (SSLCertificateSHA1Hash) so Windows serves its own certificate.',
      ),
    );
  }
  if (certificate) findings.push(finding('RdpCertificateUnusable', 'error', `RDP cannot use its certificate: ${certificate}.`));
  if (machineKeys) findings.push(finding('MachineKeysAccess', 'error', `RDP cannot read its private key: ${machineKeys}.`));
  if (certificate || machineKeys) {
    steps.push({
      script: 'renew-certificate',
      params: { BackupDirectory: ACL_BACKUP_DIRECTORY },
      reason: [certificate, machineKeys].filter(Boolean).join('; '),
      needsVmRestart: true,
    });
  }

  if (isTls12ServerDisabled(d)) {
    const tls = d.tls['TLS 1.2'];
    findings.push(
      finding(
        'Tls12ServerDisabled',
        'error',
        `TLS 1.2 is disabled for servers (${SCHANNEL} Enabled=${tls.enabled ?? 'absent'}, ` +
          `DisabledByDefault=${tls.disabledByDefault ?? 'absent'}), so the RDP TLS handshake fails.`,
      ),
    );
    steps.push({
      script: 'enable-tls',
      params: { AllowLegacyTls: options.allowLegacyTls },
      reason:
        `set TLS 1.2 Server Enabled=1, ` +
        `DisabledByDefault=0${options.allowLegacyTls ? ' (and TLS 1.0/1.1, as requested)' : ''}; hold Group Policy off ` +
        `until RDP is verified`,
      needsVmRestart: true,
    });
  }

  if (d.rdp.fDenyTSConnections === 1 || d.rdp.policyDenyTSConnections === 1) {
    findings.push(
      finding(
        'RdpConnectionsDenied',
        'error',
        `Remote Desktop connections are turned off (fDenyTSConnections=1${d.rdp.policyDenyTSConnections === 1 ? ' by Group Policy' : ''}).`,
        'Allow Remote Desktop connections (System Properties > Remote, or the Group Policy that denies them).',
      ),
    );
  }
  if (d.firewall.enabled === false) {
    findings.push(
      finding(
        'RdpFirewallRuleDisabled',
        'warning',
        `The Windows Firewall rule ${d.firewall.ruleName} is disabled.`,
        `Enable-NetFirewallRule -Name ${d.firewall.ruleName}`,
      ),
    );
  }
  if (d.domain.joined && steps.some((s) => s.script === 'enable-tls')) {
    findings.push(
      finding(
        'DomainJoined',
        'info',
        `The VM is joined to ${d.domain.name ?? 'a domain'}: a domain Group Policy may set SCHANNEL values again; the ` +
          `repair re-checks after Group Policy runs.`,
      ),
    );
  }

  return {
    findings,
    steps,
    restartVm: steps.some((s) => s.needsVmRestart),
    rdpPort: port,
    explained: findings.some((f) => f.severity === 'error'),
    bootTimeAtDiagnosis: d.lastBootUpTime,
  };
}

/**
 * When diagnosis finds nothing but RDP still fails: the article's order, one step at a time, each followed by
 * a restart and a probe (certificate and keys first, then TLS).
 */
export function articleOrderSteps(options: { allowLegacyTls: boolean }): FixStep[] {
  return [
    {
      script: 'renew-certificate',
      params: { BackupDirectory: ACL_BACKUP_DIRECTORY },
      reason: 'article step 2: a new RDP certificate and MachineKeys access, in case diagnosis missed a key problem',
      needsVmRestart: true,
    },
    {
      script: 'enable-tls',
      params: { AllowLegacyTls: options.allowLegacyTls },
      reason: 'article step 3: make sure TLS 1.2 Server is enabled and Group Policy holds off',
      needsVmRestart: true,
    },
  ];
}

/** After Group Policy ran again: did it turn TLS 1.2 back off? Then a domain policy must change. */
export function tlsRevertedFinding(after: DiagnoseResult): Finding | null {
  if (!isTls12ServerDisabled(after)) return null;
  const tls = after.tls['TLS 1.2'];
  return finding(
    'Tls12DisabledByDomainPolicy',
    'error',
    `Group Policy set TLS 1.2 Server back to Enabled=${tls.enabled ?? 'absent'}, ` +
      `DisabledByDefault=${tls.disabledByDefault ?? 'absent'} (${SCHANNEL}) right after the repair: a ` +
      `${after.domain.joined ? `domain (${after.domain.name ?? 'AD'})` : 'local'} policy disables TLS 1.2. RDP works until ` +
      `the next restart, then fails again.`,
    `Change the Group Policy that configures SCHANNEL (e.g. an "SSL Cipher Suite Order"/protocol hardening GPO or a ` +
      `registry preference for ${SCHANNEL}) so it sets Enabled=1 and DisabledByDefault=0 for TLS 1.2 Server; then run ` +
      `gpupdate /force on the VM.`,
  );
}
