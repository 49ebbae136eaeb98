/**
 * SIMULATED: fix-port-conflict.ps1, step by step:
 *  1. refuses FallbackPort = RdpPort and ServiceName = TermService (ok=false, "fix-port-conflict failed: ...");
 *  2. re-checks that ServiceName's process still listens on RdpPort; if not, or if that process also hosts
 *     TermService, changes nothing (ok=false);
 *  3. stops the holder (Stop-Service -Force); if that works, restarts TermService and checks it listens;
 *  4. if the holder could not be stopped (or the port was taken again), moves RDP: PortNumber and the
 *     RemoteDesktop-UserMode-In-TCP/UDP rules to FallbackPort (each old value recorded), TermService restarted.
 * The holder is stopped, not disabled: at the next boot an automatic holder takes the port again, as it would
 * on the real VM.
 */
import type { FixPortConflictResult, RecordedChange } from '../../../guest/scriptContracts';
import { RDP_FIREWALL_RULES, REG } from '../guestState';
import type { SimulatedWindowsGuest } from '../windowsGuest';
import { limitText, ScriptFailure, type ScriptModel } from './scriptModel';
import { restartTermServiceBounded, stopServiceBounded } from './serviceSteps';

export const fixPortConflictModel: ScriptModel<'fix-port-conflict'> = {
  name: 'fix-port-conflict',
  readOnly: false,
  // Estimate: a bounded Stop-Service plus a TermService restart and its listener, typically 5-15 s.
  workMs: 10_000,
  run: (guest, params, context) => {
    const changes: RecordedChange[] = [];
    const actions: string[] = [];
    const result: FixPortConflictResult = { script: 'fix-port-conflict', ok: false, message: '', changes, actions, stoppedHolder: false, newPort: null };
    const { ServiceName, RdpPort, FallbackPort } = params;
    try {
      if (FallbackPort === RdpPort) throw new ScriptFailure('FallbackPort must differ from RdpPort');
      if (ServiceName.toLowerCase() === 'termservice') throw new ScriptFailure('ServiceName is TermService itself: there is no conflict to fix');

      const holder = holderProcesses(guest, RdpPort).find((p) => p.services.some((svc) => svc.toLowerCase() === ServiceName.toLowerCase()));
      if (!holder) {
        const holders = holderNames(guest, RdpPort).join(', ');
        result.message = `${ServiceName} no longer listens on port ${RdpPort} (holders: ${limitText(holders, 100)}); nothing changed`;
      } else if (holder.services.includes('TermService')) {
        result.message = `${ServiceName} shares process ${holder.processId} with TermService, which owns port ${RdpPort}; nothing changed`;
      } else {
        let holderStopped = false;
        try {
          stopServiceBounded(guest, ServiceName, actions);
          holderStopped = true;
        } catch (err) {
          actions.push(limitText(`could not stop ${ServiceName}: ${(err as Error).message}`, 200));
        }
        let listening = false;
        if (holderStopped) {
          result.stoppedHolder = true;
          restartTermServiceBounded(guest, actions, context.nowMs);
          listening = guest.rdpListenerPort() === RdpPort;
          const stillHeld = holderNames(guest, RdpPort).filter((n) => n !== 'TermService');
          if (!listening && stillHeld.length === 0) throw new ScriptFailure(`${ServiceName} stopped and port ${RdpPort} is free, but TermService does not listen on it`);
          if (!listening) actions.push(`port ${RdpPort} taken again by ${stillHeld.join(', ')}`);
        }
        if (listening) {
          result.ok = true;
          result.message = `stopped ${ServiceName}; TermService listens on port ${RdpPort}`;
        } else {
          result.stoppedHolder = false;
          moveRdpToFallbackPort(guest, FallbackPort, changes, actions, context.nowMs);
          result.newPort = FallbackPort;
          result.ok = true;
          result.message = `${ServiceName} keeps port ${RdpPort}; RDP moved to port ${FallbackPort} (update the NSG rule)`;
        }
      }
    } catch (err) {
      if (!(err instanceof ScriptFailure)) throw err;
      result.ok = false;
      result.message = limitText(`fix-port-conflict failed: ${err.message}`, 500);
    }
    return { result, lines: [] };
  },
};

function moveRdpToFallbackPort(guest: SimulatedWindowsGuest, fallbackPort: number, changes: RecordedChange[], actions: string[], nowMs: number): void {
  const occupants = holderNames(guest, fallbackPort).filter((n) => n !== 'TermService');
  if (occupants.length > 0) throw new ScriptFailure(`fallback port ${fallbackPort} is already in use by ${occupants.join(', ')}`);
  changes.push({ path: REG.rdpTcp, name: 'PortNumber', before: guest.read().rdpTcp.portNumber, after: fallbackPort });
  guest.setPortNumber(fallbackPort);
  for (const ruleName of RDP_FIREWALL_RULES) {
    const rule = guest.read().firewallRules.find((r) => r.name === ruleName);
    if (!rule) {
      actions.push(`firewall rule ${ruleName} not found`);
      continue;
    }
    changes.push({ path: REG.firewallRule(ruleName), name: 'LocalPort', before: rule.localPorts, after: String(fallbackPort) });
    const wasEnabled = rule.enabled;
    guest.setFirewallRule(ruleName, { localPorts: String(fallbackPort) });
    if (!wasEnabled) {
      guest.setFirewallRule(ruleName, { enabled: true });
      changes.push({ path: REG.firewallRule(ruleName), name: 'Enabled', before: 'False', after: 'True' });
    }
  }
  restartTermServiceBounded(guest, actions, nowMs);
  if (guest.rdpListenerPort() !== fallbackPort) throw new ScriptFailure(`TermService does not listen on fallback port ${fallbackPort} after its restart`);
}

/** Get-PortHolderProcesses: each process listening on the port with the services it hosts. */
function holderProcesses(guest: SimulatedWindowsGuest, port: number): Array<{ processId: number; services: string[] }> {
  const holder = guest.holderOf(port);
  if (!holder) return [];
  const services = guest
    .read()
    .services.filter((svc) => svc.status === 'Running' && svc.processId === holder.processId)
    .map((svc) => svc.name);
  return [{ processId: holder.processId, services }];
}

/** Get-PortHolderServices: service names, or "pid:<n>" for a listening process that hosts none. */
function holderNames(guest: SimulatedWindowsGuest, port: number): string[] {
  return holderProcesses(guest, port).flatMap((p) => (p.services.length === 0 ? [`pid:${p.processId}`] : p.services));
}
