/**
 * SIMULATED (bench only): the critical path of each repairable scenario: the operations a perfect oracle, which
 * knows the fault without looking, still has to make, summed from the latency model. A snapshot before the first
 * online write (the project's rule and the article's step 0), the fix scripts, a restart when the fix needs one,
 * the wait for Windows to boot after a restart or a start (PowerState running is not yet a listening RDP port:
 * rdpListeningAfterBoot), the probe that verifies (0 s: a loopback handshake). An offline repair needs no snapshot (the original disk is
 * kept) but does need the deallocation, the copy, attach, the script, detach, swap and start. No diagnosis, no
 * polling slack, no cleanup: nothing can be faster. Scenarios that cannot end healthy have no critical path.
 *
 * The operations per scenario are facts about its fault (the scenario's story in catalog.ts), written here by
 * hand, never taken from the product's plan.
 */
import { LATENCY_MODEL, type LatencyModel, type LatencyOperation } from '../latencyModel';

export type OracleOperation =
  | 'snapshot'
  | 'nsg-rule'
  | 'script'
  | 'restart'
  | 'agent-ready'
  | 'guest-boot'
  | 'rescue-vm-create'
  | 'deallocate'
  | 'disk-copy'
  | 'attach'
  | 'detach'
  | 'swap'
  | 'start'
  | 'probe';

const FIGURE: Record<Exclude<OracleOperation, 'probe'>, LatencyOperation> = {
  snapshot: 'snapshotCreate',
  'nsg-rule': 'nsgRuleWrite',
  script: 'runCommand',
  restart: 'vmRestart',
  'agent-ready': 'agentReadyAfterBoot',
  'guest-boot': 'rdpListeningAfterBoot',
  'rescue-vm-create': 'vmCreate',
  deallocate: 'vmDeallocate',
  'disk-copy': 'diskCopyFromSnapshot',
  attach: 'dataDiskAttachDetach',
  detach: 'dataDiskAttachDetach',
  swap: 'osDiskSwap',
  start: 'vmStart',
};

const CERTIFICATE: OracleOperation[] = ['snapshot', 'script', 'restart', 'guest-boot', 'probe'];
const OFFLINE: OracleOperation[] = ['deallocate', 'disk-copy', 'attach', 'script', 'detach', 'swap', 'start', 'guest-boot', 'probe'];

export const ORACLE_OPERATIONS: Readonly<Record<string, readonly OracleOperation[]>> = {
  'nsg-open-to-world': ['snapshot', 'nsg-rule', 'probe'],
  'port-conflict': ['snapshot', 'script', 'probe'],
  // RDP moves to another port, which the NSG must then admit.
  'port-conflict-unstoppable': ['snapshot', 'script', 'nsg-rule', 'probe'],
  'corrupt-certificate': CERTIFICATE,
  'machinekeys-acl': CERTIFICATE,
  'pinned-cert-expired': CERTIFICATE,
  'corrupt-key-container': CERTIFICATE,
  'unknown-cause': CERTIFICATE,
  'tls-disabled': ['snapshot', 'script', 'restart', 'guest-boot', 'probe'],
  // The port holder is an automatic service: freed and disabled before the one restart certificate and TLS share.
  'multiple-faults': ['snapshot', 'script', 'script', 'script', 'restart', 'guest-boot', 'probe'],
  // No rescue VM is configured: one has to be made before the copy can be repaired on it.
  'agent-down': ['rescue-vm-create', ...OFFLINE],
  'offline-only-gen1': OFFLINE,
  'offline-only-gen2': OFFLINE,
  'offline-with-rescue-vm': OFFLINE,
};

export interface CriticalPath {
  operations: readonly OracleOperation[];
  ms: number;
}

export function criticalPathOf(scenario: string, model: LatencyModel = LATENCY_MODEL): CriticalPath | null {
  const operations = ORACLE_OPERATIONS[scenario];
  if (!operations) return null;
  return { operations, ms: operations.reduce((sum, op) => sum + (op === 'probe' ? 0 : model[FIGURE[op]].ms), 0) };
}
