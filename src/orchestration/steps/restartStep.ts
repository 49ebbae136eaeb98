/**
 * Restart the VM, verify RDP as soon as it answers, and prove that Windows rebooted.
 *
 * After the restart the VM is polled every POWER_POLL_SECONDS. Once it reports PowerState running, RDP is probed
 * on each poll (Windows is still booting: a refused port then is no verdict) until a probe is healthy, or the
 * agent reports Ready and a probe made after that is still not healthy: that one is the verdict, as the guest has
 * booted. RDP is thus verified the moment it works, not after the agent and a boot-time read.
 *
 * Running with the agent Ready (and even RDP answering) is also what a VM shows when the restart never happened
 * (its operation failed early, or the platform dropped it), so the guest's own LastBootUpTime is read through Run
 * Command afterwards and compared with the one from before (from the diagnosis or the previous restart; read now
 * only when neither has it): unchanged means no reboot.
 *  - RDP not healthy and no reboot: the restart is asked for once more; if Windows still did not reboot, the step
 *    says so and the repair ends honestly (the fixes that need a restart have not taken effect).
 *  - RDP healthy and no reboot: a warning and the caveat `rebootConfirmed`, but no second restart. RDP works, which
 *    is what the repair is for; another restart would cost downtime for nothing, and whether the changes survive the
 *    next boot is what the caveat says was not checked.
 *  - RDP healthy but the agent never Ready: the reboot cannot be proven (the boot time needs Run Command): the same
 *    caveat, no RestartTimedOut.
 * Each wait is a durable timer bounded by RESTART_TIMEOUT_MINUTES: never a hang.
 */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { Caveat, Finding } from '../../domain/repairStatus';
import type { VmPowerReading } from '../../domain/vmFacts';
import { rebootVerdict } from '../decisions/reboot';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { approvalStep } from './approvalStep';
import { type ProbeTarget, probeWhileBooting } from './bootProbeStep';
import { guestScriptStep } from './guestScriptStep';

/** Where RDP is probed after the restart (the port the repair expects it on now). */
export type RestartProbeTarget = ProbeTarget;

export interface RestartOptions {
  /**
   * The boot time before this restart, known already: from the diagnosis (the first restart) or read after an
   * earlier restart of this repair. Null: read through Run Command before restarting.
   */
  knownBootTime?: string | null;
  /** Where to probe RDP once the VM runs again; null: no probe (the caller has no usable address). */
  probe?: RestartProbeTarget | null;
}

export type RestartResult =
  | {
      ok: true;
      reading: VmPowerReading | null;
      bootTime: string | null;
      caveat: Caveat | null;
      /** The verdict probe made after the restart (null: no target); the caller need not probe again. */
      verify: RdpProbeResult | null;
    }
  | {
      ok: false;
      why: 'timedOut' | 'noReboot';
      reading: VmPowerReading | null;
      bootTime: string | null;
      verify: RdpProbeResult | null;
    };

/** How many times one restart is asked for when Windows did not reboot. */
const RESTART_ATTEMPTS = 2;

