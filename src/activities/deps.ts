/**
 * What activities need from the outside world, passed in by the composition root so the same activity code runs
 * against Azure in production and against the simulator in tests and the demo.
 */
import { type ArmClients, createProductionArmClients } from '../azure/clients';
import type { RdpProbeResult } from '../domain/rdpProbe';
import { probeRdp, type ProbeOptions } from '../rdp/probe';
import type { BlobFetcher } from './serialLogTail';

export interface ActivityDeps {
  arm: ArmClients;
  probe(options: ProbeOptions): Promise<RdpProbeResult>;
  /** Where the probe dials for a VM address. Identity in production; the simulator maps VM addresses to loopback listeners. */
  dialTarget(address: string, port: number): Promise<{ host: string; port: number }>;
  /** Wall clock for certificate validity; the simulator passes its virtual clock. */
  now(): Date;
  /** HTTP GET of a blob through its SAS URL (the serial log of boot diagnostics); the simulator serves its own blobs. */
  blobFetch: BlobFetcher;
}

/**
 * The production dependencies. The ARM clients are built on first use: a managed identity is asked for a token
 * only when an activity actually calls ARM, and a worker that runs no activity never builds them.
 */
export function productionActivityDeps(): ActivityDeps {
  let arm: ArmClients | undefined;
  return {
    get arm() {
      arm ??= createProductionArmClients();
      return arm;
    },
    probe: probeRdp,
    dialTarget: async (address, port) => ({ host: address, port }),
    now: () => new Date(),
    blobFetch: (url, init) => fetch(url, init),
  };
}
