/** Which address the probe dials, and what to say when there is none (pure). */
import type { ProbeAddressKind } from '../../domain/config';
import type { NetworkFacts } from '../../domain/vmFacts';

export type ProbeTarget = { ok: true; address: string; kind: ProbeAddressKind } | { ok: false; reason: string };

export function chooseProbeTarget(network: NetworkFacts, kind: ProbeAddressKind): ProbeTarget {
  if (kind === 'public') {
    if (network.publicAddress) return { ok: true, address: network.publicAddress, kind };
    return {
      ok: false,
      reason:
        'The VM has no public IP address, so the probe cannot reach it from the Internet. If this app is integrated with ' +
        "the VM's virtual network, set RDP_PROBE_ADDRESS=private.",
    };
  }
  if (network.privateAddress) return { ok: true, address: network.privateAddress, kind };
  return { ok: false, reason: "The VM's primary NIC has no private IP address." };
}
