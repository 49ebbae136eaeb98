/**
 * The repair flow (DESIGN.md "The flow"), this version's part of it:
 * preflight -> network check -> baseline probe -> online diagnosis (read-only) -> [snapshot -> NSG restriction
 * -> online fixes (one restart at most) -> Group Policy given back] -> verify -> outcome.
 * Decisions are the pure functions beside this file and the steps in steps/; this generator only sequences
 * them. It must stay deterministic: time from context.df.currentUtcDateTime, input from the orchestration input.
 */
import { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import { DiagnoseResult } from '../domain/guestScriptContracts';
import { RdpProbeResult } from '../domain/rdpProbe';
import { Outcome, RepairStatus } from '../domain/repairStatus';
import { NetworkFacts, ReadVmResult, RestrictRuleInput, RestrictRuleResult, VmFacts } from '../domain/vmFacts';
import { adviceForProbe, exposureFindings } from './findings';
import { Flow, FlowEnded, Gen } from './flow';
import { assessRdpExposure, RdpExposure, WorldOpening, withRestrictedSources } from './nsgAssessment';
import { Activities } from './names';
import { OnlinePlan, planOnlineRepair } from './onlineRepairPlan';
import { withOpenedPorts } from './portOpening';
import { DEFAULT_RDP_PORT, RepairOrchestrationInput } from './orchestrationInput';
import { decideOutcome } from './outcomeDecision';
import { notRunningOutcome, rejectionFor } from './preflightDecision';
import { chooseProbeTarget } from './probeTarget';
import { finish, newRepairStatus } from './statusModel';
import { guestScriptStep } from './steps/guestScriptStep';
import { onlineRepairStep } from './steps/onlineRepairStep';
import { probeStep } from './steps/probeStep';
import { snapshotStep } from './steps/snapshotStep';

export const repairOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext): Gen<RepairStatus> {
  const { request, settings, repairId } = context.df.getInput<RepairOrchestrationInput>();
  let port = request.rdpPort ?? DEFAULT_RDP_PORT;
  const status = newRepairStatus(repairId, request, port, context.df.currentUtcDateTime.toISOString());
  const flow = new Flow(context, status, request, settings, repairId);

  try {
    const vm = yield* preflight(flow);
    const network: NetworkFacts = yield* readNetwork(flow, vm);
    let exposure = assess(flow, network, port);
    const target = chooseProbeTarget(network, settings.probeAddress);
    if (!target.ok) {
      flow.skip('baselineProbe', target.reason);
      flow.find({ code: 'NoProbeAddress', severity: 'warning', message: target.reason, advice: null });
    }
    let baseline: RdpProbeResult | null = target.ok ? yield* probeStep(flow, 'Baseline', target.address, port) : null;
    if (baseline?.verdict === 'healthy' && restrictionsFor(flow, exposure).length === 0) {
      return finish(status, { kind: 'AlreadyHealthy', reason: `Remote Desktop is healthy: ${baseline.reason}`, advice: [] }, flow.now());
    }

    // Online diagnosis: read-only, so it runs before the snapshot and also in diagnose mode.
    const diagnosis = yield* diagnose(flow, vm);
    const plan: OnlinePlan | null = diagnosis ? planOnlineRepair(diagnosis, { allowLegacyTls: request.allowLegacyTls, now: context.df.currentUtcDateTime }) : null;
    if (diagnosis && request.rdpPort === undefined && diagnosis.rdp.portNumber !== port) {
      flow.find({ code: 'RdpPortDetected', severity: 'info', message: `RDP is configured on port ${diagnosis.rdp.portNumber} (PortNumber), not ${port}; using it.`, advice: null });
      port = diagnosis.rdp.portNumber;
      status.rdpPort = port;
      exposure = assess(flow, network, port);
      if (target.ok) baseline = yield* probeStep(flow, 'Baseline', target.address, port, 'on the configured port');
      if (baseline?.verdict === 'healthy' && restrictionsFor(flow, exposure).length === 0) {
        return finish(status, { kind: 'AlreadyHealthy', reason: `Remote Desktop is healthy on port ${port}: ${baseline.reason}`, advice: [] }, flow.now());
      }
    }
    for (const finding of plan?.findings ?? []) flow.find(finding);

    const restrictions = restrictionsFor(flow, exposure);
    const guestFixesPlanned = plan !== null && plan.steps.length > 0;
    // The article's blind order only when nothing explains the failure: no guest finding and no open NSG.
    const articleOrder = plan !== null && plan.steps.length === 0 && baseline?.verdict === 'broken' && !exposure.openToWorld;
    planChanges(flow, vm, restrictions, plan, articleOrder);
    status.currentStep = null;

    if (request.mode === 'diagnose') return finish(status, diagnosedOutcome(status, baseline), flow.now());

    if (restrictions.length === 0 && !guestFixesPlanned && !articleOrder) {
      flow.skip('snapshot', 'nothing to change, so no backup needed');
      const verify = target.ok ? yield* probeStep(flow, 'Verify', target.address, port, 'nothing to change') : null;
      const outcome = decideOutcome({ baseline, verify, noProbeReason: target.ok ? null : target.reason, changesMade: 0, probeAdmittedAfter: exposure.probeAdmitted, probeSourceConfigured: settings.probeSourceCidrs.length > 0 });
      return finish(status, withOnlineAdvice(outcome, diagnosis === null), flow.now());
    }

    // Nothing changes before a backup of the OS disk exists.
    status.artifacts.snapshotId = yield* snapshotStep(flow, vm);

    let afterNetwork: Pick<NetworkFacts, 'nsgs'> = network;
    let verify: RdpProbeResult | null = null;
    if (restrictions.length > 0) {
      yield* restrict(flow, restrictions);
      afterNetwork = withRestrictedSources(network, restrictions, request.allowedSourceCidrs);
      if (target.ok) verify = yield* probeStep(flow, 'Verify', target.address, port, 'after restricting the NSG');
    }

    let override: Outcome | null = null;
    const current = verify ?? baseline;
    // After the NSG change, the article's order is worth trying only if RDP is still broken for a reason no
    // finding explains; a probe that cannot get through says nothing about the guest, so nothing is changed blind.
    const articleOrderNow = plan !== null && plan.steps.length === 0 && current?.verdict === 'broken' && (articleOrder || restrictions.length > 0);
    const guestStillBad = current === null || current.verdict === 'broken' || current.verdict === 'degraded';
    if (plan && (guestFixesPlanned || articleOrderNow) && guestStillBad) {
      const online = yield* onlineRepairStep(flow, vm, plan, port, { address: target.ok ? target.address : null }, afterNetwork);
      port = online.port;
      status.rdpPort = port;
      afterNetwork = withOpenedPorts(afterNetwork, online.openedRules);
      verify = online.verify ?? verify;
      override = online.overrideOutcome;
    }
    if (override) return finish(status, override, flow.now());

    const admittedAfter = assessRdpExposure(afterNetwork, port, settings.probeSourceCidrs).probeAdmitted;
    const outcome = decideOutcome({
      baseline,
      verify,
      noProbeReason: target.ok ? null : target.reason,
      changesMade: status.changes.length,
      probeAdmittedAfter: admittedAfter,
      probeSourceConfigured: settings.probeSourceCidrs.length > 0,
    });
    return finish(status, withOnlineAdvice(outcome, diagnosis === null), flow.now());
  } catch (err) {
    if (err instanceof FlowEnded) return finish(status, withChangesNote(err.outcome, status), flow.now());
    throw err;
  } finally {
    flow.publish();
  }
};

