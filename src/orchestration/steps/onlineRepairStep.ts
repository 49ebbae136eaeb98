/**
 * The online repair (playbook steps 1-3, done better than the article): run the planned guest fixes — the
 * port conflict first (service restarts only), then certificate/keys and TLS together behind ONE VM restart —
 * or, when diagnosis found nothing but RDP still fails, the article's order one step at a time with a restart
 * and a probe between. After RDP works, Group Policy is given back and diagnosis runs again to catch a domain
 * policy that turns TLS 1.2 off.
 */
import type { DiagnoseResult } from '../../domain/guestScriptContracts';
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { Caveat, Outcome } from '../../domain/repairStatus';
import type { NetworkFacts, OpenPortRuleInput, OpenPortRuleResult, VmFacts } from '../../domain/vmFacts';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { articleOrderSteps, type FixStep, type OnlinePlan, tlsRevertedFinding } from '../decisions/onlinePlan';
import { planPortOpenings } from '../decisions/portOpening';
import { guestScriptStep } from './guestScriptStep';
import { probeStep } from './probeStep';
import { type RestartResult, restartStep } from './restartStep';

export interface OnlineRepairResult {
  port: number;
  verify: RdpProbeResult | null;
  /** NSG rules added for a moved RDP port. */
  openedRules: OpenPortRuleInput[];
  /**
   * Set when the repair must end NotRepaired for a reason the probe cannot see (a reverting domain policy, a VM that
   * did not come back).
   */
  overrideOutcome: Outcome | null;
  /** Checks that could not run (e.g. the re-diagnosis after Group Policy was given back). */
  caveats: Caveat[];
}

interface Target {
  address: string | null;
}

function* runFix(
  flow: Flow,
  vm: VmFacts,
  step: FixStep,
  state: { previousGpsvcStart: number | null; newPort: number | null },
): Gen<PhaseResult<boolean>> {
  switch (step.script) {
    case 'fix-port-conflict': {
      const called = yield* guestScriptStep(flow, vm.id, 'fix-port-conflict', step.params, step.reason);
      if (called.kind === 'end') return called;
      const run = called.facts;
      if (!run.ok) return proceed(false);
      if (run.result.newPort !== null) state.newPort = run.result.newPort;
      return proceed(run.result.ok);
    }
    case 'renew-certificate': {
      const called = yield* guestScriptStep(flow, vm.id, 'renew-certificate', step.params, step.reason);
      if (called.kind === 'end') return called;
      return proceed(called.facts.ok && called.facts.result.ok);
    }
    case 'enable-tls': {
      const called = yield* guestScriptStep(flow, vm.id, 'enable-tls', step.params, step.reason);
      if (called.kind === 'end') return called;
      const run = called.facts;
      if (run.ok && state.previousGpsvcStart === null) state.previousGpsvcStart = run.result.previousGpsvcStart;
      return proceed(run.ok && run.result.ok);
    }
  }
}

function* openMovedPort(
  flow: Flow,
  network: Pick<NetworkFacts, 'nsgs'>,
  oldPort: number,
  newPort: number,
): Gen<PhaseResult<OpenPortRuleInput[]>> {
  const { openings, problems } = planPortOpenings(network.nsgs, oldPort, newPort, flow.repairId);
  for (const problem of problems)
    flow.find({ code: 'NsgPortNotOpened', severity: 'error', message: problem, advice: `Add an inbound rule for TCP ${newPort} by hand.` });
  for (const opening of openings) {
    const input: OpenPortRuleInput = opening;
    flow.begin(
      'openNsgPort',
      `${opening.ruleName} (priority ${opening.priority}) admits ${opening.sourcePrefixes.join(', ')} on TCP ${newPort}`,
    );
    const called = yield* flow.call('openNsgPort', input, 'openNsgPort');
    if (called.kind === 'end') return called;
    const result: OpenPortRuleResult = called.facts;
    flow.wrote({
      kind: 'nsgRule',
      resourceId: result.ruleId,
      what: `created inbound rule ${opening.ruleName} for TCP ${newPort}`,
      undo: `delete the rule ${opening.ruleName} once RDP is back on port ${oldPort}`,
    });
    flow.status.changes.push({
      resourceId: result.ruleId,
      property: 'securityRule',
      before: null,
      after: { port: newPort, sources: opening.sourcePrefixes, priority: opening.priority },
      at: flow.now(),
      reason: `RDP moved from port ${oldPort} to ${newPort}`,
    });
    flow.end('openNsgPort', result.wrote ? 'created' : 'already there: nothing written');
  }
  return proceed(openings);
}

