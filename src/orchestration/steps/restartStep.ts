/**
 * Restart the VM and prove that Windows rebooted. Running with the agent Ready is also what a VM shows when the
 * restart never happened (its operation failed early, or the platform dropped it), so the guest's own
 * LastBootUpTime is read through Run Command before and after: unchanged means no reboot, a finding of its own.
 * Then the restart is asked for once more; if Windows still did not reboot, the step says so and the repair ends
 * honestly. Each wait is a durable timer bounded by RESTART_TIMEOUT_MINUTES: never a hang.
 */
import type { Caveat, Finding } from '../../domain/repairStatus';
import type { VmPowerReading } from '../../domain/vmFacts';
import { rebootVerdict } from '../decisions/reboot';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { approvalStep } from './approvalStep';
import { guestScriptStep } from './guestScriptStep';

export type RestartResult =
  | { ok: true; reading: VmPowerReading | null; bootTime: string | null; caveat: Caveat | null }
  | { ok: false; why: 'timedOut' | 'noReboot'; reading: VmPowerReading | null; bootTime: string | null };

/** How many times one restart is asked for when Windows did not reboot. */
const RESTART_ATTEMPTS = 2;

/**
 * `knownBootTime`: the boot time read after an earlier restart of this repair, which saves reading it again.
 */
export function* restartStep(flow: Flow, vmId: string, why: string, knownBootTime: string | null = null): Gen<PhaseResult<RestartResult>> {
  let before = knownBootTime;
  let beforeProblem: string | null = null;
  if (before === null) {
    const read = yield* readBootTime(flow, vmId, 'boot time before the restart, to prove the reboot afterwards');
    if (read.kind === 'end') return read;
    before = read.facts.bootTime;
    beforeProblem = read.facts.problem;
  }
  let reading: VmPowerReading | null = null;
  for (let attempt = 1; attempt <= RESTART_ATTEMPTS; attempt += 1) {
    const approved = yield* approvalStep(flow, 'restartVm', [
      { resourceId: vmId, property: 'restart', before: null, after: `restart ${attempt} of at most ${RESTART_ATTEMPTS}`, reason: why },
    ]);
    if (approved.kind === 'end') return approved;
    flow.begin('restartVm', attempt === 1 ? why : `${why}: again, Windows did not reboot the first time`);
    const restarted = yield* flow.call('restartVm', { vmId, decidedAt: flow.now() }, 'restartVm');
    if (restarted.kind === 'end') return restarted;
    flow.status.restarts += 1;
    const back = yield* waitUntilBack(flow, vmId, why);
    if (back.kind === 'end') return back;
    reading = back.facts.reading;
    if (!back.facts.ok) return proceed({ ok: false, why: 'timedOut', reading, bootTime: before });
    flow.end('restartVm', 'running, VM agent Ready');

    const read = yield* readBootTime(flow, vmId, 'boot time after the restart: did Windows reboot?');
    if (read.kind === 'end') return read;
    const after = read.facts.bootTime;
    const verdict = rebootVerdict(before, after);
    if (verdict === 'rebooted') return proceed({ ok: true, reading, bootTime: after, caveat: null });
    if (verdict === 'unknown') {
      const problem = [beforeProblem && `before: ${beforeProblem}`, read.facts.problem && `after: ${read.facts.problem}`]
        .filter(Boolean)
        .join('; ');
      return proceed({
        ok: true,
        reading,
        bootTime: after,
        caveat: {
          check: 'rebootConfirmed',
          reason:
            `The VM came back running with its agent Ready, but whether Windows rebooted could not be proven: its boot ` +
            `time could not be read (${problem}).`,
        },
      });
    }
    flow.find(noRebootFinding(attempt, after, attempt < RESTART_ATTEMPTS));
  }
  return proceed({ ok: false, why: 'noReboot', reading, bootTime: before });
}

function* waitUntilBack(flow: Flow, vmId: string, why: string): Gen<PhaseResult<{ ok: boolean; reading: VmPowerReading | null }>> {
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  let reading: VmPowerReading | null = null;
  while (flow.nowMs() < deadline) {
    yield flow.wait(flow.settings.powerPollSeconds);
    const read = yield* flow.call('readVmPower', { vmId }, 'restartVm');
    if (read.kind === 'end') return read;
    reading = read.facts;
    if (reading.powerState === 'running' && reading.agentStatus === 'Ready') return proceed({ ok: true, reading });
    flow.progress(`${why}: ${reading.powerState}, VM agent ${reading.agentStatus}`);
  }
  flow.find({
    code: 'RestartTimedOut',
    severity: 'error',
    message:
      `After the restart the VM was not running with its agent Ready within ${flow.settings.restartTimeoutMinutes} minutes ` +
      `(last seen: ${reading ? `${reading.powerState}, agent ${reading.agentStatus}` : 'unknown'}).`,
    advice:
      'Look at boot diagnostics (screenshot, serial log) in the portal; if Windows does not boot, the offline repair or ' +
      'a restore from the snapshot is next.',
  });
  flow.end('restartVm', `not back within ${flow.settings.restartTimeoutMinutes} minutes`, 'failed');
  return proceed({ ok: false, reading });
}

/** LastBootUpTime through the read-only boot-time script; a run that fails is a problem in words, not the end. */
function* readBootTime(flow: Flow, vmId: string, why: string): Gen<PhaseResult<{ bootTime: string | null; problem: string | null }>> {
  const run = yield* guestScriptStep(flow, vmId, 'boot-time', {}, why);
  if (run.kind === 'end') return run;
  if (!run.facts.ok) return proceed({ bootTime: null, problem: `${run.facts.failure}: ${run.facts.detail}` });
  return proceed({ bootTime: run.facts.result.lastBootUpTime, problem: null });
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
