/**
 * The online phase: diagnose the guest through Run Command (read-only), plan only the fixes the findings call
 * for, and — in repair mode, after a snapshot of the OS disk exists — restrict a world-open NSG rule and run the
 * guest fixes (one restart at most, or the article's order when nothing explains the failure).
 */
import type { DiagnoseResult } from '../../domain/guestScriptContracts';
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { Caveat, Outcome } from '../../domain/repairStatus';
import type { NetworkFacts, RestrictRuleInput, SecurityRuleSnapshot, VmFacts } from '../../domain/vmFacts';
import { alreadyHealthy, articleOrderApplies, guestStillNeedsFixes } from '../decisions/route';
import {
  exposureAfterRestrictionFinding,
  reassessExposureAfterRestriction,
  withWrittenSources,
} from '../decisions/exposureAfterRestriction';
import { adviceForProbe, Findings } from '../findings';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { type RdpExposure, type WorldOpening, withRestrictedSources } from '../decisions/nsgAssessment';
import { type OnlinePlan, planOnlineRepair } from '../decisions/onlinePlan';
import { withOpenedPorts } from '../decisions/portOpening';
import { approvalStep } from '../steps/approvalStep';
import { bootDiagnosticsStep } from '../steps/bootDiagnosticsStep';
import { cancelCheckpoint } from '../steps/cancelStep';
import { awaitGuestScript, beginGuestScript } from '../steps/guestScriptStep';
import { onlineRepairStep } from '../steps/onlineRepairStep';
import { probeStep } from '../steps/probeStep';
import { serialConsoleStep } from '../steps/serialConsoleStep';
import { awaitSnapshot, beginSnapshot, type PendingSnapshot, snapshotNotNeeded, snapshotStep } from '../steps/snapshotStep';
import { restrictBeforeDiagnosis, snapshotDuringDiagnosis } from '../decisions/onlineOrder';
import type { BaselineFacts } from './baseline';
import { assessExposure, refineNetwork, restrictionsFor } from './network';

export interface OnlineInput {
  vm: VmFacts;
  network: NetworkFacts;
  exposure: RdpExposure;
  probe: BaselineFacts;
  port: number;
  /** `network` came from the NSG resources and the effective rules are still to be read (decisions/onlineOrder.ts). */
  effectiveRulesPending?: boolean;
}

/** What the verify and outcome phases need from the online phase. */
export interface OnlineFacts {
  baseline: RdpProbeResult | null;
  verify: RdpProbeResult | null;
  port: number;
  /** The NSGs as they are after this repair's own changes (restricted sources, opened ports). */
  networkAfter: Pick<NetworkFacts, 'nsgs'>;
  /** True when Run Command could not reach the guest, so no online repair was possible. */
  guestUnreachable: boolean;
  caveats: Caveat[];
  /** The exposure as last assessed (from the effective rules once they were read). */
  exposure: RdpExposure;
}