export function* onlineRepairStep(
  flow: Flow,
  vm: VmFacts,
  plan: OnlinePlan,
  port: number,
  target: Target,
  networkAfterRestrictions: Pick<NetworkFacts, 'nsgs'>,
): Gen<PhaseResult<OnlineRepairResult>> {
  const state = { previousGpsvcStart: null as number | null, newPort: null as number | null };
  const openedRules: OpenPortRuleInput[] = [];
  let verify: RdpProbeResult | null = null;
  const caveats: Caveat[] = [];
  // The boot time the diagnosis read is the "before" of the first restart, and the one read after a restart the
  // "before" of the next (article order): no boot-time run before a restart unless neither could be read.
  let bootTime: string | null = plan.bootTimeAtDiagnosis;
  // The restart probes RDP from the moment the VM runs; its verdict probe is the verification after it.
  const restartProbe = () => (target.address ? { address: target.address, port } : null);
  const probe = function* (why: string): Gen<PhaseResult<RdpProbeResult | null>> {
    if (!target.address) return proceed(null);
    const probed = yield* probeStep(flow, 'Verify', target.address, port, why);
    if (probed.kind === 'end') return probed;
    verify = probed.facts;
    return proceed(verify);
  };

  const noRestart = plan.steps.filter((s) => !s.needsVmRestart);
  const withRestart = plan.steps.filter((s) => s.needsVmRestart);
  // The port fix first: it frees the port without a reboot and sets the holder to Disabled (its old start type
  // recorded), so the holder cannot take the port back during the restart the certificate and TLS fixes share.
  let holderStoppedFound = false;
  const serviceFixes = function* (): Gen<PhaseResult<true>> {
    for (const step of noRestart) {
      const ran = yield* runFix(flow, vm, step, state);
      if (ran.kind === 'end') return ran;
      const fixed = ran.facts;
      if (step.script === 'fix-port-conflict' && fixed && state.newPort === null && !holderStoppedFound) {
        holderStoppedFound = true;
        flow.find({
          code: 'PortHolderStopped',
          severity: 'warning',
          message:
            `${step.params.ServiceName} was stopped to free port ${step.params.RdpPort} and set to Disabled, so it does not ` +
            `take the port again at the next boot (its previous start type is in the recorded changes).`,
          advice:
            `Give ${step.params.ServiceName} another port, then put its start type back to the recorded value ` +
            `(HKLM\\SYSTEM\\CurrentControlSet\\Services\\${step.params.ServiceName}\\Start; 2 is Automatic, 3 Manual) and ` +
            `start it.`,
        });
      }
      if (state.newPort !== null && state.newPort !== port) {
        flow.find({
          code: 'RdpPortMoved',
          severity: 'warning',
          message:
            `The program holding port ${port} could not be stopped, so RDP now listens on port ${state.newPort}. Connect ` +
            `with mstsc /v:<address>:${state.newPort}.`,
          advice: `Find out why that program holds port ${port}; once it is gone you can set PortNumber back to ${port}.`,
        });
        const opened = yield* openMovedPort(flow, networkAfterRestrictions, port, state.newPort);
        if (opened.kind === 'end') return opened;
        openedRules.push(...opened.facts);
        port = state.newPort;
      }
    }
    return proceed(true);
  };
  const servicesFixed = yield* serviceFixes();
  if (servicesFixed.kind === 'end') return servicesFixed;
  let restartedForFixes = false;
  if (withRestart.length > 0) {
    let changed = false;
    for (const step of withRestart) {
      const fixed = yield* runFix(flow, vm, step, state);
      if (fixed.kind === 'end') return fixed;
      changed = fixed.facts || changed;
    }
    if (changed) {
      const restarted = yield* restartStep(flow, vm.id, `one restart for: ${withRestart.map((s) => s.script).join(', ')}`, {
        knownBootTime: bootTime,
        probe: restartProbe(),
      });
      if (restarted.kind === 'end') return restarted;
      verify = restarted.facts.verify ?? verify;
      if (!restarted.facts.ok)
        return proceed({ port, verify, openedRules, overrideOutcome: restartOutcome(flow, restarted.facts), caveats });
      if (restarted.facts.caveat) caveats.push(restarted.facts.caveat);
      bootTime = restarted.facts.bootTime;
      restartedForFixes = true;
    }
  }
  if (plan.steps.length > 0) {
    // After the restart its own verdict probe stands; a probe now would only repeat it.
    if (!restartedForFixes || verify === null) {
      const probed = yield* probe(withRestart.length > 0 ? 'after the fixes and the restart' : 'after the service fixes');
      if (probed.kind === 'end') return probed;
    }
    // A holder whose start type could not be changed (or that something else starts) takes the port back at boot:
    // the port fix needs no restart, so it runs once more rather than leaving RDP blocked.
    const reheld = (verify as RdpProbeResult | null)?.error === 'NOT_RDP';
    if (restartedForFixes && noRestart.length > 0 && reheld) {
      const again = yield* serviceFixes();
      if (again.kind === 'end') return again;
      const reprobed = yield* probe('after freeing the port again (its holder took it back during the restart)');
      if (reprobed.kind === 'end') return reprobed;
    }
  }

  if (plan.steps.length === 0 && !plan.explained) {
    // Diagnosis saw nothing wrong, yet RDP fails: the article's order, one step at a time.
    for (const step of articleOrderSteps({ allowLegacyTls: flow.request.allowLegacyTls })) {
      const changed = yield* runFix(flow, vm, step, state);
      if (changed.kind === 'end') return changed;
      if (!changed.facts) continue;
      const restarted = yield* restartStep(flow, vm.id, `after ${step.script} (article order)`, {
        knownBootTime: bootTime,
        probe: restartProbe(),
      });
      if (restarted.kind === 'end') return restarted;
      verify = restarted.facts.verify ?? verify;
      if (!restarted.facts.ok)
        return proceed({ port, verify, openedRules, overrideOutcome: restartOutcome(flow, restarted.facts), caveats });
      if (restarted.facts.caveat) caveats.push(restarted.facts.caveat);
      bootTime = restarted.facts.bootTime;
      let after = restarted.facts.verify;
      if (after === null) {
        const result = yield* probe(`after ${step.script}`);
        if (result.kind === 'end') return result;
        after = result.facts;
      }
      // Inconclusive is no evidence that this step failed: the next blind change would have no reason.
      if (after?.verdict === 'healthy' || after?.verdict === 'inconclusive') break;
    }
  }

  let override: Outcome | null = null;
  const verified = verify as RdpProbeResult | null;
  if (state.previousGpsvcStart !== null && verified?.verdict === 'healthy') {
    const restored = yield* restoreGroupPolicy(flow, vm, state.previousGpsvcStart, caveats);
    if (restored.kind === 'end') return restored;
    override = restored.facts;
  }
  return proceed({ port, verify: verified, openedRules, overrideOutcome: override, caveats });
}

