/**
 * SIMULATED (bench only): what a baseline run reports, and the facts a baseline takes from the scenario's request
 * (the VM, the operator's addresses, whether an offline repair is allowed and on which rescue VM).
 */
import type { SimulatedRepairApp } from '../simulatedRepairApp';
import type { DriverCounts } from './armDriver';

export interface BaselineRequest {
  vmResourceId: string;
  allowedSourceCidrs?: string[];
  offline?: string;
  rescueVmResourceId?: string;
}

export interface BaselineRun {
  /** healthy: the last probe said so; broken: the procedure ran out of steps; failed: a step could not be taken. */
  outcome: 'healthy' | 'broken' | 'failed' | 'not-started';
  steps: string[];
  counts: DriverCounts;
  startedAtMs: number;
}

export function baselineRequest(body: Record<string, unknown>): BaselineRequest {
  const text = (key: string): string | undefined => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const cidrs = Array.isArray(body.allowedSourceCidrs) ? body.allowedSourceCidrs.filter((c): c is string => typeof c === 'string') : [];
  const offline = text('offline');
  const rescue = text('rescueVmResourceId');
  return {
    vmResourceId: text('vmResourceId') ?? '',
    ...(cidrs.length > 0 ? { allowedSourceCidrs: cidrs } : {}),
    ...(offline !== undefined ? { offline } : {}),
    ...(rescue !== undefined ? { rescueVmResourceId: rescue } : {}),
  };
}

/** The VM's public address, which the operator following a procedure knows (it is where RDP fails). */
export function vmPublicAddress(app: SimulatedRepairApp, vmId: string): string | undefined {
  const vm = app.arm.world.vms().find((v) => v.id.toLowerCase() === vmId.toLowerCase());
  const nicId = vm?.nicIds[0];
  const nic = nicId ? app.arm.world.nic(nicId) : undefined;
  return nic?.publicIpId ? app.arm.world.publicIp(nic.publicIpId).ipAddress : undefined;
}