export function* restartStep(flow: Flow, vmId: string, why: string, options: RestartOptions = {}): Gen<PhaseResult<RestartResult>> {
  const target = options.probe ?? null;
  let before = options.knownBootTime ?? null;
  let beforeProblem: string | null = null;
  if (before === null) {
    const read = yield* readBootTime(flow, vmId, 'boot time before the restart, to prove the reboot afterwards');
    if (read.kind === 'end') return read;
    before = read.facts.bootTime;
    beforeProblem = read.facts.problem;
  }
  let reading: VmPowerReading | null = null;
  let verify: RdpProbeResult | null = null;
  for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt += 1) {
    const approved = yield* approvalStep(flow, 'restartVm', [
      { resourceId: vmId, property: 'restart', before: null, after: `restart ${attempt} of at most ${RESTART_ATTEMPTS}`, reason: why },
    ]);
    if (approved.kind === 'end') return approved;
    flow.begin('restartVm', attempt === 1 ? why : `${why}: again, Windows did not reboot the first time`);
    const restarted = yield* flow.call('restartVm', { vmId, decidedAt: flow.now() }, 'restartVm');
    if (restarted.kind === 'end') return restarted;
    flow.status.restarts += 1;
    const back = yield* waitUntilBack(flow, vmId, why, target);
    if (back.kind === 'end') return back;
    reading = back.facts.reading;
    verify = back.facts.verify;
    if (back.facts.state === 'timedOut') return proceed({ ok: false, why: 'timedOut', reading, bootTime: before, verify });
    const rdpWorks = verify?.verdict === 'healthy';
    if (back.facts.state === 'rdpOnly') {
      flow.find(agentNotReadyFinding(flow.settings.restartTimeoutMinutes, reading));
      // The boot time now is unknown: a later restart must read its own "before", not take the one from before this.
      return proceed(
        unproven(
          reading,
          null,
          verify,
          `RDP answers after the restart, but the VM agent was not Ready within ${flow.settings.restartTimeoutMinutes} minutes, ` +
            'so the boot time could not be read to prove that Windows rebooted.',
        ),
      );
    }

    const read = yield* readBootTime(flow, vmId, 'boot time after the restart: did Windows reboot?');
    if (read.kind === 'end') return read;
    const after = read.facts.bootTime;
    const verdict = rebootVerdict(before, after);
    if (verdict === 'rebooted') return proceed({ ok: true, reading, bootTime: after, caveat: null, verify });
    if (verdict === 'unknown') {
      const problem = [beforeProblem && `before: ${beforeProblem}`, read.facts.problem && `after: ${read.facts.problem}`]
        .filter(Boolean)
        .join('; ');
      return proceed(
        unproven(
          reading,
          after,
          verify,
          `The VM came back running with its agent Ready, but whether Windows rebooted could not be proven: its boot ` +
            `time could not be read (${problem}).`,
        ),
      );
    }
    if (rdpWorks) {
      // RDP works without the reboot: no second restart (downtime for nothing); the caveat says what was not proven.
      flow.find(noRebootButRdpWorksFinding(attempt, after));
      return proceed(
        unproven(
          reading,
          after,
          verify,
          `RDP answers, but Windows did not reboot after the restart (LastBootUpTime is still ${after}), so whether the ` +
            'changes hold after the next boot was not checked.',
        ),
      );
    }
    flow.find(noRebootFinding(attempt, after, attempt < RESTART_ATTEMPTS));
  }
  return proceed({ ok: false, why: 'noReboot', reading, bootTime: before, verify });
}

/** The VM is back and the repair goes on, but the reboot was not proven: the `rebootConfirmed` caveat says why. */
function unproven(
  reading: VmPowerReading | null,
  bootTime: string | null,
  verify: RdpProbeResult | null,
  reason: string,
): Extract<RestartResult, { ok: true }> {
  return { ok: true, reading, bootTime, verify, caveat: { check: 'rebootConfirmed', reason } };
}

type Back =
  /** Running with the agent Ready; `verify` is the verdict probe (null without a target). */
  | { state: 'ready'; reading: VmPowerReading; verify: RdpProbeResult | null }
  /** RDP answered healthy, but the agent did not report Ready in time. */
  | { state: 'rdpOnly'; reading: VmPowerReading | null; verify: RdpProbeResult }
  | { state: 'timedOut'; reading: VmPowerReading | null; verify: RdpProbeResult | null };

function* waitUntilBack(flow: Flow, vmId: string, why: string, target: RestartProbeTarget | null): Gen<PhaseResult<Back>> {
  const minutes = flow.settings.restartTimeoutMinutes;
  const deadline = flow.nowMs() + minutes * 60_000;
  let reading: VmPowerReading | null = null;
  // 1. Until the VM runs again. Running while the restart operation still runs (ProvisioningState/updating) and
  // before the VM was seen anything but running may be the boot from before the restart: a probe then would judge
  // the old boot (and a certificate fix that restarted TermService already answers), so it is not back yet.
  let leftRunning = false;
  const back = (r: VmPowerReading | null): boolean => r?.powerState === 'running' && (leftRunning || r.operationInProgress !== true);
  while (!back(reading) && flow.nowMs() < deadline) {
    yield flow.wait(flow.settings.powerPollSeconds);
    const read = yield* flow.call('readVmPower', { vmId }, 'restartVm');
    if (read.kind === 'end') return read;
    reading = read.facts;
    if (reading.powerState !== 'running') leftRunning = true;
    if (!back(reading))
      flow.progress(
        `${why}: ${reading.powerState}${reading.operationInProgress ? ' (restart in progress)' : ''}, VM agent ${reading.agentStatus}`,
      );
  }
  if (reading === null || !back(reading)) {
    flow.end('restartVm', `not running within ${minutes} minutes`, 'failed');
    return timedOut(flow, reading, null);
  }
  flow.end('restartVm', target ? 'running: RDP is probed on each poll while Windows boots' : 'running');
  // 2. RDP from the moment it runs, until it answers healthy or the agent is Ready (the verdict).
  let verify: RdpProbeResult | null = null;
  if (target) {
    const booted = yield* probeWhileBooting(flow, vmId, target, 'after the restart', 'restartVm', deadline, reading);
    if (booted.kind === 'end') return booted;
    verify = booted.facts.verify;
    reading = booted.facts.reading ?? reading;
    if (!booted.facts.settled) return timedOut(flow, reading, verify);
    if (booted.facts.agentReady) return proceed({ state: 'ready', reading, verify });
  }
  // 3. The agent, which the boot-time proof needs (Run Command).
  const rdpWorks = verify !== null && verify.verdict === 'healthy';
  if (rdpWorks) flow.begin('waitVmAgent', 'RDP answers; waiting for the VM agent to read the boot time, the proof of the reboot');
  while (reading.agentStatus !== 'Ready' && flow.nowMs() < deadline) {
    yield flow.wait(flow.settings.powerPollSeconds);
    const read = yield* flow.call('readVmPower', { vmId }, 'restartVm');
    if (read.kind === 'end') return read;
    reading = read.facts;
  }
  if (reading.agentStatus === 'Ready' && reading.powerState === 'running') {
    if (rdpWorks) flow.end('waitVmAgent', 'VM agent Ready');
    return proceed({ state: 'ready', reading, verify });
  }
  if (verify !== null && rdpWorks) {
    flow.end('waitVmAgent', `VM agent not Ready within ${minutes} minutes`, 'failed');
    return proceed({ state: 'rdpOnly', reading, verify });
  }
  return timedOut(flow, reading, verify);
}

