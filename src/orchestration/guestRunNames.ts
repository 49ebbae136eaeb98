/**
 * Names of one repair's Run Command runs: `rdpautorepair-<start>-<sequence>-<script>`. The orchestration instance
 * id is one per VM (domain/instanceId.ts), so a later repair of the same VM replays the same sequence numbers;
 * the repair's start instant in the name keeps its runs apart from an earlier repair's leftovers (which it would
 * otherwise find by name and read the old result of), and gives the final sweep a prefix that is this repair's only.
 */
import type { GuestScriptName } from '../domain/guestScriptContracts';

export function guestRunPrefix(startedAt: string): string {
  const ms = Date.parse(startedAt);
  if (!Number.isFinite(ms)) throw new RangeError(`guestRunPrefix: not an instant: ${JSON.stringify(startedAt)}`);
  return `rdpautorepair-${ms.toString(36)}-`;
}

export function guestRunName(prefix: string, sequence: number, script: GuestScriptName): string {
  return `${prefix}${sequence}-${script}`;
}
