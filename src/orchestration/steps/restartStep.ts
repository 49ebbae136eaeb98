/**
 * Restart the VM once and wait, with durable timers, until it runs and its agent is Ready again. Bounded by
 * RESTART_TIMEOUT_MINUTES: a VM that does not come back is a finding and an outcome, never a hang.
 */
import { VmPowerReading } from '../../domain/vmFacts';
import { Flow, Gen, PhaseResult, proceed } from '../flow';

export function* restartStep(flow: Flow, vmId: string, why: string): Gen<PhaseResult<{ ok: boolean; reading: VmPowerReading | null }>> {
  flow.begin('restartVm', why);
  const restarted = yield* flow.call('restartVm', { vmId, decidedAt: flow.now() }, 'restartVm');
  if (restarted.kind === 'end') return restarted;
  flow.status.restarts += 1;
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  let reading: VmPowerReading | null = null;
  while (flow.nowMs() < deadline) {
    yield flow.wait(flow.settings.powerPollSeconds);
    const read = yield* flow.call('readVmPower', { vmId }, 'restartVm');
    if (read.kind === 'end') return read;
    reading = read.facts;
    if (reading.powerState === 'running' && reading.agentStatus === 'Ready') {
      flow.end('restartVm', 'running, VM agent Ready');
      return proceed({ ok: true, reading });
    }
    flow.progress(`${why}: ${reading.powerState}, VM agent ${reading.agentStatus}`);
  }
  flow.find({
    code: 'RestartTimedOut',
    severity: 'error',
    message: `After the restart the VM was not running with its agent Ready within ${flow.settings.restartTimeoutMinutes} minutes (last seen: ${reading ? `${reading.powerState}, agent ${reading.agentStatus}` : 'unknown'}).`,
    advice: 'Look at boot diagnostics (screenshot, serial log) in the portal; if Windows does not boot, the offline repair or a restore from the snapshot is next.',
  });
  flow.end('restartVm', `not back within ${flow.settings.restartTimeoutMinutes} minutes`, 'failed');
  return proceed({ ok: false, reading });
}
