/** Activity: one RDP handshake probe (TCP -> X.224 -> TLS -> certificate). Never throws: a verdict is an answer. */
import type { RdpProbeResult } from '../domain/rdpProbe';
import type { ProbeInput } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';

export async function probeRdpActivity(input: ProbeInput, deps: ActivityDeps): Promise<{ ok: true; value: RdpProbeResult }> {
  const target = await deps.dialTarget(input.address, input.port);
  const result = await deps.probe({
    host: target.host,
    port: target.port,
    connectTimeoutMs: input.timeoutMs,
    confirmTimeoutMs: input.timeoutMs,
    tlsTimeoutMs: input.timeoutMs,
    expiryWarningDays: input.certificateWarningDays,
    now: deps.now,
  });
  // Report the VM's address, not the simulator's loopback mapping, so the status reads the same everywhere.
  return { ok: true, value: { ...result, host: input.address, port: input.port } };
}
