/**
 * What activities need from the outside world, injected so the same activity code runs against Azure in
 * production and against the simulator in tests and the demo. Production deps are built lazily on first use
 * (a managed identity is only asked for a token when an activity actually calls ARM).
 */
import { ArmClients, createProductionArmClients } from '../azure/clients';
import { RdpProbeResult } from '../domain/rdpProbe';
import { probeRdp, ProbeOptions } from '../rdp/probe';

export interface ActivityDeps {
  arm: ArmClients;
  probe(options: ProbeOptions): Promise<RdpProbeResult>;
  /** Where the probe dials for a VM address. Identity in production; the simulator maps VM addresses to loopback listeners. */
  dialTarget(address: string, port: number): Promise<{ host: string; port: number }>;
  /** Wall clock for certificate validity; the simulator passes its virtual clock. */
  now(): Date;
}

let current: ActivityDeps | undefined;

export function getActivityDeps(): ActivityDeps {
  if (!current) {
    current = {
      arm: createProductionArmClients(),
      probe: probeRdp,
      dialTarget: async (address, port) => ({ host: address, port }),
      now: () => new Date(),
    };
  }
  return current;
}

/** Used by the simulator (tests, demo) only: replaces every outside dependency. */
export function setActivityDeps(deps: ActivityDeps | undefined): void {
  current = deps;
}