export function* onlinePhase(flow: Flow, input: OnlineInput): Gen<PhaseResult<OnlineFacts>> {
  const { vm, probe } = input;
  let { exposure, port, network } = input;
  let baseline = probe.baseline;
  const target = probe.target;
  const facts: OnlineFacts = { baseline, verify: null, port, networkAfter: network, guestUnreachable: false, caveats: [], exposure };
  let snapshotId: string | null = null;
  let pending: PendingSnapshot | null = null;
  let restrictedEarly = false;
  let effectivePending = input.effectiveRulesPending ?? false;

  // The effective rules, read while a longer wait runs; idempotent, so every path can make sure of them.
  const refine = function* (): Gen<PhaseResult<null>> {
    if (!effectivePending) return proceed(null);
    effectivePending = false;
    const read = yield* refineNetwork(flow, vm);
    if (read.kind === 'end') return read;
    network = read.facts;
    facts.networkAfter = network;
    exposure = assessExposure(flow, network, port);
    facts.exposure = exposure;
    return proceed(null);
  };
  // An ending before they were read says so on the networkCheck entry rather than leaving it running.
  const closed = <T>(result: PhaseResult<T>): PhaseResult<T> => {
    if (effectivePending) {
      effectivePending = false;
      flow.end('networkCheck', 'NSG resources read; the repair ended before the effective rules were read');
    }
    return result;
  };

  // The NSG first, before the guest is read, when the rule is certainly RDP's (decisions/onlineOrder.ts).
  const restrictFirst = restrictBeforeDiagnosis({
    mode: flow.request.mode,
    restrictionsWanted: restrictionsFor(flow, exposure).length,
    portGiven: flow.request.rdpPort !== undefined,
    baseline,
  });
  if (restrictFirst) {
    const checked = yield* cancelCheckpoint(flow, 'snapshot');
    if (checked.kind === 'end') return closed(checked);
    const began = yield* beginSnapshot(flow, vm);
    if (began.kind === 'end') return closed(began);
    const refined = yield* refine();
    if (refined.kind === 'end') return refined;
    const snapshot = yield* awaitSnapshot(flow, began.facts);
    if (snapshot.kind === 'end') return snapshot;
    snapshotId = snapshot.facts;
    // Judged again from the effective rules: only what they still show open is restricted.
    const earlyRestrictions = restrictionsFor(flow, exposure);
    if (earlyRestrictions.length > 0) {
      planChanges(flow, vm, earlyRestrictions, null, false);
      flow.status.currentStep = null;
      const restricted = yield* restrictAndVerify(flow, earlyRestrictions, { network, port, target }, facts);
      if (restricted.kind === 'end') return restricted;
      restrictedEarly = true;
      if (facts.verify?.verdict === 'healthy') {
        flow.skip('guest:diagnose', 'RDP is healthy once the NSG rule is restricted: the guest needs no change');
        return proceed(facts);
      }
    }
  }
  // Every ending from here on that changed nothing says what became of a snapshot taken alongside the diagnosis.
  const unchanged = <T>(result: PhaseResult<T>): PhaseResult<T> => {
    if (pending && !snapshotId) {
      snapshotNotNeeded(flow, pending);
      pending = null;
    }
    return closed(result);
  };

  // Unless the NSG came first (and took the snapshot), it is taken alongside the diagnosis when that pays off.
  const alongside = (reached: VmFacts): boolean =>
    !restrictFirst &&
    snapshotDuringDiagnosis({
      mode: flow.request.mode,
      agentReady: reached.agentStatus === 'Ready',
      baseline,
      openToWorld: exposure.openToWorld,
    });
  const diagnosed = yield* diagnose(flow, vm, alongside, refine);
  if (diagnosed.kind === 'end') return closed(diagnosed);
  const refinedAfter = yield* refine();
  if (refinedAfter.kind === 'end') return unchanged(refinedAfter);
  const { diagnosis, caveats } = diagnosed.facts;
  pending = diagnosed.facts.pending;
  facts.guestUnreachable = diagnosis === null;
  facts.caveats.push(...caveats);
  const plan: OnlinePlan | null = diagnosis
    ? planOnlineRepair(diagnosis, { allowLegacyTls: flow.request.allowLegacyTls, now: flow.context.df.currentUtcDateTime })
    : null;
  if (diagnosis && flow.request.rdpPort === undefined && diagnosis.rdp.portNumber !== port) {
    flow.find(Findings.rdpPortDetected(diagnosis.rdp.portNumber, port));
    port = diagnosis.rdp.portNumber;
    facts.port = port;
    flow.status.rdpPort = port;
    exposure = assessExposure(flow, network, port);
    facts.exposure = exposure;
    if (target.ok) {
      const probed = yield* probeStep(flow, 'Baseline', target.address, port, 'on the configured port');
      if (probed.kind === 'end') return unchanged(probed);
      baseline = probed.facts;
      facts.baseline = baseline;
    }
    const healthy = alreadyHealthy({ probe: baseline, restrictionsWanted: restrictionsFor(flow, exposure).length, detectedPort: port });
    if (healthy && !restrictedEarly) return unchanged(end(healthy));
  }
  for (const finding of plan?.findings ?? []) flow.find(finding);

  const restrictions = restrictedEarly ? [] : restrictionsFor(flow, exposure);
  const plannedFixes = plan?.steps.length ?? 0;
  const articleOrder =
    plan !== null &&
    articleOrderApplies({
      plannedFixes,
      explained: plan?.explained ?? false,
      baseline: baseline?.verdict ?? null,
      current: (facts.verify ?? baseline)?.verdict ?? null,
      openToWorld: exposure.openToWorld,
      restricted: restrictedEarly,
    });
  planChanges(flow, vm, restrictions, plan, articleOrder);
  flow.status.currentStep = null;

  if (flow.request.mode === 'diagnose') return end(diagnosedOutcome(flow, baseline));

  if (restrictions.length === 0 && plannedFixes === 0 && !articleOrder) {
    if (!snapshotId && !pending) flow.skip('snapshot', 'nothing to change, so no backup needed');
    if (target.ok && !restrictedEarly) {
      const probed = yield* probeStep(flow, 'Verify', target.address, port, 'nothing to change');
      if (probed.kind === 'end') return unchanged(probed);
      facts.verify = probed.facts;
    }
    return unchanged(proceed(facts));
  }

  if (!snapshotId) {
    // The last safe point before the first write to the VM: a cancel raised while the repair diagnosed ends it here.
    const checked = yield* cancelCheckpoint(flow, 'snapshot');
    if (checked.kind === 'end') return unchanged(checked);
    // Nothing changes before a backup of the OS disk exists.
    const snapshot = pending ? yield* awaitSnapshot(flow, pending) : yield* snapshotStep(flow, vm);
    if (snapshot.kind === 'end') return snapshot;
    snapshotId = snapshot.facts;
  }

  if (restrictions.length > 0) {
    const restricted = yield* restrictAndVerify(flow, restrictions, { network, port, target }, facts);
    if (restricted.kind === 'end') return restricted;
  }

  const current = facts.verify ?? baseline;
  // After the NSG change, the article's order is worth trying only if RDP is still broken for a reason no finding explains.
  const articleOrderNow =
    plan !== null &&
    articleOrderApplies({
      plannedFixes,
      explained: plan?.explained ?? false,
      baseline: baseline?.verdict ?? null,
      current: current?.verdict ?? null,
      openToWorld: exposure.openToWorld,
      restricted: restrictedEarly || restrictions.length > 0,
    });
  if (plan && (plannedFixes > 0 || articleOrderNow) && guestStillNeedsFixes(current?.verdict ?? null)) {
    const fixed = yield* onlineRepairStep(flow, vm, plan, port, { address: target.ok ? target.address : null }, facts.networkAfter);
    if (fixed.kind === 'end') return fixed;
    const online = fixed.facts;
    facts.port = online.port;
    flow.status.rdpPort = online.port;
    facts.networkAfter = withOpenedPorts(facts.networkAfter, online.openedRules);
    facts.verify = online.verify ?? facts.verify;
    facts.caveats.push(...online.caveats);
    if (online.overrideOutcome) return end({ ...online.overrideOutcome, caveats: online.caveats });
  }
  return proceed(facts);
}