function* preflight(flow: Flow): Gen<VmFacts> {
  flow.begin('preflight', `reading ${flow.request.vm.id}`);
  const read: ReadVmResult = yield* flow.call<ReadVmResult>(Activities.readVm, { vmResourceId: flow.request.vm.id }, 'preflight');
  if (!read.found) {
    throw new FlowEnded({ kind: 'Rejected', reason: read.message, advice: ['Check the vmResourceId (subscription, resource group and VM name).'] });
  }
  const vm = read.facts;
  flow.status.artifacts.originalOsDiskId = vm.osDisk.managedDiskId;
  const rejection = rejectionFor(vm) ?? notRunningOutcome(vm);
  if (rejection) throw new FlowEnded(rejection);
  const generation = vm.generation === 'Unknown' ? '' : `Gen${vm.generation.slice(1)} `;
  flow.end('preflight', `${vm.osType} ${generation}VM in ${vm.location}${vm.zone ? ` zone ${vm.zone}` : ''}, ${vm.powerState}, VM agent ${vm.agentStatus}`);
  if (flow.request.rdpPort === undefined) {
    flow.find({ code: 'RdpPortAssumed', severity: 'info', message: `RDP port assumed to be ${DEFAULT_RDP_PORT} until the guest's PortNumber is read; pass rdpPort if the VM listens elsewhere.`, advice: null });
  }
  return vm;
}

