/**
 * The repair flow (DESIGN.md "The flow"), this version's part of it:
 * preflight -> network read + exposure -> baseline probe -> [snapshot -> NSG restriction] -> verify -> outcome.
 * Decisions are the pure functions beside this file; this generator only sequences activities and timers and
 * keeps the status current. It must stay deterministic: time comes from context.df.currentUtcDateTime, input
 * from the orchestration input, and nothing here does I/O.
 */
import * as df from 'durable-functions';
import { OrchestrationContext, OrchestrationHandler, Task } from 'durable-functions';
import { ActivityResult, PermanentFailure } from '../domain/activityResult';
import { RdpProbeResult } from '../domain/rdpProbe';
import { Outcome, RepairStatus } from '../domain/repairStatus';
import { NetworkFacts, ProbeInput, ReadVmResult, RestrictRuleInput, RestrictRuleResult, SnapshotStartInput, SnapshotState, VmFacts } from '../domain/vmFacts';
import { adviceForProbe, exposureFindings, probeFinding } from './findings';
import { assessRdpExposure, RdpExposure, withRestrictedSources } from './nsgAssessment';
import { Activities, ActivityName } from './names';
import { DEFAULT_RDP_PORT, RepairOrchestrationInput, snapshotNameFor } from './orchestrationInput';
import { decideOutcome } from './outcomeDecision';
import { notRunningOutcome, rejectionFor } from './preflightDecision';
import { chooseProbeTarget } from './probeTarget';
import { addFinding, beginStep, endStep, finish, newRepairStatus, recordChange, skipStep, summarizeProbe } from './statusModel';

/** Raised inside the flow to end it early with an outcome (a permanent Azure failure, a failed snapshot...). */
class FlowEnded extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome.reason);
  }
}

type Flow<T> = Generator<Task, T, any>;

