/**
 * SIMULATED: what a VM's RDP endpoint does, given the simulated Azure state and the guest's fault. Pure.
 */
import type { EndpointBehaviour } from './rdpEndpoint';
import type { GuestFault } from './scenarios/scenario';

export interface EndpointFacts {
  running: boolean;
  /**
   * The VM is running but Windows has not booted yet (world.guestBooting): no listener is up. Modelled as refused
   * rather than silent: a boot whose network stack is up and TermService not yet started would answer RST, one
   * whose stack is not up yet would drop the SYN (unknown which, per instant); either way there is no RDP, and a
   * refusal keeps the tests fast (a silent port costs every probe its whole connect timeout).
   */
  booting: boolean;
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
  if (facts.booting) return 'refused';
  if (facts.guestFault === 'overwhelmed-while-open-to-world' && facts.openToWorld && facts.guest === 'healthy')
    return 'reset-after-client-hello';
  return facts.guest;
}