/**
 * Gives Group Policy back and diagnoses again. When either cannot run, the check for a domain policy that turns
 * TLS off again did not happen: that is a caveat on the outcome, never a silent success.
 */
function* restoreGroupPolicy(flow: Flow, vm: VmFacts, previousStart: number, caveats: Caveat[]): Gen<PhaseResult<Outcome | null>> {
  const called = yield* guestScriptStep(
    flow,
    vm.id,
    'restore-group-policy',
    { PreviousStart: previousStart },
    'RDP works: give Group Policy back and let it run once',
  );
  if (called.kind === 'end') return called;
  const restore = called.facts;
  if (!restore.ok || !restore.result.ok) {
    const why = restore.ok ? restore.result.message : restore.detail;
    flow.find({
      code: 'GroupPolicyResumesAtNextBoot',
      severity: 'warning',
      message: `Group Policy (gpsvc) is set back to start type ${previousStart} but could not run now (${why}); it runs at the next boot.`,
      advice: 'After the next restart, check TLS 1.2 Server (Enabled=1, DisabledByDefault=0): a domain policy could turn it off again.',
    });
    caveats.push({
      check: 'domainPolicyRecheck',
      reason: `Group Policy could not run after the repair (${why}), so whether a domain policy turns TLS 1.2 off again was not checked.`,
    });
    return proceed(null);
  }
  const rediagnosed = yield* guestScriptStep(flow, vm.id, 'diagnose', {}, 'check that Group Policy did not turn TLS 1.2 off again');
  if (rediagnosed.kind === 'end') return rediagnosed;
  const again = rediagnosed.facts;
  if (!again.ok) {
    caveats.push({
      check: 'domainPolicyRecheck',
      reason:
        `The diagnosis after Group Policy ran failed (${again.failure}: ${again.detail}), so whether a domain policy turns ` +
        `TLS 1.2 off again was not checked.`,
    });
    return proceed(null);
  }
  const reverted = tlsRevertedFinding(again.result as DiagnoseResult);
  if (!reverted) return proceed(null);
  flow.find(reverted);
  return proceed({
    kind: 'NotRepaired',
    reason: `RDP worked after the repair, but Group Policy turned TLS 1.2 Server off again as soon as it ran: ${reverted.message}`,
    advice: [reverted.advice ?? '', 'Until the policy is changed, every restart brings the "internal error" back.'].filter(Boolean),
  });
}

function restartOutcome(flow: Flow, failed: Extract<RestartResult, { ok: false }>): Outcome {
  if (failed.why === 'noReboot') {
    return {
      kind: 'NotRepaired',
      reason:
        `Azure accepted the restart twice, but Windows did not reboot (LastBootUpTime stayed ${failed.bootTime}), so the ` +
        `fixes that need a restart have not taken effect.`,
      advice: [
        'Restart the VM from the portal and check that it reboots (the activity log shows the restart operations). The ' +
          'OS disk snapshot taken before any change is kept for a restore.',
      ],
    };
  }
  return {
    kind: 'NotRepaired',
    reason:
      `The VM did not come back (running with RDP answering or its agent Ready) within ${flow.settings.restartTimeoutMinutes} ` +
      'minutes of the restart.',
    advice: ['Check boot diagnostics in the portal. The OS disk snapshot taken before any change is kept for a restore.'],
  };
}
