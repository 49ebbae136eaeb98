/**
 * One RDP handshake probe, recorded in the status (and the timeline) as the baseline or the latest verification.
 * `finding: false` leaves the finding to the caller: the probes made while a restarted guest boots are no verdict.
 */
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
  options: { finding: boolean } = { finding: true },
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
  if (options.finding) flow.find(probeFinding(kind, result));
  flow.end(step, `${result.verdict}: ${result.reason}`);
  return proceed(result);
}