interface RestrictionTarget {
  network: NetworkFacts;
  port: number;
  target: BaselineFacts['target'];
}

/** Restricts the world-open rules, judges the exposure from what ARM returned, and probes again. */
function* restrictAndVerify(
  flow: Flow,
  restrictions: WorldOpening[],
  where: RestrictionTarget,
  facts: OnlineFacts,
): Gen<PhaseResult<null>> {
  const { network, port, target } = where;
  const restricted = yield* restrict(flow, restrictions);
  if (restricted.kind === 'end') return restricted;
  facts.networkAfter = withRestrictedSources(network, restrictions, flow.request.allowedSourceCidrs);
  // Judge the exposure from the sources ARM returned, never from what the repair meant to write.
  const after = reassessExposureAfterRestriction(withWrittenSources(network, restricted.facts), port, flow.settings.sourcePrefixLimits);
  const stillExposed = exposureAfterRestrictionFinding(after, port);
  if (stillExposed) {
    flow.find(stillExposed);
    facts.caveats.push({ check: 'exposureClosed', reason: stillExposed.message });
  }
  if (target.ok) {
    const probed = yield* probeStep(flow, 'Verify', target.address, port, 'after restricting the NSG');
    if (probed.kind === 'end') return probed;
    facts.verify = probed.facts;
  }
  return proceed(null);
}

