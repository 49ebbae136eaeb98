/**
 * SIMULATED: the shape of a guest script's model. Parameters and results are the script contracts' own types
 * (src/guest/scriptContracts.ts), so a model cannot drift from what the real script and its parser agree on;
 * parameters are bound from Run Command's strings as the script's param() block binds them (parameterBinding.ts).
 */
import type { READ_ONLY_SCRIPTS } from '../../../guest/scriptCatalog';
import type { GuestScriptName, GuestScripts } from '../../../guest/scriptContracts';
import type { SimulatedWindowsGuest } from '../windowsGuest';

/** What a read-only script may touch: the guest's read-only view and nothing that writes. */
export type GuestReader = Pick<SimulatedWindowsGuest, 'read' | 'service' | 'holderOf' | 'rdpListenerPort' | 'registryExtra'>;

/** Read-only scripts (the app's READ_ONLY_SCRIPTS) get a GuestReader, so a write is a compile error. */
export type ModelGuest<N extends GuestScriptName> = N extends (typeof READ_ONLY_SCRIPTS)[number] ? GuestReader : SimulatedWindowsGuest;

export interface ScriptContext {
  /** Virtual instant the script runs (its effect is applied at the end of the execution). */
  nowMs: number;
}

export interface ScriptRun<R> {
  result: R;
  /** Lines printed before the result line (the real scripts print none unless something is unreadable). */
  lines: string[];
}

export interface ScriptModel<N extends GuestScriptName> {
  readonly name: N;
  /** Never writes to the guest (the diagnose script); the tests hold it to that. */
  readonly readOnly: boolean;
  /** Estimate of the script's own work beyond Run Command's floor (service restarts, a gpupdate). */
  readonly workMs: number;
  run(guest: ModelGuest<N>, params: GuestScripts[N]['params'], context: ScriptContext): ScriptRun<GuestScripts[N]['result']>;
}

/** A `throw` inside the real script's try block: the catch turns it into ok=false and "<script> failed: <message>". */
export class ScriptFailure extends Error {}

/** The scripts' Limit-Text: cut to `max` characters. */
export function limitText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** Windows' names for a service's Start value, as Get-Service reports StartType. */
export function startTypeName(start: number): string {
  return start === 2 ? 'Automatic' : start === 3 ? 'Manual' : start === 4 ? 'Disabled' : start === 0 ? 'Boot' : 'System';
}

/** DateTime.ToUniversalTime().ToString('s'): seconds, no fraction, no zone letter. */
export function sortableUtc(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}