export const repairOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext): Flow<RepairStatus> {
  const input = context.df.getInput<RepairOrchestrationInput>();
  const { request, settings, repairId } = input;
  const now = (): string => context.df.currentUtcDateTime.toISOString();
  const rdpPort = request.rdpPort ?? DEFAULT_RDP_PORT;
  const status = newRepairStatus(repairId, request, rdpPort, now());
  const publish = (): void => context.df.setCustomStatus(status);
  const retry = new df.RetryOptions(settings.activityRetryFirstIntervalSeconds * 1000, settings.activityRetryAttempts);
  retry.backoffCoefficient = 2;

  /** Runs an activity with durable retries for transient failures; a permanent failure ends the flow. */
  function* call<T>(name: ActivityName, activityInput: unknown, step: string): Flow<T> {
    let result: ActivityResult<T>;
    try {
      result = yield context.df.callActivityWithRetry(name, retry, activityInput);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new FlowEnded({
        kind: 'NotRepaired',
        reason: `Azure kept failing during ${step} after ${settings.activityRetryAttempts} attempts: ${firstLine(message)}`,
        advice: ['This looks transient (throttling or a service error): start the repair again in a few minutes.'],
      });
    }
    if (!result.ok) throw new FlowEnded(permanentOutcome(step, result.failure));
    return result.value;
  }

  function* probe(label: 'Baseline' | 'Verify', address: string): Flow<RdpProbeResult> {
    const step = label === 'Baseline' ? 'baselineProbe' : 'verifyProbe';
    beginStep(status, step, now(), `dialing ${address}:${rdpPort}`);
    publish();
    const probeInput: ProbeInput = { address, port: rdpPort, timeoutMs: settings.probeTimeoutMs, certificateWarningDays: settings.certificateWarningDays };
    const result: RdpProbeResult = yield* call<RdpProbeResult>(Activities.probeRdp, probeInput, step);
    const summary = summarizeProbe(result, now());
    if (label === 'Baseline') status.probes.baseline = summary;
    else status.probes.verify = summary;
    addFinding(status, probeFinding(label, result));
    endStep(status, step, 'succeeded', now(), `${result.verdict}: ${result.reason}`);
    publish();
    return result;
  }

  try {
    // Preflight: read only. A VM we must not touch ends here with zero writes.
    beginStep(status, 'preflight', now(), `reading ${request.vm.id}`);
    publish();
    const read: ReadVmResult = yield* call<ReadVmResult>(Activities.readVm, { vmResourceId: request.vm.id }, 'preflight');
    if (!read.found) {
      throw new FlowEnded({ kind: 'Rejected', reason: read.message, advice: ['Check the vmResourceId (subscription, resource group and VM name).'] });
    }
    const vm: VmFacts = read.facts;
    status.artifacts.originalOsDiskId = vm.osDisk.managedDiskId;
    const rejection = rejectionFor(vm) ?? notRunningOutcome(vm);
    if (rejection) throw new FlowEnded(rejection);
    endStep(status, 'preflight', 'succeeded', now(),
      `${vm.osType} ${vm.generation === 'Unknown' ? '' : `Gen${vm.generation.slice(1)} `}VM in ${vm.location}${vm.zone ? ` zone ${vm.zone}` : ''}, ${vm.powerState}, VM agent ${vm.agentStatus}`);
    if (request.rdpPort === undefined) {
      addFinding(status, { code: 'RdpPortAssumed', severity: 'info', message: `RDP port assumed to be ${DEFAULT_RDP_PORT}; pass rdpPort if the VM listens elsewhere.`, advice: null });
    }
    publish();

    // Network: which NSG rules decide RDP, read from the effective rules when the VM runs.
    beginStep(status, 'networkCheck', now(), 'reading NIC, subnet and NSG rules');
    publish();
    const network: NetworkFacts = yield* call<NetworkFacts>(Activities.readVmNetwork, { vm }, 'networkCheck');
    const exposure: RdpExposure = assessRdpExposure(network, rdpPort, settings.probeSourceCidrs);
    for (const finding of exposureFindings(exposure, request.allowedSourceCidrs)) addFinding(status, finding);
    const restrictions = exposure.openToWorld && request.allowedSourceCidrs.length > 0 ? exposure.worldOpenings : [];
    for (const opening of restrictions) {
      status.plannedChanges.push({
        resourceId: `${opening.nsgId}/securityRules/${opening.rule.name}`,
        property: 'sourceAddressPrefixes',
        before: opening.rule.sourcePrefixes,
        after: request.allowedSourceCidrs,
        reason: `RDP port ${rdpPort} is open to the Internet; restrict it to the allowed sources.`,
      });
    }
    endStep(status, 'networkCheck', 'succeeded', now(), describeExposure(exposure, network));
    publish();

    // Baseline probe: is RDP really broken, and how?
    const target = chooseProbeTarget(network, settings.probeAddress);
    let baseline: RdpProbeResult | null = null;
    if (target.ok) baseline = yield* probe('Baseline', target.address);
    else {
      skipStep(status, 'baselineProbe', now(), target.reason);
      addFinding(status, { code: 'NoProbeAddress', severity: 'warning', message: target.reason, advice: null });
    }

    if (baseline?.verdict === 'healthy' && restrictions.length === 0) {
      return finish(status, { kind: 'AlreadyHealthy', reason: `Remote Desktop is healthy: ${baseline.reason}`, advice: [] }, now());
    }
    if (request.mode === 'diagnose') {
      return finish(status, diagnosedOutcome(status, baseline), now());
    }

    if (restrictions.length > 0) {
      // Nothing changes before a backup of the OS disk exists.
      const snapshotId: string = yield* takeSnapshot(vm);
      status.artifacts.snapshotId = snapshotId;

      for (const opening of restrictions) {
        const resourceId = `${opening.nsgId}/securityRules/${opening.rule.name}`;
        beginStep(status, 'restrictNsgRule', now(), `${opening.rule.name}: ${opening.rule.sourcePrefixes.join(',')} -> ${request.allowedSourceCidrs.join(',')}`);
        publish();
        const restrictInput: RestrictRuleInput = {
          repairId,
          nsgId: opening.nsgId,
          ruleName: opening.rule.name,
          expectedSourcePrefixes: opening.rule.sourcePrefixes,
          newSourcePrefixes: request.allowedSourceCidrs,
        };
        const result: RestrictRuleResult = yield* call<RestrictRuleResult>(Activities.restrictNsgRule, restrictInput, 'restrictNsgRule');
        recordChange(status, {
          resourceId,
          property: 'sourceAddressPrefixes',
          before: ruleSources(result.before),
          after: ruleSources(result.after),
          at: now(),
          reason: `RDP port ${rdpPort} was open to the Internet.`,
        });
        endStep(status, 'restrictNsgRule', 'succeeded', now(), `${opening.rule.name} now admits ${ruleSources(result.after).join(', ')}${result.wrote ? '' : ' (already so: nothing written)'}`);
        publish();
      }
    } else {
      skipStep(status, 'snapshot', now(), 'nothing to change, so no backup needed');
    }

    // Verify with a real handshake, and tell "blocked for us" apart from "broken".
    const after = restrictions.length > 0 ? withRestrictedSources(network, restrictions, request.allowedSourceCidrs) : network;
    const admittedAfter = assessRdpExposure(after, rdpPort, settings.probeSourceCidrs).probeAdmitted;
    let verify: RdpProbeResult | null = null;
    if (target.ok) verify = yield* probe('Verify', target.address);
    else skipStep(status, 'verifyProbe', now(), target.reason);
    const outcome = decideOutcome({
      baseline,
      verify,
      noProbeReason: target.ok ? null : target.reason,
      changesMade: status.changes.length,
      probeAdmittedAfter: admittedAfter,
      probeSourceConfigured: settings.probeSourceCidrs.length > 0,
    });
    return finish(status, outcome, now());
  } catch (err) {
    if (err instanceof FlowEnded) return finish(status, withChangesNote(err.outcome, status), now());
    throw err;
  } finally {
    publish();
  }

  function* takeSnapshot(vm: VmFacts): Flow<string> {
    const startedAt = context.df.currentUtcDateTime;
    beginStep(status, 'snapshot', now(), `incremental snapshot of ${vm.osDisk.name}`);
    publish();
    const startInput: SnapshotStartInput = {
      repairId,
      vmId: vm.id,
      osDiskId: vm.osDisk.managedDiskId as string,
      location: vm.location,
      zone: vm.zone,
      snapshotName: snapshotNameFor(vm.name, startedAt),
    };
    let state: SnapshotState = yield* call<SnapshotState>(Activities.startOsDiskSnapshot, startInput, 'snapshot');
    status.artifacts.snapshotId = state.snapshotId;
    const deadline = startedAt.getTime() + settings.snapshotTimeoutMinutes * 60_000;
    for (;;) {
      if (state.provisioningState === 'Succeeded' && (state.completionPercent === null || state.completionPercent >= 100)) break;
      if (state.provisioningState === 'Failed' || state.provisioningState === 'Canceled') {
        throw new FlowEnded({
          kind: 'NotRepaired',
          reason: `The OS disk snapshot ${state.snapshotId} ended ${state.provisioningState}; nothing was changed without a backup.`,
          advice: ['Look at the snapshot in the portal (activity log) and start the repair again.'],
        });
      }
      if (context.df.currentUtcDateTime.getTime() >= deadline) {
        throw new FlowEnded({
          kind: 'NotRepaired',
          reason: `The OS disk snapshot did not complete within ${settings.snapshotTimeoutMinutes} minutes (last: ${state.provisioningState}, ${state.completionPercent ?? '?'}%); nothing was changed without a backup.`,
          advice: ['Raise SNAPSHOT_TIMEOUT_MINUTES for large disks, or start the repair again later.'],
        });
      }
      const timelineEntry = status.timeline[status.timeline.length - 1];
      timelineEntry.detail = `${state.snapshotId.split('/').pop()}: ${state.provisioningState}, ${state.completionPercent ?? 0}% copied`;
      publish();
      yield context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + settings.snapshotPollSeconds * 1000));
      state = yield* call<SnapshotState>(Activities.getSnapshotState, { snapshotId: state.snapshotId }, 'snapshot');
    }
    endStep(status, 'snapshot', 'succeeded', now(), `${state.snapshotId} complete (kept after the repair)`);
    publish();
    return state.snapshotId;
  }
};

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 300 ? `${line.slice(0, 300)}...` : line;
}

