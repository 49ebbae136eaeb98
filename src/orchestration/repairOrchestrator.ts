/**
 * The repair flow, read top to bottom:
 *   repair slot -> preflight -> network -> baseline -> route -> online phase -> verify -> outcome -> sweep -> slot released.
 * Each phase returns data: `continue` with what it learned, or `end` with an outcome; expected failures are
 * values, so every ending goes through `finish`, which settles the undo log and completes the outcome. Branch
 * decisions are pure functions in decisions/. The generator must stay deterministic: time comes from
 * context.df.currentUtcDateTime, everything else from the orchestration input.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { Outcome, RepairStatus } from '../domain/repairStatus';
import { decideOutcome, withOnlineAdvice } from './decisions/outcome';
import { repairPathOf } from './decisions/repairPath';
import { alreadyHealthy } from './decisions/route';
import { Flow, type Gen } from './flow';
import { assessRdpExposure, type RdpExposure } from './decisions/nsgAssessment';
import { deferEffectiveRules } from './decisions/onlineOrder';
import { DEFAULT_RDP_PORT, type RepairOrchestrationInput } from './orchestrationInput';
import { baselinePhase } from './phases/baseline';
import { assessExposure, networkPhase, provisionalExposure, refineNetwork, restrictionsFor } from './phases/network';
import { type OnlineFacts, onlinePhase } from './phases/online';
import { preflightPhase } from './phases/preflight';
import { askForOfflineAdvice, offlineAfterOnline, offlineBeforeOnline, offlineModeFor } from './decisions/offlineMode';
import type { OfflinePhaseInput } from './offline/offlinePhase';
import { offlineStep } from './offline/offlineStep';
import { finish, newRepairStatus } from './statusModel';
import { acquireRepairSlot, releaseRepairSlot, signalRepairSlotRelease } from './steps/repairSlotStep';
import { mayHaveLeftGuestRuns, sweepStep } from './steps/sweepStep';

export const repairOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext): Gen<RepairStatus> {
  const { request, settings, repairId } = context.df.getInput<RepairOrchestrationInput>();
  const port = request.rdpPort ?? DEFAULT_RDP_PORT;
  const status = newRepairStatus(repairId, request, port, context.df.currentUtcDateTime.toISOString());
  const flow = new Flow(context, status, request, settings, repairId);
  let slotReleased = false;
  try {
    // The fleet-wide gate (MAX_CONCURRENT_REPAIRS) before the first read of the VM: a queued repair reads fresh facts.
    const slot = yield* acquireRepairSlot(flow);
    const outcome = slot.kind === 'end' ? slot.outcome : yield* repair(flow, port);
    // Whatever the outcome, no Run Command run of this repair may outlive it.
    const sweep = mayHaveLeftGuestRuns(status.timeline) ? yield* sweepStep(flow, request.vm.id) : null;
    const path = repairPathOf(status.artifacts);
    const finished = finish(status, sweep ? { ...outcome, caveats: [...(outcome.caveats ?? []), sweep] } : outcome, flow.now(), path);
    slotReleased = true;
    // The finished status becomes the custom status (bounded) before the release yields: the status API shows it.
    flow.publish();
    yield* releaseRepairSlot(flow);
    return finished;
  } finally {
    if (!slotReleased) signalRepairSlotRelease(flow);
    flow.publish();
  }
};

function* repair(flow: Flow, port: number): Gen<Outcome> {
  const vm = yield* preflightPhase(flow);
  if (vm.kind === 'end') return vm.outcome;

  // In a repair of a running VM the effective rules are read alongside the first long wait (decisions/onlineOrder.ts).
  let deferred = deferEffectiveRules({ mode: flow.request.mode, running: vm.facts.powerState === 'running' });
  const network = yield* networkPhase(flow, vm.facts, !deferred);
  if (network.kind === 'end') return network.outcome;
  let networkFacts = network.facts;
  let exposure = deferred ? provisionalExposure(flow, networkFacts, port) : assessExposure(flow, networkFacts, port);

  const probe = yield* baselinePhase(flow, networkFacts, port);
  if (probe.kind === 'end') return probe.outcome;

  // Offline (decisions/offlineMode.ts): `only` skips the online phase; `auto` follows it where it would help.
  const offline = offlineModeFor(flow.request.offline, flow.request.source, flow.request.mode, flow.settings.offline);
  const first = offlineBeforeOnline(offline.mode);
  // Where the repair ends or goes offline now, nothing runs alongside: the effective rules are read first.
  if (deferred && (probe.facts.baseline?.verdict === 'healthy' || first.run)) {
    const refined = yield* refineNetwork(flow, vm.facts);
    if (refined.kind === 'end') return refined.outcome;
    networkFacts = refined.facts;
    exposure = assessExposure(flow, networkFacts, port);
    deferred = false;
  }

  // Route: healthy and nothing asked of the NSG ends here; otherwise the online phase (the offline one will join it).
  const healthy = alreadyHealthy({
    probe: probe.facts.baseline,
    restrictionsWanted: restrictionsFor(flow, exposure).length,
    detectedPort: null,
  });
  if (healthy) return healthy;

  const offlineInput = (seen: RdpExposure): OfflinePhaseInput => ({
    vm: vm.facts,
    rescueVmId: flow.request.rescueVmResourceId ?? null,
    probeAddress: probe.facts.target.ok ? probe.facts.target.address : null,
    probeAdmitted: seen.probeAdmitted !== 'deny',
    port,
    startedAt: flow.status.startedAt,
  });
  if (first.run) return yield* offlineStep(flow, offlineInput(exposure), first.why);

  const online = yield* onlinePhase(flow, {
    vm: vm.facts,
    network: networkFacts,
    exposure,
    probe: probe.facts,
    port,
    effectiveRulesPending: deferred,
  });
  if (online.kind === 'end') return online.outcome;
  exposure = online.facts.exposure;

  const afterOnline = {
    guestUnreachable: online.facts.guestUnreachable,
    onlineFixesApplied: flow.status.changes.some((c) => c.resourceId.endsWith('/guest')),
    verdict: (online.facts.verify ?? online.facts.baseline)?.verdict ?? null,
  };
  const next = offlineAfterOnline(offline.mode, afterOnline);
  if (next.run) return yield* offlineStep(flow, offlineInput(exposure), next.why);
  const outcome = verifiedOutcome(flow, online.facts, probe.facts.target.ok ? null : probe.facts.target.reason);
  const ask = outcome.kind === 'NotRepaired' ? askForOfflineAdvice(offline, afterOnline) : null;
  return ask ? { ...outcome, advice: [...outcome.advice, ask] } : outcome;
}

/** The last word: what the probes say about the changes made, seen from where this app stands. */
function verifiedOutcome(flow: Flow, facts: OnlineFacts, noProbeReason: string | null): Outcome {
  const admittedAfter = assessRdpExposure(facts.networkAfter, facts.port, flow.settings.probeSourceCidrs).probeAdmitted;
  const outcome = decideOutcome({
    baseline: facts.baseline,
    verify: facts.verify,
    noProbeReason,
    changesMade: flow.status.changes.length,
    probeAdmittedAfter: admittedAfter,
    probeSourceConfigured: flow.settings.probeSourceCidrs.length > 0,
  });
  return { ...withOnlineAdvice(outcome, facts.guestUnreachable), caveats: facts.caveats };
}