function* readNetwork(flow: Flow, vm: VmFacts): Gen<NetworkFacts> {
  flow.begin('networkCheck', 'reading NIC, subnet and NSG rules');
  const network: NetworkFacts = yield* flow.call<NetworkFacts>(Activities.readVmNetwork, { vm }, 'networkCheck');
  for (const note of network.notes) flow.find({ code: 'NetworkNote', severity: 'info', message: note, advice: null });
  return network;
}

/** Assesses exposure for a port and (re)closes the networkCheck entry with what it found. */
function assess(flow: Flow, network: NetworkFacts, port: number): RdpExposure {
  const exposure = assessRdpExposure(network, port, flow.settings.probeSourceCidrs);
  for (const finding of exposureFindings(exposure, flow.request.allowedSourceCidrs)) flow.find(finding);
  const source = network.fromEffectiveRules ? 'effective rules' : 'NSG resources';
  const levels = network.nsgs.map((n) => `${n.level} NSG ${n.nsgId.split('/').pop()}`).join(', ') || 'no NSG';
  const state = exposure.openToWorld ? `port ${port} OPEN to the Internet` : exposure.blockedFromInternet ? `port ${port} blocked from the Internet` : `port ${port} restricted`;
  const running = flow.status.timeline.some((t) => t.step === 'networkCheck' && t.status === 'running');
  if (running) flow.end('networkCheck', `${state} (${levels}; ${source})`);
  else flow.skip('networkCheck', `re-assessed for port ${port}: ${state}`);
  return exposure;
}

function restrictionsFor(flow: Flow, exposure: RdpExposure): WorldOpening[] {
  return exposure.openToWorld && flow.request.allowedSourceCidrs.length > 0 ? exposure.worldOpenings : [];
}

function* diagnose(flow: Flow, vm: VmFacts): Gen<DiagnoseResult | null> {
  if (vm.agentStatus !== 'Ready') {
    flow.skip('guest:diagnose', `VM agent ${vm.agentStatus}: Run Command cannot reach the guest`);
    flow.find(onlineUnavailable(`the VM agent is ${vm.agentStatus}${vm.agentMessage ? ` (${vm.agentMessage})` : ''}`));
    return null;
  }
  const run = yield* guestScriptStep(flow, vm.id, 'diagnose', {}, 'read-only diagnosis of the RDP configuration');
  if (!run.ok) {
    flow.find(onlineUnavailable(`${run.failure}: ${run.detail}`));
    return null;
  }
  return run.result;
}

