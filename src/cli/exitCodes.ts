/**
 * The CLI's exit codes, one per repair outcome (with --follow) and one per kind of failure, so a script can branch
 * on `$?` without parsing text. Failures use the sysexits.h numbers where one fits; README's CLI section has the table.
 */
import type { OutcomeKind } from '../domain/repairStatus';
import { EXIT_UNSUPPORTED_NODE } from '../runtime/nodeVersion';

export const EXIT = {
  ok: 0,
  // Outcomes other than Repaired / AlreadyHealthy, each its own code (10..17).
  diagnosed: 10,
  unverified: 11,
  notRepaired: 12,
  rejected: 13,
  rolledBack: 14,
  cancelled: 15,
  /** The repair ended (Completed, Failed, Terminated) but its status names no outcome this CLI knows. */
  unknownOutcome: 19,
  /** --timeout passed while the repair was still running (it goes on; follow it again with status --follow). */
  followTimedOut: 20,
  usage: 64,
  /** The app refused the request as invalid (HTTP 400). */
  invalidRequest: 65,
  /** No such repair, or no repair for that VM (HTTP 404 from the API). */
  notFound: 66,
  /** The app could not be reached, timed out, or what answered is not this app's API. */
  unavailable: 69,
  /** The app answered 5xx or something this CLI cannot read. */
  appError: 70,
  /** The repair is in the wrong state for the request (HTTP 409: already running, not running, no approval asked). */
  conflict: 75,
  /** HTTP 401 / 403: a missing or wrong function key, or a VM outside the app's allowed scopes. */
  denied: 77,
  unsupportedNode: EXIT_UNSUPPORTED_NODE,
} as const;

const OUTCOME_EXIT: Record<OutcomeKind, number> = {
  Repaired: EXIT.ok,
  AlreadyHealthy: EXIT.ok,
  Diagnosed: EXIT.diagnosed,
  Unverified: EXIT.unverified,
  NotRepaired: EXIT.notRepaired,
  Rejected: EXIT.rejected,
  RolledBack: EXIT.rolledBack,
  Cancelled: EXIT.cancelled,
};

export function exitCodeForOutcome(kind: string | undefined): number {
  return kind !== undefined && Object.hasOwn(OUTCOME_EXIT, kind) ? OUTCOME_EXIT[kind as OutcomeKind] : EXIT.unknownOutcome;
}

/** The table as README and `--help` print it: code, meaning. */
export const EXIT_CODE_TABLE: ReadonlyArray<readonly [number, string]> = [
  [EXIT.ok, 'Repaired or AlreadyHealthy (with --follow); otherwise the request succeeded'],
  [EXIT.diagnosed, 'Diagnosed (a --diagnose run ended: only read, plannedChanges say what a repair would do)'],
  [EXIT.unverified, 'Unverified (a change was made; the app cannot see the result from where it stands)'],
  [EXIT.notRepaired, 'NotRepaired (also when an operator rejects a step)'],
  [EXIT.rejected, 'Rejected (the VM must not or cannot be touched: not found, not Windows, unmanaged disk, opted out)'],
  [EXIT.rolledBack, 'RolledBack (an offline disk swap did not help: the original OS disk is back)'],
  [EXIT.cancelled, 'Cancelled'],
  [EXIT.unknownOutcome, 'the repair ended without an outcome this CLI knows'],
  [EXIT.followTimedOut, '--timeout passed while the repair was still running'],
  [EXIT.usage, 'bad arguments'],
  [EXIT.invalidRequest, 'the app refused the request as invalid (HTTP 400)'],
  [EXIT.notFound, 'no such repair (HTTP 404)'],
  [EXIT.unavailable, 'app unreachable, timed out, or not an rdp-autorepair app at that URL'],
  [EXIT.appError, 'the app failed (HTTP 5xx) or answered something unreadable'],
  [EXIT.conflict, 'wrong state for the request (HTTP 409)'],
  [EXIT.denied, 'missing or wrong function key, or VM out of scope (HTTP 401/403)'],
  [EXIT.unsupportedNode, 'unsupported Node.js'],
];
