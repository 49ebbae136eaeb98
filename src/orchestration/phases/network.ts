/**
 * Phase 2: read what decides inbound RDP (NIC and subnet NSGs, effective rules when running) and assess the
 * exposure of the RDP port. Reads only; `assessExposure` runs again when the guest reveals another port.
 */
import type { NetworkFacts, VmFacts } from '../../domain/vmFacts';
import { exposureFindings, Findings } from '../findings';
import { type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { assessRdpExposure, type RdpExposure, type WorldOpening } from '../decisions/nsgAssessment';

/**
 * `effectiveRules` false: the NSG resources only, and the networkCheck entry stays open until `refineNetwork`
 * reads the effective rules (decisions/onlineOrder.ts: while the first long wait of the repair runs).
 */
export function* networkPhase(flow: Flow, vm: VmFacts, effectiveRules = true): Gen<PhaseResult<NetworkFacts>> {
  flow.begin('networkCheck', 'reading NIC, subnet and NSG rules');
  const read = yield* readNetwork(flow, vm, effectiveRules);
  if (read.kind === 'continue' && !effectiveRules) flow.progress('NSG resources read; the effective rules follow alongside the first wait');
  return read;
}

/** The read again with the effective rules Azure applies; the caller assesses the exposure from it. */
export function refineNetwork(flow: Flow, vm: VmFacts): Gen<PhaseResult<NetworkFacts>> {
  return readNetwork(flow, vm, true);
}

function* readNetwork(flow: Flow, vm: VmFacts, effectiveRules: boolean): Gen<PhaseResult<NetworkFacts>> {
  const read = yield* flow.call('readVmNetwork', { vm, effectiveRules }, 'networkCheck');
  if (read.kind === 'end') return read;
  for (const note of read.facts.notes) flow.find(Findings.networkNote(note));
  return proceed(read.facts);
}

/** The exposure from what was read so far, with no finding and no timeline entry: for routing until refined. */
export function provisionalExposure(flow: Flow, network: NetworkFacts, port: number): RdpExposure {
  return assessRdpExposure(network, port, flow.settings.probeSourceCidrs);
}

/** Assesses exposure for a port and (re)closes the networkCheck entry with what it found. */
export function assessExposure(flow: Flow, network: NetworkFacts, port: number): RdpExposure {
  const exposure = assessRdpExposure(network, port, flow.settings.probeSourceCidrs);
  for (const finding of exposureFindings(exposure, flow.request.allowedSourceCidrs)) flow.find(finding);
  const source = network.fromEffectiveRules ? 'effective rules' : 'NSG resources';
  const levels = network.nsgs.map((n) => `${n.level} NSG ${n.nsgId.split('/').pop()}`).join(', ') || 'no NSG';
  const state = exposure.openToWorld
    ? `port ${port} OPEN to the Internet`
    : exposure.blockedFromInternet
      ? `port ${port} blocked from the Internet`
      : `port ${port} restricted`;
  const running = flow.status.timeline.some((t) => t.step === 'networkCheck' && t.status === 'running');
  if (running) flow.end('networkCheck', `${state} (${levels}; ${source})`);
  else flow.skip('networkCheck', `re-assessed for port ${port}: ${state}`);
  return exposure;
}

/** The world-open rules the repair will restrict: only when the caller said where RDP may come from. */
export function restrictionsFor(flow: Flow, exposure: RdpExposure): WorldOpening[] {
  return exposure.openToWorld && flow.request.allowedSourceCidrs.length > 0 ? exposure.worldOpenings : [];
}