function onlineUnavailable(why: string) {
  return {
    code: 'OnlineChannelUnavailable',
    severity: 'error' as const,
    message: `The guest cannot be reached through Run Command: ${why}. Online repair is not possible.`,
    advice: 'Repair the OS disk offline (attach a copy to a rescue VM, PLAYBOOK section 3); this version does not do that automatically yet.',
  };
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
  const steps = plan?.steps ?? [];
  for (const step of steps) {
    flow.status.plannedChanges.push({ resourceId: `${vm.id}/guest`, property: step.script, before: null, after: step.params, reason: step.reason });
  }
  if (articleOrder) {
    flow.status.plannedChanges.push({ resourceId: `${vm.id}/guest`, property: 'article order', before: null, after: ['renew-certificate', 'restart', 'enable-tls', 'restart'], reason: 'diagnosis found nothing, yet RDP fails: the article\'s steps one at a time, with a restart and a probe between' });
  }
  if (plan?.restartVm) flow.status.plannedChanges.push({ resourceId: vm.id, property: 'restart', before: null, after: 'one restart', reason: 'certificate and TLS changes take effect after a restart' });
}

function* restrict(flow: Flow, restrictions: WorldOpening[]): Gen<void> {
  for (const opening of restrictions) {
    const resourceId = `${opening.nsgId}/securityRules/${opening.rule.name}`;
    flow.begin('restrictNsgRule', `${opening.rule.name}: ${opening.rule.sourcePrefixes.join(',')} -> ${flow.request.allowedSourceCidrs.join(',')}`);
    const input: RestrictRuleInput = {
      repairId: flow.repairId,
      nsgId: opening.nsgId,
      ruleName: opening.rule.name,
      expectedSourcePrefixes: opening.rule.sourcePrefixes,
      newSourcePrefixes: flow.request.allowedSourceCidrs,
    };
    const result: RestrictRuleResult = yield* flow.call<RestrictRuleResult>(Activities.restrictNsgRule, input, 'restrictNsgRule');
    flow.status.changes.push({
      resourceId,
      property: 'sourceAddressPrefixes',
      before: ruleSources(result.before),
      after: ruleSources(result.after),
      at: flow.now(),
      reason: `RDP port ${flow.status.rdpPort} was open to the Internet.`,
    });
    flow.end('restrictNsgRule', `${opening.rule.name} now admits ${ruleSources(result.after).join(', ')}${result.wrote ? '' : ' (already so: nothing written)'}`);
  }
}

function ruleSources(rule: { sourceAddressPrefix: string | null; sourceAddressPrefixes: string[] }): string[] {
  return rule.sourceAddressPrefixes.length > 0 ? rule.sourceAddressPrefixes : rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : [];
}

function withChangesNote(outcome: Outcome, status: RepairStatus): Outcome {
  if (status.changes.length === 0 || outcome.kind === 'Rejected') return outcome;
  return { ...outcome, reason: `${outcome.reason} (${status.changes.length} change(s) had been made before this; see changes)` };
}

function withOnlineAdvice(outcome: Outcome, onlineUnavailableFlag: boolean): Outcome {
  if (!onlineUnavailableFlag || outcome.kind === 'Repaired' || outcome.kind === 'AlreadyHealthy') return outcome;
  return {
    ...outcome,
    reason: `${outcome.reason.replace(/\.?$/, '.')} The guest could not be reached through Run Command, so no online repair was possible.`,
    advice: [...outcome.advice, 'Next: the offline repair (OS disk copy on a rescue VM, PLAYBOOK section 3), not automated in this version.'],
  };
}

function diagnosedOutcome(status: RepairStatus, baseline: RdpProbeResult | null): Outcome {
  const planned = status.plannedChanges.length;
  const state = baseline ? `Remote Desktop is ${baseline.verdict}: ${baseline.reason}` : 'Remote Desktop could not be probed.';
  const advice = planned > 0
    ? [`A repair would snapshot the OS disk, then make the ${planned} change(s) listed in plannedChanges.`]
    : baseline ? adviceForProbe(baseline) : [];
  return { kind: 'Diagnosed', reason: `Diagnose mode, nothing changed. ${state}`, advice };
}
