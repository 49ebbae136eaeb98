/** How a repair ends, given the probes before and after and what was changed (pure). */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { Outcome, RepairStatus } from '../../domain/repairStatus';
import { adviceForProbe } from '../findings';
import type { LevelVerdict } from './nsgAssessment';

export interface VerifyFacts {
  baseline: RdpProbeResult | null;
  verify: RdpProbeResult | null;
  /** Why no probe could run (no address), when that is the case. */
  noProbeReason: string | null;
  changesMade: number;
  probeAdmittedAfter: LevelVerdict;
  probeSourceConfigured: boolean;
}

export function decideOutcome(facts: VerifyFacts): Outcome {
  const { verify, changesMade } = facts;
  // An inconclusive probe is no evidence: the result is as unchecked as with no probe at all.
  if (!verify || verify.verdict === 'inconclusive') {
    const why = verify ? verify.reason : (facts.noProbeReason ?? 'no probe ran');
    return {
      kind: changesMade > 0 ? 'Unverified' : 'NotRepaired',
      reason: `${changesMade > 0 ? `${changesMade} change(s) made, but the` : 'The'} result could not be checked: ${why}`,
      advice: ['Test Remote Desktop from a machine that can reach the VM.'],
    };
  }
  if (verify.verdict === 'healthy') {
    if (changesMade > 0) {
      return {
        kind: 'Repaired',
        reason:
          facts.baseline?.verdict === 'healthy'
            ? `Remote Desktop already worked; ${changesMade} requested change(s) made and RDP verified healthy afterwards.`
            : `Remote Desktop verified healthy after ${changesMade} change(s): ${verify.reason}`,
        advice: [],
      };
    }
    // An inconclusive first probe saw no fault, so there is nothing to call intermittent.
    const sawFault = facts.baseline !== null && facts.baseline.verdict !== 'healthy' && facts.baseline.verdict !== 'inconclusive';
    return {
      kind: 'AlreadyHealthy',
      reason:
        sawFault && facts.baseline
          ? `Remote Desktop answered healthy on a second probe without any change (the first said: ` +
            `${facts.baseline.reason}); the fault looks intermittent.`
          : `Remote Desktop is healthy: ${verify.reason}`,
      advice: sawFault ? ['If users still see the error, start a repair again while it happens.'] : [],
    };
  }
  if (verify.verdict === 'unreachable' && (facts.probeAdmittedAfter === 'deny' || (changesMade > 0 && !facts.probeSourceConfigured))) {
    const why =
      facts.probeAdmittedAfter === 'deny'
        ? "the NSG does not admit this app's own address (PROBE_SOURCE_ADDRESSES)"
        : "the NSG now admits only the allowed sources and this app's address is unknown (PROBE_SOURCE_ADDRESSES is unset)";
    return {
      kind: 'Unverified',
      reason: `Could not verify from here: ${why}, so the probe was not let through. That says nothing about RDP itself.`,
      advice: [
        'Test Remote Desktop from one of the allowed source addresses.',
        "Set PROBE_SOURCE_ADDRESSES to this app's outbound addresses so the next report can tell.",
      ],
    };
  }
  return {
    kind: 'NotRepaired',
    reason:
      `Remote Desktop is still ${verify.verdict}: ` +
      `${verify.reason}${changesMade > 0 ? ` (after ${changesMade} change(s), which were kept)` : ''}`,
    advice: adviceForProbe(verify),
  };
}

/** An early end after changes were made says so, so nobody reads "NotRepaired" as "nothing was touched". */
export function withChangesNote(outcome: Outcome, status: Pick<RepairStatus, 'changes'>): Outcome {
  if (status.changes.length === 0 || outcome.kind === 'Rejected') return outcome;
  return { ...outcome, reason: `${outcome.reason} (${status.changes.length} change(s) had been made before this; see changes)` };
}

/** When Run Command could not reach the guest, an unsuccessful outcome names the offline repair as the next step. */
export function withOnlineAdvice(outcome: Outcome, guestUnreachable: boolean): Outcome {
  if (!guestUnreachable || outcome.kind === 'Repaired' || outcome.kind === 'AlreadyHealthy') return outcome;
  return {
    ...outcome,
    reason: `${outcome.reason.replace(/\.?$/, '.')} The guest could not be reached through Run Command, so no online repair was possible.`,
    advice: [
      ...outcome.advice,
      'Next: the offline repair (a copy of the OS disk repaired on a rescue VM and swapped in; docs/procedure.md, ' + '"Offline repair").',
    ],
  };
}
