/**
 * SIMULATED: fix-port-conflict.ps1, step by step:
 *  1. refuses FallbackPort = RdpPort and ServiceName = TermService (ok=false, "fix-port-conflict failed: ...");
 *  2. re-checks that ServiceName's process still listens on RdpPort; if not, or if that process hosts any
 *     other service (TermService or a sibling in a shared svchost), changes nothing (ok=false);
 *  3. stops the holder (Stop-Service -Force); if that works, restarts TermService and checks it listens, then
 *     sets the holder's registry Start to 4 (recorded) so it does not take the port again at the next boot;
 *  4. if the holder could not be stopped (or the port was taken again), moves RDP: PortNumber and the
 *     RemoteDesktop-UserMode-In-TCP/UDP rules to FallbackPort (each old value recorded), TermService restarted;
 *     a failure part-way puts every value back (recorded too) and says so.
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
    const result: FixPortConflictResult = {
      script: 'fix-port-conflict',
      ok: false,
      message: '',
      changes,
      actions,
      stoppedHolder: false,
      newPort: null,
    };
    const { ServiceName, RdpPort, FallbackPort } = params;
    try {
      if (FallbackPort === RdpPort) throw new ScriptFailure('FallbackPort must differ from RdpPort');
      if (ServiceName.toLowerCase() === 'termservice')
        throw new ScriptFailure('ServiceName is TermService itself: there is no conflict to fix');

      const holder = holderProcesses(guest, RdpPort).find((p) => p.services.some((svc) => svc.toLowerCase() === ServiceName.toLowerCase()));
      if (!holder) {
        const holders = holderNames(guest, RdpPort).join(', ');
        result.message = `${ServiceName} no longer listens on port ${RdpPort} (holders: ${limitText(holders, 100)}); nothing changed`;
      } else if (holder.services.includes('TermService')) {
        result.message = `${ServiceName} shares process ${holder.processId} with TermService, which owns port ${RdpPort}; nothing changed`;
      } else if (holder.services.length > 1) {
        const others = holder.services.filter((svc) => svc.toLowerCase() !== ServiceName.toLowerCase());
        result.message = limitText(
          `${ServiceName} shares process ${holder.processId} with ${others.join(', ')}: stopping it could stop them too, ` +
            `and the socket may be theirs; nothing changed`,
          300,
        );
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
          if (!listening && stillHeld.length === 0)
            throw new ScriptFailure(`${ServiceName} stopped and port ${RdpPort} is free, but TermService does not listen on it`);
          if (!listening) actions.push(`port ${RdpPort} taken again by ${stillHeld.join(', ')}`);
        }
        if (listening) {
          const start = guest.service(ServiceName)?.start ?? null;
          if (start !== null && start !== 4) {
            // The SCM reads Start at boot: without this the holder takes the port again at the next restart.
            guest.setServiceStart(ServiceName, 4);
            changes.push({ path: REG.service(guest.service(ServiceName)!.name), name: 'Start', before: start, after: 4 });
          }
          result.ok = true;
          result.message =
            `stopped ${ServiceName} and set it to Disabled (Start was ${start ?? '?'}); TermService listens on port ` + `${RdpPort}`;
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

function moveRdpToFallbackPort(
  guest: SimulatedWindowsGuest,
  fallbackPort: number,
  changes: RecordedChange[],
  actions: string[],
  nowMs: number,
): void {
  const occupants = holderNames(guest, fallbackPort).filter((n) => n !== 'TermService');
  if (occupants.length > 0) throw new ScriptFailure(`fallback port ${fallbackPort} is already in use by ${occupants.join(', ')}`);
  const portBefore = guest.read().rdpTcp.portNumber;
  const rulesBefore: Array<{ name: string; localPorts: string; enabled: boolean }> = [];
  try {
    changes.push({ path: REG.rdpTcp, name: 'PortNumber', before: portBefore, after: fallbackPort });
    guest.setPortNumber(fallbackPort);
    for (const ruleName of RDP_FIREWALL_RULES) {
      const rule = guest.read().firewallRules.find((r) => r.name === ruleName);
      if (!rule) {
        actions.push(`firewall rule ${ruleName} not found`);
        continue;
      }
      rulesBefore.push({ name: ruleName, localPorts: rule.localPorts, enabled: rule.enabled });
      changes.push({ path: REG.firewallRule(ruleName), name: 'LocalPort', before: rule.localPorts, after: String(fallbackPort) });
      const wasEnabled = rule.enabled;
      guest.setFirewallRule(ruleName, { localPorts: String(fallbackPort) });
      if (!wasEnabled) {
        guest.setFirewallRule(ruleName, { enabled: true });
        changes.push({ path: REG.firewallRule(ruleName), name: 'Enabled', before: 'False', after: 'True' });
      }
    }
    restartTermServiceBounded(guest, actions, nowMs);
    if (guest.rdpListenerPort() !== fallbackPort)
      throw new ScriptFailure(`TermService does not listen on fallback port ${fallbackPort} after its restart`);
  } catch (err) {
    if (!(err instanceof ScriptFailure)) throw err;
    // Undo: a PortNumber left at the fallback would move RDP at the next boot to a port no NSG rule opens.
    changes.push({ path: REG.rdpTcp, name: 'PortNumber', before: fallbackPort, after: portBefore });
    guest.setPortNumber(portBefore);
    for (const rule of rulesBefore) {
      guest.setFirewallRule(rule.name, { localPorts: rule.localPorts, enabled: rule.enabled });
      changes.push({ path: REG.firewallRule(rule.name), name: 'LocalPort', before: String(fallbackPort), after: rule.localPorts });
      if (!rule.enabled) changes.push({ path: REG.firewallRule(rule.name), name: 'Enabled', before: 'True', after: 'False' });
    }
    throw new ScriptFailure(`${err.message}; PortNumber and the firewall rules were put back to ${portBefore}`);
  }
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
