/**
 * SIMULATED: what a VM's RDP endpoint does, given the simulated Azure state and the guest's fault. Pure.
 */
import type { EndpointBehaviour } from './rdpEndpoint';
import type { GuestFault } from './scenarios/scenario';

export interface EndpointFacts {
  running: boolean;
  /** Whether the NSGs let this app's probe through (the simulated network's own decision, nsgPacketFilter). */
  probeAdmitted: boolean;
  /** Whether sources from all over the Internet get through (nsgPacketFilter.openToWorld). */
  openToWorld: boolean;
  guestFault: GuestFault;
  /** What the guest itself does on this port (from the simulated Windows guest). */
  guest: EndpointBehaviour;
}

export function endpointBehaviourFor(facts: EndpointFacts): EndpointBehaviour {
  // A stopped VM and a dropping NSG look the same from outside: nothing answers the SYN.
  if (!facts.running || !facts.probeAdmitted) return 'silent';
  if (facts.guestFault === 'overwhelmed-while-open-to-world' && facts.openToWorld && facts.guest === 'healthy')
    return 'reset-after-client-hello';
  return facts.guest;
}
