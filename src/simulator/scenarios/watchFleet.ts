/**
 * SIMULATED: VMs for the watch's tests and demo: Windows, tagged `rdp-autorepair-watch=on`, RDP restricted to the
 * operators' range (which holds this app's address), healthy unless the test breaks the guest. Never registered
 * as a function.
 */
import type { SecurityRuleInput } from '../arm';
import { restrictedRdp } from './catalog';
import type { SimulatedWindowsGuest } from '../guest';
import type { Scenario } from './scenario';

/** RDP only from a range this app is not in: the watch cannot judge the VM from where it stands. */
const elsewhereRdp: SecurityRuleInput[] = [{ ...restrictedRdp[0]!, name: 'AllowRdpFromBastion', sourceAddressPrefix: '198.51.100.0/24' }];

export interface WatchedVmOptions {
  powerState?: 'running' | 'deallocated' | 'stopped';
  /** `elsewhere`: the NSG admits RDP only from a range without this app's address. */
  rdpFrom?: 'office' | 'elsewhere';
  /** False leaves the VM without the watch tag (it must not be watched). */
  tagged?: boolean;
}

export function watchedVm(name: string, options: WatchedVmOptions = {}): Scenario {
  return {
    name: `watched-${name}`,
    title: `Watched VM ${name}`,
    story: 'A VM that opted into the watch with the rdp-autorepair-watch=on tag.',
    expectedOutcome: 'AlreadyHealthy',
    seed: (world, rg) => ({
      vmId: world.addVmWithNetwork({
        osType: 'Windows',
        generation: 'V2',
        powerState: options.powerState ?? 'running',
        agentStatus: 'Ready',
        publicIp: true,
        resourceGroup: rg,
        name,
        nicNsgRules: options.rdpFrom === 'elsewhere' ? elsewhereRdp : restrictedRdp,
        ...(options.tagged === false ? {} : { tags: { 'rdp-autorepair-watch': 'on' } }),
      }).vm.id,
      guestFault: 'none',
    }),
    request: (vmId) => ({ vmResourceId: vmId }),
  };
}

/**
 * A hardening script turns TLS 1.2 off for servers (SCHANNEL Enabled=0, DisabledByDefault=1) and the VM reboots
 * on patch night: from then on RDP resets the TLS handshake, the "internal error" symptom.
 */
export function disableTlsAndReboot(guest: SimulatedWindowsGuest, nowMs: number): void {
  guest.setTlsServer('TLS 1.2', { enabled: 0, disabledByDefault: 1 });
  guest.shutdown(nowMs);
  guest.boot(nowMs);
}

/** Someone puts TLS 1.2 back by hand and reboots. */
export function enableTlsAndReboot(guest: SimulatedWindowsGuest, nowMs: number): void {
  guest.setTlsServer('TLS 1.2', { enabled: 1, disabledByDefault: 0 });
  guest.shutdown(nowMs);
  guest.boot(nowMs);
}
