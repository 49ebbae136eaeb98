/**
 * SIMULATED (bench only): the critical path of each repairable scenario: the operations a perfect oracle, which
 * knows the fault without looking, still has to make, summed from the latency model. A snapshot before the first
 * online write (the project's rule and the article's step 0), the fix scripts, a restart when the fix needs one,
 * the probe that verifies (0 s: a loopback handshake), and the wait for Windows to boot after a restart or a
 * start (PowerState running is not yet a listening RDP port: rdpListeningAfterBoot). A fix script costs what the
 * simulated guest charges for it (Run Command's time plus the script's own work): the oracle runs the same fix,
 * so that work is unavoidable too. An offline repair needs no snapshot (the original disk is kept) but does need
 * the deallocation, the copy, attach, the script, detach, swap and start (and a rescue VM when none is
 * configured). No diagnosis, no
 * polling slack, no cleanup: nothing can be faster. Scenarios that cannot end healthy have no critical path.
 *
 * The operations per scenario are facts about its fault (the scenario's story in catalog.ts), written here by
 * hand, never taken from the product's plan.
 */
import type { GuestScriptName } from '../../domain/guestScriptContracts';
import { SCRIPT_MODELS } from '../guest/scriptModels';
import { LATENCY_MODEL, type LatencyModel, type LatencyOperation } from '../latencyModel';

/** A fix script: Run Command's own time plus the work the simulated guest does in it (a service restart, ...). */
type ScriptOperation = `script:${Extract<GuestScriptName, 'fix-port-conflict' | 'renew-certificate' | 'enable-tls' | 'offline-repair'>}`;

export type OracleOperation =
  | 'snapshot'
  | 'nsg-rule'
  | ScriptOperation
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

const FIGURE: Record<Exclude<OracleOperation, 'probe' | ScriptOperation>, LatencyOperation> = {
  snapshot: 'snapshotCreate',
  'nsg-rule': 'nsgRuleWrite',
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

const CERTIFICATE: OracleOperation[] = ['snapshot', 'script:renew-certificate', 'restart', 'guest-boot', 'probe'];
const OFFLINE: OracleOperation[] = [
  'deallocate',
  'disk-copy',
  'attach',
  'script:offline-repair',
  'detach',
  'swap',
  'start',
  'guest-boot',
  'probe',
];

export const ORACLE_OPERATIONS: Readonly<Record<string, readonly OracleOperation[]>> = {
  'nsg-open-to-world': ['snapshot', 'nsg-rule', 'probe'],
  'port-conflict': ['snapshot', 'script:fix-port-conflict', 'probe'],
  // RDP moves to another port, which the NSG must then admit.
  'port-conflict-unstoppable': ['snapshot', 'script:fix-port-conflict', 'nsg-rule', 'probe'],
  'corrupt-certificate': CERTIFICATE,
  'machinekeys-acl': CERTIFICATE,
  'pinned-cert-expired': CERTIFICATE,
  'corrupt-key-container': CERTIFICATE,
  'unknown-cause': CERTIFICATE,
  'tls-disabled': ['snapshot', 'script:enable-tls', 'restart', 'guest-boot', 'probe'],
  // The port holder is an automatic service: freed and disabled before the one restart certificate and TLS share.
  'multiple-faults': [
    'snapshot',
    'script:fix-port-conflict',
    'script:renew-certificate',
    'script:enable-tls',
    'restart',
    'guest-boot',
    'probe',
  ],
  // No rescue VM is configured: one has to be made before the copy can be repaired on it.
  'agent-down': ['rescue-vm-create', ...OFFLINE],
  // No serial console is configured, so the offline repair is the only way in.
  'agent-stopped-no-sac': OFFLINE,
  // The SAC login and the agent's start cost no virtual time in the simulator; then the TLS fix and its restart.
  'agent-stopped-sac': ['snapshot', 'script:enable-tls', 'restart', 'guest-boot', 'probe'],
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
  return { operations, ms: operations.reduce((sum, op) => sum + operationMs(op, model), 0) };
}

function operationMs(op: OracleOperation, model: LatencyModel): number {
  if (op === 'probe') return 0;
  if (op.startsWith('script:')) return model.runCommand.ms + SCRIPT_MODELS[op.slice('script:'.length) as GuestScriptName].workMs;
  return model[FIGURE[op as keyof typeof FIGURE]].ms;
}