interface Diagnosed {
  diagnosis: DiagnoseResult | null;
  /** Checks that could not run (the boot diagnostics of a guest Run Command cannot reach). */
  caveats: Caveat[];
  /** The snapshot started alongside the diagnosis, if it was. */
  pending: PendingSnapshot | null;
}

/**
 * `snapshotAlongside` decides, once the guest is known to be reachable (after the serial console, if it ran),
 * whether the snapshot starts before the read-only diagnosis so that a fix need not wait for it.
 */
function* diagnose(
  flow: Flow,
  seen: VmFacts,
  snapshotAlongside: (vm: VmFacts) => boolean,
  whileDiagnosing: () => Gen<PhaseResult<null>>,
): Gen<PhaseResult<Diagnosed>> {
  let vm = seen;
  let caveats: Caveat[] = [];
  if (vm.agentStatus !== 'Ready') {
    // Why the agent is down, from the serial log: a stop error ends the repair here (and the advice to repair
    // offline would be wrong). A guest that booted, or whose log could not be read, may be reached through the
    // serial console when it is configured; if that brings the agent back, the diagnosis goes on through Run Command.
    const boot = yield* bootDiagnosticsStep(flow, vm);
    if (boot.kind === 'end') return boot;
    caveats = boot.facts.caveats;
    const serial = flow.settings.serialConsole;
    if (boot.facts.route === 'serial' && serial) {
      const restored = yield* serialConsoleStep(flow, vm, serial);
      if (restored.kind === 'end') return restored;
      if (restored.facts.restored) vm = restored.facts.vm;
    }
  }
  if (vm.agentStatus !== 'Ready') {
    flow.skip('guest:diagnose', `VM agent ${vm.agentStatus}: Run Command cannot reach the guest`);
    flow.find(Findings.onlineChannelUnavailable(`the VM agent is ${vm.agentStatus}${vm.agentMessage ? ` (${vm.agentMessage})` : ''}`));
    return proceed({ diagnosis: null, caveats, pending: null });
  }
  let pending: PendingSnapshot | null = null;
  if (snapshotAlongside(vm)) {
    // The first safe point: a cancel raised before the diagnosis ends the repair before anything is written.
    const checked = yield* cancelCheckpoint(flow, 'snapshot');
    if (checked.kind === 'end') return checked;
    const began = yield* beginSnapshot(flow, vm, 'taken while the read-only diagnosis runs');
    if (began.kind === 'end') return began;
    pending = began.facts;
  }
  const notNeeded = (): void => {
    if (pending) snapshotNotNeeded(flow, pending);
  };
  const begun = yield* beginGuestScript(flow, vm.id, 'diagnose', {}, 'read-only diagnosis of the RDP configuration');
  if (begun.kind === 'end') {
    notNeeded();
    return begun;
  }
  const alongside = yield* whileDiagnosing();
  if (alongside.kind === 'end') {
    notNeeded();
    return alongside;
  }
  const called = yield* awaitGuestScript(flow, begun.facts);
  if (called.kind === 'end') {
    notNeeded();
    return called;
  }
  const run = called.facts;
  if (!run.ok) {
    notNeeded();
    flow.find(Findings.onlineChannelUnavailable(`${run.failure}: ${run.detail}`));
    return proceed({ diagnosis: null, caveats, pending: null });
  }
  return proceed({ diagnosis: run.result, caveats, pending });
}

