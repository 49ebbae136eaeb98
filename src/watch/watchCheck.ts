/**
 * One VM's check in a round, reusing the repair's own reads and decisions: the power state first (a stopped or
 * deallocated VM is never probed), then its network (readVmNetwork), the address to dial (chooseProbeTarget) and
 * whether the NSGs admit this app's probe addresses (assessRdpExposure): a VM they do not admit is "not watchable
 * from here", never failed. Then the same RDP handshake probe the repair takes. Read-only.
 */
import type { ActivityDeps } from '../activities/deps';
import { probeRdpActivity } from '../activities/probeRdp';
import { readVmNetwork } from '../activities/readVmNetwork';
import { readVmPower } from '../activities/readVmPower';
import type { RepairSettings } from '../domain/config';
import type { VmFacts } from '../domain/vmFacts';
import { assessRdpExposure } from '../orchestration/decisions/nsgAssessment';
import { chooseProbeTarget } from '../orchestration/decisions/probeTarget';
import type { WatchObservation } from './watchState';

/** The port the watch dials; a VM whose RDP listens elsewhere is not watched by this version (README says so). */
export const WATCH_RDP_PORT = 3389;

export async function checkVm(vm: VmFacts, deps: ActivityDeps, settings: RepairSettings): Promise<WatchObservation> {
  const power = await readVmPower({ vmId: vm.id }, deps);
  if (!power.ok) return { kind: 'notWatchable', reason: `the power state could not be read: ${power.failure.message}` };
  if (power.value.powerState !== 'running') return { kind: 'notRunning', powerState: power.value.powerState };

  const network = await readVmNetwork({ vm: { ...vm, ...power.value } }, deps);
  if (!network.ok) return { kind: 'notWatchable', reason: `its network could not be read: ${network.failure.message}` };
  const target = chooseProbeTarget(network.value, settings.probeAddress);
  if (!target.ok) return { kind: 'notWatchable', reason: target.reason };
  const exposure = assessRdpExposure(network.value, WATCH_RDP_PORT, settings.probeSourceCidrs);
  if (exposure.probeAdmitted === 'deny') {
    return {
      kind: 'notWatchable',
      reason:
        `the NSG rules do not admit this app's probe addresses (${settings.probeSourceCidrs.join(', ')}) to port ` +
        `${WATCH_RDP_PORT}, so a failed probe would say nothing about RDP`,
    };
  }
  const probed = await probeRdpActivity(
    {
      address: target.address,
      port: WATCH_RDP_PORT,
      timeoutMs: settings.probeTimeoutMs,
      certificateWarningDays: settings.certificateWarningDays,
    },
    deps,
  );
  const r = probed.value;
  return { kind: 'probed', verdict: r.verdict, stage: r.stage, error: r.error, reason: r.reason, port: WATCH_RDP_PORT };
}
