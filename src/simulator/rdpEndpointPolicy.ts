/**
 * SIMULATED: what a VM's RDP endpoint does, given the simulated Azure state and the guest's fault. Pure.
 */
import type { EndpointBehaviour } from './rdpEndpoint';
import type { GuestFault } from './scenarios/scenario';
import type { LevelVerdict } from '../orchestration/nsgAssessment';

export interface EndpointFacts {
  running: boolean;
  /** Whether the NSGs let this app's probe through. */
  probeAdmitted: LevelVerdict;
  openToWorld: boolean;
  guestFault: GuestFault;
  /** What the guest itself does on this port (from the simulated Windows guest). */
  guest: EndpointBehaviour;
}

export function endpointBehaviourFor(facts: EndpointFacts): EndpointBehaviour {
  // A stopped VM and a dropping NSG look the same from outside: nothing answers the SYN.
  if (!facts.running || facts.probeAdmitted === 'deny') return 'silent';
  if (facts.guestFault === 'overwhelmed-while-open-to-world' && facts.openToWorld && facts.guest === 'healthy') return 'reset-after-client-hello';
  return facts.guest;
}
