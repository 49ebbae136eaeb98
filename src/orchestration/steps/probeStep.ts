/** One RDP handshake probe, recorded in the status as the baseline or the latest verification. */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { ProbeInput } from '../../domain/vmFacts';
import { probeFinding } from '../findings';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { summarizeProbe } from '../statusModel';

export function* probeStep(
  flow: Flow,
  kind: 'Baseline' | 'Verify',
  address: string,
  port: number,
  why = '',
): Gen<PhaseResult<RdpProbeResult>> {
  const step = kind === 'Baseline' ? 'baselineProbe' : 'verifyProbe';
  flow.begin(step, `dialing ${address}:${port}${why ? ` (${why})` : ''}`);
  const input: ProbeInput = {
    address,
    port,
    timeoutMs: flow.settings.probeTimeoutMs,
    certificateWarningDays: flow.settings.certificateWarningDays,
  };
  const called = yield* flow.call('probeRdp', input, step);
  if (called.kind === 'end') return called;
  const result = called.facts;
  const summary = summarizeProbe(result, flow.now());
  if (kind === 'Baseline') flow.status.probes.baseline = summary;
  else flow.status.probes.verify = summary;
  flow.find(probeFinding(kind, result));
  flow.end(step, `${result.verdict}: ${result.reason}`);
  return proceed(result);
}
