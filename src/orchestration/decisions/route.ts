/**
 * The branch decisions of the repair flow, pure and in one place: when a VM needs nothing, when the article's
 * blind order is worth trying, and whether the guest still needs the online fixes.
 */
import type { ProbeVerdict, RdpProbeResult } from '../../domain/rdpProbe';
import type { Outcome } from '../../domain/repairStatus';

export interface HealthFacts {
  probe: RdpProbeResult | null;
  /** NSG rules the repair would restrict (a world-open RDP rule with allowed sources given). */
  restrictionsWanted: number;
  /** The port, when it was read from the guest rather than given or assumed. */
  detectedPort: number | null;
}

/** Healthy RDP and no NSG change asked for: the repair ends here, having changed nothing. */
export function alreadyHealthy(facts: HealthFacts): Outcome | null {
  if (facts.probe?.verdict !== 'healthy' || facts.restrictionsWanted > 0) return null;
  const where = facts.detectedPort === null ? '' : ` on port ${facts.detectedPort}`;
  return { kind: 'AlreadyHealthy', reason: `Remote Desktop is healthy${where}: ${facts.probe.reason}`, advice: [] };
}

export interface ArticleOrderFacts {
  /** Fix steps the diagnosis called for; the article's order is only for when it found nothing. */
  plannedFixes: number;
  /** A diagnosis finding explains the failure even though no fix is planned for it (e.g. a shared svchost holds the port). */
  explained: boolean;
  baseline: ProbeVerdict | null;
  /** The latest verdict (after an NSG change, if one was made). */
  current: ProbeVerdict | null;
  openToWorld: boolean;
  /** Whether the repair restricted an NSG rule before this decision. */
  restricted: boolean;
}

/**
 * The article's order (certificate, restart, TLS, restart), one step at a time, runs only when nothing explains
 * the failure: no guest finding (fixable or not), RDP broken, and either no open NSG or an NSG restriction that did not help. A
 * probe that could not get through (unreachable) or could not judge says nothing about the guest, so nothing is
 * changed blind on it.
 */
export function articleOrderApplies(facts: ArticleOrderFacts): boolean {
  if (facts.plannedFixes > 0 || facts.explained || facts.current !== 'broken') return false;
  return (facts.baseline === 'broken' && !facts.openToWorld) || facts.restricted;
}

/**
 * Whether the fixes planned from diagnosis still run after the NSG step: not when RDP is healthy now, and not when
 * the probe cannot get through (unreachable says nothing about the guest). With no probe, or one that could not
 * judge (inconclusive), the diagnosis's own evidence decides; only the blind article order needs a broken probe.
 */
export function guestStillNeedsFixes(current: ProbeVerdict | null): boolean {
  return current === null || current === 'broken' || current === 'degraded' || current === 'inconclusive';
}