function timedOut(flow: Flow, reading: VmPowerReading | null, verify: RdpProbeResult | null): PhaseResult<Back> {
  flow.find({
    code: 'RestartTimedOut',
    severity: 'error',
    message:
      `After the restart the VM was not running with its agent Ready within ${flow.settings.restartTimeoutMinutes} minutes ` +
      `(last seen: ${reading ? `${reading.powerState}, agent ${reading.agentStatus}` : 'unknown'})` +
      (verify ? `, and RDP did not answer healthy (last probe: ${verify.verdict}, ${verify.reason}).` : '.'),
    advice:
      'Look at boot diagnostics (screenshot, serial log) in the portal; if Windows does not boot, the offline repair or ' +
      'a restore from the snapshot is next.',
  });
  return proceed({ state: 'timedOut', reading, verify });
}

/** LastBootUpTime through the read-only boot-time script; a run that fails is a problem in words, not the end. */
function* readBootTime(flow: Flow, vmId: string, why: string): Gen<PhaseResult<{ bootTime: string | null; problem: string | null }>> {
  const run = yield* guestScriptStep(flow, vmId, 'boot-time', {}, why);
  if (run.kind === 'end') return run;
  if (!run.facts.ok) return proceed({ bootTime: null, problem: `${run.facts.failure}: ${run.facts.detail}` });
  return proceed({ bootTime: run.facts.result.lastBootUpTime, problem: null });
}

function agentNotReadyFinding(minutes: number, reading: VmPowerReading | null): Finding {
  return {
    code: 'AgentNotReadyAfterRestart',
    severity: 'warning',
    message:
      `RDP answers after the restart, but the VM agent was not Ready within ${minutes} minutes ` +
      `(last seen: ${reading ? `agent ${reading.agentStatus}` : 'unknown'}), so whether Windows rebooted was not proven.`,
    advice: 'Check the Windows Azure Guest Agent (WindowsAzureGuestAgent service) on the VM; Run Command and extensions need it.',
  };
}

function noRebootButRdpWorksFinding(attempt: number, bootTime: string | null): Finding {
  return {
    code: 'RestartNotObserved',
    severity: 'warning',
    message:
      `Azure accepted the restart (attempt ${attempt}) and RDP answers, but Windows did not reboot: LastBootUpTime is still ` +
      `${bootTime}. Not restarted again: RDP already works, and another restart would only cost downtime.`,
    advice:
      'At the next maintenance window, restart the VM and check that RDP still works; the activity log shows the restart ' + 'operations.',
  };
}

function noRebootFinding(attempt: number, bootTime: string | null, willRetry: boolean): Finding {
  return {
    code: willRetry ? 'RestartNotObserved' : 'RestartDidNotHappen',
    severity: willRetry ? 'warning' : 'error',
    message:
      `Azure accepted the restart (attempt ${attempt}) and the VM shows running with its agent Ready, but Windows did not ` +
      `reboot: LastBootUpTime is still ${bootTime}.${willRetry ? ' Asking once more.' : ''}`,
    advice: willRetry
      ? null
      : 'The changes that need a restart have not taken effect. Restart the VM from the portal (or Restart-AzVM) and check ' +
        'that its boot time changes; look at the activity log for the restart operations.',
  };
}