function planChanges(flow: Flow, vm: VmFacts, restrictions: WorldOpening[], plan: OnlinePlan | null, articleOrder: boolean): void {
  for (const opening of restrictions) {
    flow.status.plannedChanges.push({
      resourceId: `${opening.nsgId}/securityRules/${opening.rule.name}`,
      property: 'sourceAddressPrefixes',
      before: opening.rule.sourcePrefixes,
      after: flow.request.allowedSourceCidrs,
      reason: `RDP port ${flow.status.rdpPort} is open to the Internet; restrict it to the allowed sources.`,
    });
  }
  for (const step of plan?.steps ?? []) {
    flow.status.plannedChanges.push({
      resourceId: `${vm.id}/guest`,
      property: step.script,
      before: null,
      after: step.params,
      reason: step.reason,
    });
  }
  if (articleOrder) {
    flow.status.plannedChanges.push({
      resourceId: `${vm.id}/guest`,
      property: 'article order',
      before: null,
      after: ['renew-certificate', 'restart', 'enable-tls', 'restart'],
      reason: "diagnosis found nothing, yet RDP fails: the article's steps one at a time, with a restart and a probe between",
    });
  }
  if (plan?.restartVm)
    flow.status.plannedChanges.push({
      resourceId: vm.id,
      property: 'restart',
      before: null,
      after: 'one restart',
      reason: 'certificate and TLS changes take effect after a restart',
    });
}

function* restrict(flow: Flow, restrictions: WorldOpening[]): Gen<PhaseResult<SecurityRuleSnapshot[]>> {
  const written: SecurityRuleSnapshot[] = [];
  for (const opening of restrictions) {
    const resourceId = `${opening.nsgId}/securityRules/${opening.rule.name}`;
    const approved = yield* approvalStep(
      flow,
      'restrictNsgRule',
      flow.status.plannedChanges.filter((c) => c.resourceId === resourceId),
    );
    if (approved.kind === 'end') return approved;
    flow.begin(
      'restrictNsgRule',
      `${opening.rule.name}: ${opening.rule.sourcePrefixes.join(',')} -> ${flow.request.allowedSourceCidrs.join(',')}`,
    );
    const input: RestrictRuleInput = {
      repairId: flow.repairId,
      nsgId: opening.nsgId,
      ruleName: opening.rule.name,
      expectedSourcePrefixes: opening.rule.sourcePrefixes,
      newSourcePrefixes: flow.request.allowedSourceCidrs,
    };
    const called = yield* flow.call('restrictNsgRule', input, 'restrictNsgRule');
    if (called.kind === 'end') return called;
    const result = called.facts;
    written.push(result.after);
    const before = ruleSources(result.before);
    flow.status.changes.push({
      resourceId,
      property: 'sourceAddressPrefixes',
      before,
      after: ruleSources(result.after),
      at: flow.now(),
      reason: `RDP port ${flow.status.rdpPort} was open to the Internet.`,
    });
    flow.wrote({
      kind: 'nsgSources',
      resourceId,
      what: `sources restricted to ${ruleSources(result.after).join(', ')}`,
      undo: `set the rule's sources back to ${before.join(', ')}`,
    });
    flow.end(
      'restrictNsgRule',
      `${opening.rule.name} now admits ${ruleSources(result.after).join(', ')}${result.wrote ? '' : ' (already so: nothing written)'}`,
    );
  }
  return proceed(written);
}

function ruleSources(rule: { sourceAddressPrefix: string | null; sourceAddressPrefixes: string[] }): string[] {
  return rule.sourceAddressPrefixes.length > 0 ? rule.sourceAddressPrefixes : rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : [];
}

function diagnosedOutcome(flow: Flow, baseline: RdpProbeResult | null): Outcome {
  const planned = flow.status.plannedChanges.length;
  const state = baseline ? `Remote Desktop is ${baseline.verdict}: ${baseline.reason}` : 'Remote Desktop could not be probed.';
  const advice =
    planned > 0
      ? [`A repair would snapshot the OS disk, then make the ${planned} change(s) listed in plannedChanges.`]
      : baseline
        ? adviceForProbe(baseline)
        : [];
  return { kind: 'Diagnosed', reason: `Diagnose mode, nothing changed. ${state}`, advice };
}
