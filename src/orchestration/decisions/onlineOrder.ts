/**
 * What the online phase may do before it has read the guest, so that the work a diagnosis does not decide runs
 * early or alongside it (pure):
 *  - restrict a world-open NSG rule first (the article's own first step): it needs nothing from the guest once the
 *    port is known to be RDP's, and when it is all that was wrong the guest is never touched;
 *  - start the OS disk snapshot while the read-only diagnosis runs, when the baseline says the guest itself is
 *    broken: a fix is then likely, and no fix may start before the snapshot is usable.
 */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { RepairMode } from '../../domain/repairRequest';

/** An RDP server answered on the probed port: it negotiated a protocol, refused one, or reached TLS. */
export function rdpAnsweredOn(probe: RdpProbeResult | null): boolean {
  if (!probe) return false;
  return probe.selectedProtocol !== null || probe.negotiationFailure !== null || probe.stage === 'tls' || probe.stage === 'done';
}

export interface EarlyRestrictionFacts {
  mode: RepairMode;
  restrictionsWanted: number;
  /** The caller named the port (rdpPort), so no diagnosis is needed to know it. */
  portGiven: boolean;
  baseline: RdpProbeResult | null;
}

/**
 * Restrict before diagnosing only when the rule restricted is certainly RDP's: a port assumed to be 3389 may be
 * another program's when RDP listens elsewhere, and narrowing that program's rule would make the VM worse.
 */
export function restrictBeforeDiagnosis(facts: EarlyRestrictionFacts): boolean {
  if (facts.mode !== 'repair' || facts.restrictionsWanted === 0) return false;
  return facts.portGiven || rdpAnsweredOn(facts.baseline);
}

export interface EarlySnapshotFacts {
  mode: RepairMode;
  /** Run Command can reach the guest now, so the diagnosis will run and a guest fix may follow. */
  agentReady: boolean;
  baseline: RdpProbeResult | null;
  /** A rule admits RDP from the Internet: that may be all that is wrong, so the guest may need nothing. */
  openToWorld: boolean;
}

/**
 * Snapshot alongside the diagnosis when RDP answers but fails (broken, or degraded: an expired certificate) behind
 * an NSG that does not admit the world: that is a guest fault, which a fix usually follows. When no change follows
 * after all, the snapshot is kept and the status says it was not needed (this app never deletes a snapshot;
 * retention does).
 */
export function snapshotDuringDiagnosis(facts: EarlySnapshotFacts): boolean {
  return (
    facts.mode === 'repair' &&
    facts.agentReady &&
    !facts.openToWorld &&
    (facts.baseline?.verdict === 'broken' || facts.baseline?.verdict === 'degraded')
  );
}

export interface DeferEffectiveFacts {
  mode: RepairMode;
  /** Effective rules exist only for a running VM. */
  running: boolean;
}

/**
 * Read the effective NSG rules (a long-running POST of a few seconds) while the snapshot or the diagnosis runs,
 * rather than before the baseline probe: in a repair of a running VM, the NSG resources are enough to route and
 * to decide what to start early, and the effective rules are read before anything is written to the NSG.
 */
export function deferEffectiveRules(facts: DeferEffectiveFacts): boolean {
  return facts.mode === 'repair' && facts.running;
}
