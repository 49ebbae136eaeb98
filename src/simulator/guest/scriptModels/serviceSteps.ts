/**
 * SIMULATED: the scripts' bounded service helpers, with the `actions` lines they write. Failures throw
 * ScriptFailure with the exception text PowerShell would show, as the real helpers throw into the script's
 * catch block.
 */
import type { SimulatedWindowsGuest } from '../windowsGuest';
import { ScriptFailure } from './scriptModel';

/** fix-port-conflict's Stop-ServiceBounded: Stop-Service -Force; returns the running dependents it stopped. */
export function stopServiceBounded(guest: SimulatedWindowsGuest, name: string, actions: string[]): string[] {
  const wasRunning = guest.service(name)?.status === 'Running';
  const stopped = guest.stopService(name);
  if (!stopped.ok) throw new ScriptFailure(stopped.reason);
  if (wasRunning) {
    actions.push(`stopped ${name}`);
    for (const dependent of stopped.dependents) actions.push(`stopped ${dependent} (depends on ${name})`);
  }
  return stopped.dependents;
}

/** Start-ServiceBounded: starts a service that is not running. */
export function startServiceBounded(guest: SimulatedWindowsGuest, name: string, actions: string[], nowMs: number): void {
  if (guest.service(name)?.status === 'Running') return;
  const started = guest.startService(name, nowMs);
  if (!started.ok) throw new ScriptFailure(started.reason);
  actions.push(`started ${name}`);
}

/** fix-port-conflict's Restart-TermServiceBounded: only a restart makes TermService bind its port again. */
export function restartTermServiceBounded(guest: SimulatedWindowsGuest, actions: string[], nowMs: number): void {
  const dependents = stopServiceBounded(guest, 'TermService', actions);
  startServiceBounded(guest, 'TermService', actions, nowMs);
  for (const dependent of dependents) startServiceBounded(guest, dependent, actions, nowMs);
}

/** renew-certificate's Restart-ServiceBounded: 'restarted X', then 'started D' for each dependent it brought back. */
export function restartServiceBounded(guest: SimulatedWindowsGuest, name: string, actions: string[], nowMs: number): void {
  const stopped = guest.stopService(name);
  if (!stopped.ok) throw new ScriptFailure(stopped.reason);
  const started = guest.startService(name, nowMs);
  if (!started.ok) throw new ScriptFailure(started.reason);
  actions.push(`restarted ${name}`);
  for (const dependent of stopped.dependents) {
    if (guest.service(dependent)?.status === 'Running') continue;
    const back = guest.startService(dependent, nowMs);
    if (!back.ok) throw new ScriptFailure(back.reason);
    actions.push(`started ${dependent}`);
  }
}
