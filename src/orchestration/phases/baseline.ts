/** Phase 3: choose where to dial and take the baseline probe (none when the VM has no address this app can use). */
import type { RdpProbeResult } from '../../domain/rdpProbe';
import type { NetworkFacts } from '../../domain/vmFacts';
import { Findings } from '../findings';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { chooseProbeTarget, type ProbeTarget } from '../decisions/probeTarget';
import { probeStep } from '../steps/probeStep';

export interface BaselineFacts {
  target: ProbeTarget;
  baseline: RdpProbeResult | null;
}

export function* baselinePhase(flow: Flow, network: NetworkFacts, port: number): Gen<PhaseResult<BaselineFacts>> {
  const target = chooseProbeTarget(network, flow.settings.probeAddress);
  if (!target.ok) {
    flow.skip('baselineProbe', target.reason);
    flow.find(Findings.noProbeAddress(target.reason));
    return proceed({ target, baseline: null });
  }
  const probed = yield* probeStep(flow, 'Baseline', target.address, port);
  if (probed.kind === 'end') return probed;
  return proceed({ target, baseline: probed.facts });
}