function permanentOutcome(step: string, failure: PermanentFailure): Outcome {
  const advice: string[] = [];
  if (failure.statusCode === 403) {
    advice.push("Grant the app's managed identity the rdp-autorepair role (see README, Permissions) on the VM's resource group.");
  }
  if (failure.statusCode === 404) advice.push('The resource disappeared or the id is wrong; check it in the portal.');
  return {
    kind: failure.statusCode === 404 && step === 'preflight' ? 'Rejected' : 'NotRepaired',
    reason: `${step} failed: ${failure.operation}: ${failure.code}: ${firstLine(failure.message)}`,
    advice,
  };
}

function withChangesNote(outcome: Outcome, status: RepairStatus): Outcome {
  if (status.changes.length === 0 || outcome.kind === 'Rejected') return outcome;
  return { ...outcome, reason: `${outcome.reason} (${status.changes.length} change(s) had been made before this; see changes)` };
}

function ruleSources(rule: { sourceAddressPrefix: string | null; sourceAddressPrefixes: string[] }): string[] {
  return rule.sourceAddressPrefixes.length > 0 ? rule.sourceAddressPrefixes : rule.sourceAddressPrefix ? [rule.sourceAddressPrefix] : [];
}

function describeExposure(exposure: RdpExposure, network: NetworkFacts): string {
  const source = network.fromEffectiveRules ? 'effective rules' : 'NSG resources';
  const levels = network.nsgs.map((n) => `${n.level} NSG ${n.nsgId.split('/').pop()}`).join(', ') || 'no NSG';
  const state = exposure.openToWorld ? `port ${exposure.port} OPEN to the Internet` : exposure.blockedFromInternet ? `port ${exposure.port} blocked from the Internet` : `port ${exposure.port} restricted`;
  return `${state} (${levels}; ${source})`;
}

function diagnosedOutcome(status: RepairStatus, baseline: RdpProbeResult | null): Outcome {
  const planned = status.plannedChanges.length;
  const state = baseline ? `Remote Desktop is ${baseline.verdict}: ${baseline.reason}` : 'Remote Desktop could not be probed.';
  const advice = planned > 0
    ? [`A repair would snapshot the OS disk, then make the ${planned} change(s) listed in plannedChanges.`]
    : baseline ? adviceForProbe(baseline) : [];
  return { kind: 'Diagnosed', reason: `Diagnose mode, nothing changed. ${state}`, advice };
}
