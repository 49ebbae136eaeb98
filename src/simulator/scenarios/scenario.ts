/**
 * SIMULATED: a named broken (or healthy) VM, shared by the end-to-end tests, `npm run demo` and the benchmark.
 * A scenario seeds the simulated ARM, says how the simulated guest misbehaves, and what outcome a correct
 * repair reaches.
 */
import type { OutcomeKind } from '../../domain/repairStatus';
import type { ResourceGroupRef, World } from '../arm';
import type { WindowsGuestSpec } from '../guest';
import type { SerialConsoleVmSpec } from '../serialConsole/simulatedSerialConsole';

/** What is wrong inside the simulated guest, as far as the RDP endpoint shows it. */
export type GuestFault =
  | 'none'
  /** Internet-wide RDP scanning exhausts the RDP service while the NSG admits the world (the article's cause 1). */
  | 'overwhelmed-while-open-to-world';

export interface SeededVm {
  vmId: string;
  guestFault: GuestFault;
  /** The simulated Windows guest inside the VM (a healthy one when omitted for a Windows VM). */
  guest?: WindowsGuestSpec;
  /** A rescue VM for the offline repair (rescueVmResourceId), with its own healthy guest. */
  rescueVm?: { vmId: string; guest?: WindowsGuestSpec };
  /** The VM's serial console (SAC and the agent's services) and the Key Vault secret holding its login. */
  serialConsole?: { console: SerialConsoleVmSpec; secret?: { name: string; value: string } };
}

export interface Scenario {
  name: string;
  title: string;
  /** What an operator would see, and why. */
  story: string;
  expectedOutcome: OutcomeKind;
  /** App settings the scenario needs beyond the simulation's defaults (e.g. the serial console's vault). */
  settings?: Record<string, string>;
  seed(world: World, resourceGroup: ResourceGroupRef): SeededVm;
  /** The POST /api/repairs body for the seeded VM. */
  request(vmId: string): Record<string, unknown>;
}
