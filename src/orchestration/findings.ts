/**
 * The catalogue of findings: every finding the flow reports is built here, so their codes and texts live in one
 * place (pure). Each text must make sense to an operator who has only this app's README and docs.
 */
import type { ProbeVerdict, RdpProbeResult } from '../domain/rdpProbe';
import type { Finding } from '../domain/repairStatus';
import type { RdpExposure } from './decisions/nsgAssessment';

/** How to turn boot diagnostics on, for findings and outcomes (Microsoft: "Azure boot diagnostics"). */
export function enableBootDiagnosticsAdvice(resourceGroup: string, vmName: string): string {
  return (
    `Turn boot diagnostics on (managed storage is enough): az vm boot-diagnostics enable --resource-group ${resourceGroup} ` +
    `--name ${vmName}, or in the portal: the VM > Help > Boot diagnostics > Settings > "Enable with managed storage account". ` +
    'The serial log fills from the next boot; the serial console needs it too.'
  );
}

/** What to do about a stop error the offline repair cannot fix. */
export function stopErrorAdvice(stopCode: string | null, stopName: string | null): string[] {
  const code = stopCode ? `${stopCode}${stopName ? ` (${stopName})` : ''}` : 'the stop code (not in the serial log)';
  const advice = [
    `Look up ${code} in Microsoft's "Bug check code reference", and the Azure article for it ("Windows shows blue ` +
      'screen error when booting an Azure VM"); a memory dump (MEMORY.DMP on the OS disk, read from a rescue VM) shows ' +
      'the driver at fault.',
  ];
  if (stopCode === '0x0000007B' || stopCode === '0x000000ED') {
    advice.push('The boot disk could not be reached or mounted: check the storage drivers and the BCD of the OS disk on a rescue VM.');
  }
  advice.push('The boot screenshot (boot diagnostics in the portal) shows the blue screen as the VM last drew it.');
  return advice;
}

export function exposureFindings(exposure: RdpExposure, allowedSourceCidrs: readonly string[]): Finding[] {
  const port = exposure.port;
  const findings: Finding[] = [];
  if (exposure.openToWorld) {
    const rules = exposure.worldOpenings.map((o) => `${o.rule.name} (priority ${o.rule.priority}, ${o.level} NSG)`).join(', ');
    findings.push({
      code: 'RdpOpenToInternet',
      severity: 'warning',
      message: exposure.noNsgAtAll
        ? `No network security group filters port ${port}: RDP is open to the whole Internet.`
        : `RDP port ${port} is open to the whole Internet through ${rules}. Internet-wide RDP scanning can exhaust the RDP ` +
          `service (the article's "VM under attack").`,
      advice: exposure.noNsgAtAll
        ? 'Attach an NSG to the NIC or subnet that allows RDP only from your addresses (or use Azure Bastion / just-in-time access).'
        : allowedSourceCidrs.length > 0
          ? null
          : `Pass allowedSourceCidrs (your own public addresses) to let the repair restrict ${rules}, or use Azure Bastion ` +
            `/ just-in-time access.`,
    });
  }
  if (exposure.blockedFromInternet) {
    findings.push({
      code: 'RdpBlockedByNsg',
      severity: 'warning',
      message: `No NSG rule admits RDP on port ${port} from any Internet address; only virtual-network sources can reach it.`,
      advice:
        'If you connect over the Internet, add an Allow rule for your own address on this port; this tool does not open blocked ports.',
    });
  }
  return findings;
}

export function probeFinding(label: string, result: RdpProbeResult): Finding {
  const severity: Record<ProbeVerdict, Finding['severity']> = {
    healthy: 'info',
    degraded: 'warning',
    broken: 'error',
    unreachable: 'error',
    // The probe could not judge: a warning about this app, not an error found on the VM.
    inconclusive: 'warning',
  };
  return {
    code: `Probe${label}${result.verdict[0].toUpperCase()}${result.verdict.slice(1)}`,
    severity: severity[result.verdict],
    message: `${label} RDP probe of ${result.host}:${result.port}: ${result.verdict} — ${result.reason}`,
    advice: null,
  };
}

