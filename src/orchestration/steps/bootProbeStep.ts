/**
 * RDP while a restarted or started VM boots. PowerState running says the platform started the VM, not that
 * Windows has booted: its RDP port may refuse (or drop) for a while. So RDP is probed on each power poll until a
 * probe is healthy, or the agent reports Ready and a probe made then is still not healthy: that one is the verdict,
 * since the guest has booted. A refused port before that is no verdict, so those probes show in the timeline and
 * the latest verification, but leave no finding; a run of them with the same result is one timeline entry that
 * counts them (a slow boot polled for minutes must not outgrow the 16 KB custom status). Bounded by the caller's
 * deadline (durable timers): never a hang.
 * Used after the restart (restartStep) and after the offline repair's start (offline/offlinePhase).
 */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { TimelineEntry } from '../../domain/repairStatus';
import type { VmPowerReading } from '../../domain/vmFacts';
import { probeFinding } from '../findings';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { probeStep } from './probeStep';

/** Where RDP is probed (the port the repair expects it on now). */
export interface ProbeTarget {
  address: string;
  port: number;
}

export interface BootProbe {
  /** The last probe: the verdict when `settled`, else the last one before the deadline (null: none was made). */
  verify: RdpProbeResult | null;
  reading: VmPowerReading | null;
  /** The agent reported Ready at the last poll. */
  agentReady: boolean;
  /** Healthy, or not healthy after the agent was Ready: what RDP does now is what it does. */
  settled: boolean;
}

/**
 * `first`: a reading the caller just made (the VM running), probed at once instead of reading again. `step` names
 * the step a failed power read ends (as in flow.call).
 */
export function* probeWhileBooting(
  flow: Flow,
  vmId: string,
  target: ProbeTarget,
  why: string,
  step: string,
  deadlineMs: number,
  first: VmPowerReading | null = null,
): Gen<PhaseResult<BootProbe>> {
  let reading = first;
  let verify: RdpProbeResult | null = null;
  let run: { entry: TimelineEntry; detail: string; count: number } | null = null;
  for (;;) {
    if (reading === null) {
      const read = yield* flow.call('readVmPower', { vmId }, step);
      if (read.kind === 'end') return read;
      reading = read.facts;
    }
    const agentReady = reading.powerState === 'running' && reading.agentStatus === 'Ready';
    if (reading.powerState === 'running') {
      const probed = yield* probeStep(flow, 'Verify', target.address, target.port, `${why}: VM agent ${reading.agentStatus}`, {
        finding: false,
      });
      if (probed.kind === 'end') return probed;
      verify = probed.facts;
      if (verify.verdict === 'healthy' || agentReady) {
        flow.find(probeFinding('Verify', verify));
        return proceed({ verify, reading, agentReady, settled: true });
      }
      run = foldRepeatedProbe(flow.status.timeline, run);
    }
    if (flow.nowMs() >= deadlineMs) {
      if (verify) flow.find(probeFinding('Verify', verify));
      return proceed({ verify, reading, agentReady, settled: false });
    }
    yield flow.wait(flow.settings.powerPollSeconds);
    reading = null;
  }
}

/** Folds the probe just recorded into the run before it when both said the same; returns the run it belongs to. */
function foldRepeatedProbe(
  timeline: TimelineEntry[],
  run: { entry: TimelineEntry; detail: string; count: number } | null,
): { entry: TimelineEntry; detail: string; count: number } | null {
  const latest = timeline.at(-1);
  if (latest?.step !== 'verifyProbe') return run;
  if (!run || run.entry !== timeline.at(-2) || run.detail !== latest.detail) return { entry: latest, detail: latest.detail, count: 1 };
  timeline.pop();
  run.count += 1;
  run.entry.endedAt = latest.endedAt;
  run.entry.detail = `${run.detail} (${run.count} probes while booting, the last at ${latest.startedAt})`;
  return run;
}
