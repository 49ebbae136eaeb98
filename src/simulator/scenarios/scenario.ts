/**
 * SIMULATED: a named broken (or healthy) VM, shared by the end-to-end tests, `npm run demo` and the benchmark.
 * A scenario seeds the simulated ARM, says how the simulated guest misbehaves, and what outcome a correct
 * repair reaches.
 */
import type { OutcomeKind } from '../../domain/repairStatus';
import type { ResourceGroupRef, World } from '../arm';
import type { WindowsGuestSpec } from '../guest';

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
}

export interface Scenario {
  name: string;
  title: string;
  /** What an operator would see, and why. */
  story: string;
  expectedOutcome: OutcomeKind;
  seed(world: World, resourceGroup: ResourceGroupRef): SeededVm;
  /** The POST /api/repairs body for the seeded VM. */
  request(vmId: string): Record<string, unknown>;
}
