/**
 * When the offline disk-swap repair runs (pure): the mode a repair works under, whether the offline phase runs
 * at a given point of the flow, and the advice that says how to ask for it where it would have helped.
 */
import type { OfflineMode, OfflineSettings } from '../../domain/offlineRepair';
import { DEFAULT_OFFLINE_SETTINGS } from '../../domain/offlineRepair';
import type { ProbeVerdict } from '../../domain/rdpProbe';
import type { RepairMode, RepairSource } from '../../domain/repairRequest';

export interface ResolvedOfflineMode {
  mode: OfflineMode;
  /** Where the mode came from, for the status ("asked in the request", "OFFLINE_REPAIR_DEFAULT"). */
  from: 'request' | 'OFFLINE_REPAIR_DEFAULT' | 'ALERT_OFFLINE_REPAIR' | 'diagnose';
}

/**
 * The request's own field wins for HTTP; an alert carries none, so ALERT_OFFLINE_REPAIR decides; a diagnosis
 * never changes anything, so it never goes offline. Settings may be absent in the input of a repair started
 * before they existed: the defaults (`never`) apply then.
 */
export function offlineModeFor(
  requested: OfflineMode | undefined,
  source: RepairSource,
  repairMode: RepairMode,
  settings: OfflineSettings | undefined,
): ResolvedOfflineMode {
  const s = settings ?? DEFAULT_OFFLINE_SETTINGS;
  if (repairMode === 'diagnose') return { mode: 'never', from: 'diagnose' };
  if (source.kind === 'alert') return { mode: s.alertOfflineRepair, from: 'ALERT_OFFLINE_REPAIR' };
  if (requested !== undefined) return { mode: requested, from: 'request' };
  return { mode: s.offlineRepairDefault, from: 'OFFLINE_REPAIR_DEFAULT' };
}

export interface AfterOnlineFacts {
  /** The guest could not be reached: agent not Ready, or Run Command failing. */
  guestUnreachable: boolean;
  /** Online fixes were applied to the guest. */
  onlineFixesApplied: boolean;
  /** The last probe's verdict after the online phase (null: no probe could run). */
  verdict: ProbeVerdict | null;
}

/**
 * Whether an offline repair is what this VM would need after the online phase: the guest could not be reached,
 * or fixes were applied and RDP is still plainly broken. An unreachable or inconclusive probe says nothing about
 * the guest, so it never justifies taking the VM down.
 */
export function offlineWouldHelp(facts: AfterOnlineFacts): boolean {
  if (facts.guestUnreachable) return true;
  return facts.onlineFixesApplied && facts.verdict === 'broken';
}

export type OfflineRoute =
  | { run: false; why: string }
  | { run: true; why: string /** skip the online phase entirely */; skipOnline: boolean };

/** Before the online phase: only `only` goes straight to offline. */
export function offlineBeforeOnline(mode: OfflineMode): OfflineRoute {
  if (mode === 'only') return { run: true, skipOnline: true, why: "offline: 'only' was asked: the online phase is skipped" };
  return { run: false, why: mode === 'never' ? 'offline repair not asked for' : 'the online repair is tried first' };
}

/** After the online phase: `auto` goes offline when it would help; `never` never does. */
export function offlineAfterOnline(mode: OfflineMode, facts: AfterOnlineFacts): OfflineRoute {
  if (mode !== 'auto') return { run: false, why: mode === 'never' ? 'offline repair not asked for' : 'offline already ran' };
  if (!offlineWouldHelp(facts)) return { run: false, why: 'the online phase left nothing an offline repair is known to help with' };
  return {
    run: true,
    skipOnline: false,
    why: facts.guestUnreachable
      ? 'the guest could not be reached through Run Command'
      : 'online fixes were applied and Remote Desktop is still broken',
  };
}

/**
 * Advice for a repair that did not go offline although it would have helped: how to ask, and what it costs.
 * Null when offline would not help or was asked for.
 */
export function askForOfflineAdvice(resolved: ResolvedOfflineMode, facts: AfterOnlineFacts): string | null {
  if (resolved.mode !== 'never' || resolved.from === 'diagnose' || !offlineWouldHelp(facts)) return null;
  const cost =
    'it deallocates the VM for several minutes, repairs a copy of its OS disk on a rescue VM, swaps the copy in, and swaps the ' +
    'original back if Remote Desktop is still broken; the original OS disk is kept';
  if (resolved.from === 'ALERT_OFFLINE_REPAIR') {
    return `An offline repair could help: set ALERT_OFFLINE_REPAIR=auto for alert-started repairs, or start one by hand with "offline": "auto" (${cost}).`;
  }
  return `An offline repair could help: start the repair again with "offline": "auto" in the request (${cost}).`;
}