/** What to look at next when RDP is still not healthy and this version has no more fixes to try. */
export function adviceForProbe(result: RdpProbeResult): string[] {
  if (result.negotiationFailure === 'SSL_CERT_NOT_ON_SERVER') {
    return [
      'The RDP listener has no usable certificate: delete the certificate in Cert:\\LocalMachine\\Remote Desktop and ' +
        'restart SessionEnv and TermService (Windows creates a new one).',
    ];
  }
  if (result.verdict === 'inconclusive') {
    return [
      'The probe could not judge (an error inside this app, not an answer from the VM): test Remote Desktop from a ' +
        'client, and report the probe error.',
    ];
  }
  if (result.error === 'LEGACY_TLS_ONLY') {
    return [
      'The RDP listener completes TLS only with TLS 1.0/1.1, which current clients have turned off: enable TLS 1.2 ' +
        'Server in SCHANNEL (Enabled=1, DisabledByDefault=0) and restart the VM.',
    ];
  }
  if (result.error === 'NOT_RDP') {
    return [
      'Another program answers on the RDP port: find it with Get-NetTCPConnection -LocalPort <port> through Run Command, ' +
        'stop it and start TermService.',
    ];
  }
  if (result.verdict === 'broken') {
    return [
      'The server accepts the connection but fails the security (TLS) handshake: the "internal error" signature.',
      'Check, through Run Command or the serial console: the RDP certificate (Cert:\\LocalMachine\\Remote Desktop), ' +
        'access to C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys, and SCHANNEL TLS 1.2 Server Enabled=1 / ' +
        'DisabledByDefault=0.',
    ];
  }
  if (result.verdict === 'degraded') {
    return ['RDP works but not cleanly: renew the RDP certificate or enable TLS 1.2, as the reason says.'];
  }
  if (result.verdict === 'unreachable') {
    return [
      'Check that the VM is running, that TermService is started, and that nothing between this app and the VM drops the ' +
        'port (NSG, firewall, route table).',
    ];
  }
  return [];
}

export const Findings = {
  rdpPortAssumed(port: number): Finding {
    return {
      code: 'RdpPortAssumed',
      severity: 'info',
      message: `RDP port assumed to be ${port} until the guest's PortNumber is read; pass rdpPort if the VM listens elsewhere.`,
      advice: null,
    };
  },
  rdpPortDetected(configured: number, assumed: number): Finding {
    return {
      code: 'RdpPortDetected',
      severity: 'info',
      message: `RDP is configured on port ${configured} (PortNumber), not ${assumed}; using it.`,
      advice: null,
    };
  },
  networkNote(note: string): Finding {
    return { code: 'NetworkNote', severity: 'info', message: note, advice: null };
  },
  noProbeAddress(reason: string): Finding {
    return { code: 'NoProbeAddress', severity: 'warning', message: reason, advice: null };
  },
  bootDiagnosticsOff(resourceGroup: string, vmName: string): Finding {
    return {
      code: 'BootDiagnosticsOff',
      severity: 'warning',
      message: 'Boot diagnostics are off on this VM: there is no serial log or screenshot to tell why the guest does not answer.',
      advice: enableBootDiagnosticsAdvice(resourceGroup, vmName),
    };
  },
  serialLogEmpty(): Finding {
    return {
      code: 'SerialLogEmpty',
      severity: 'warning',
      message:
        'Boot diagnostics are on but the serial log is empty: Windows has written nothing to its serial port since they were turned ' +
        'on (they fill from the next boot), or Emergency Management Services is off in the boot configuration.',
      advice: 'Restart the VM once to fill the serial log, or check bcdedit /ems {current} on on the OS disk.',
    };
  },
  bootDiagnosticsUnread(reason: string): Finding {
    return {
      code: 'BootDiagnosticsUnread',
      severity: 'warning',
      message: `The boot diagnostics could not be read: ${reason}. What state the guest is in is unknown.`,
      advice: 'Look at the boot screenshot and the serial log in the portal (the VM > Help > Boot diagnostics).',
    };
  },
  guestBooted(agentStatus: string): Finding {
    return {
      code: 'GuestBootedAgentDown',
      severity: 'info',
      message:
        `The serial log shows Windows booted (the Special Administration Console is ready) while the VM agent is ${agentStatus}: ` +
        'the guest runs, its agent does not.',
      advice: null,
    };
  },
  guestStillBooting(sacStarted: boolean, waitedSeconds: number | null): Finding {
    return {
      code: 'GuestStillBooting',
      severity: 'warning',
      message:
        `${sacStarted ? 'Windows has started (its Special Administration Console is up) but is not ready' : 'Windows has not started'}` +
        `${waitedSeconds !== null ? ` after ${waitedSeconds} more seconds` : ''}: it may be applying updates or hung while booting.`,
      advice:
        'Look at the boot screenshot (the VM > Help > Boot diagnostics): "Working on updates" means wait; the same screen ' +
        'for hours means a hung boot.',
    };
  },
  guestStopError(stopCode: string | null, stopName: string | null, earlierStopCode: string | null): Finding {
    const code = stopCode ? `${stopCode}${stopName ? ` ${stopName}` : ''}` : 'with a stop code the serial log does not show';
    return {
      code: 'GuestStopError',
      severity: 'error',
      message:
        `Windows stopped with a stop error (bugcheck) ${code} on its last boot (serial log).` +
        `${earlierStopCode ? ` An earlier boot stopped too (${earlierStopCode}).` : ''} Remote Desktop cannot work until it boots.`,
      advice: stopErrorAdvice(stopCode, stopName).join(' '),
    };
  },
  onlineChannelUnavailable(why: string): Finding {
    return {
      code: 'OnlineChannelUnavailable',
      severity: 'error',
      message: `The guest cannot be reached through Run Command: ${why}. Online repair is not possible.`,
      advice:
        'Repair the OS disk offline: start the repair with offline "auto" or "only" and a rescueVmResourceId, or attach ' +
        'a copy of the disk to a rescue VM by hand (docs/procedure.md, "Offline repair").',
    };
  },
} as const;
