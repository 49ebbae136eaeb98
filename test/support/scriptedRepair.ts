/**
 * The real repair orchestrator replayed by the durable host emulator against SCRIPTED activity results: each
 * routing decision tested without any simulated Azure. Assert on outcome kinds and on which activities were
 * called, not on status text, so tests survive a rewrite of the orchestrator's internals.
 */
import * as path from 'node:path';
import { readConfig, type RepairSettings } from '../../src/domain/config';
import type { RdpProbeResult } from '../../src/domain/rdpProbe';
import type { Outcome, OutcomeKind, RepairStatus } from '../../src/domain/repairStatus';
import { validateRepairRequest } from '../../src/domain/repairRequest';
import type { NetworkFacts, NsgRuleView, VmFacts } from '../../src/domain/vmFacts';
import { Activities, type ActivityName } from '../../src/domain/activityContracts';
import { REPAIR_ORCHESTRATOR } from '../../src/orchestration/names';
import { REPAIR_SLOTS_ENTITY } from '../../src/domain/repairSlots';
import { unusedApiDependencies } from './unusedDependencies';
import { type ActivityPoint, DurableHostEmulator } from '../../src/simulator/durable';
import { type ActivityScript, ScriptedActivities } from '../../src/simulator/durable/scriptedActivities';
import { registerFunctionApp, type ModuleIsolation } from '../../src/simulator/functionsHost';
import { VirtualClock } from '../../src/simulator/virtualClock';
import { RecordingTelemetry } from '../../src/simulator/recordingTelemetry';

export type RepairScript = ActivityScript<ActivityName>;

/** Activities that change something in Azure or in the guest (a guest script run may, unless it is diagnose). */
export const WRITE_ACTIVITIES: readonly ActivityName[] = [
  Activities.startOsDiskSnapshot,
  Activities.restrictNsgRule,
  Activities.openNsgPort,
  Activities.restartVm,
];

export const VM_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-scripted/providers/Microsoft.Compute/virtualMachines/vm-scripted';
export const OFFICE_CIDR = '203.0.113.0/24';
export const APP_ADDRESS = '203.0.113.250';
const NIC_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-scripted/providers/Microsoft.Network/networkInterfaces/vm-scripted-nic';
const NSG_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-scripted/providers/Microsoft.Network/networkSecurityGroups/vm-scripted-nsg';

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function vmFacts(patch: Partial<VmFacts> = {}): VmFacts {
  return {
    id: VM_ID,
    name: 'vm-scripted',
    location: 'westeurope',
    zone: null,
    vmSize: 'Standard_D2s_v5',
    osType: 'Windows',
    generation: 'V2',
    powerState: 'running',
    agentStatus: 'Ready',
    agentMessage: null,
    osDisk: {
      name: 'vm-scripted-osdisk',
      managedDiskId: `${VM_ID.split('/providers/')[0]}/providers/Microsoft.Compute/disks/vm-scripted-osdisk`,
      sizeGb: 127,
    },
    nicIds: [NIC_ID],
    primaryNicId: NIC_ID,
    tags: {},
    ...patch,
  };
}

function rule(
  name: string,
  priority: number,
  access: 'Allow' | 'Deny',
  sources: string[],
  ports: string[],
  isDefault = false,
): NsgRuleView {
  return {
    name,
    priority,
    access,
    direction: 'Inbound',
    protocol: isDefault ? '*' : 'Tcp',
    sourcePrefixes: sources,
    destinationPorts: ports,
    isDefault,
    usesApplicationSecurityGroups: false,
  };
}

const DEFAULT_INBOUND: NsgRuleView[] = [
  rule('AllowVnetInBound', 65000, 'Allow', ['VirtualNetwork'], ['*'], true),
  rule('AllowAzureLoadBalancerInBound', 65001, 'Allow', ['AzureLoadBalancer'], ['*'], true),
  rule('DenyAllInBound', 65500, 'Deny', ['*'], ['*'], true),
];

/** A NIC NSG that lets RDP in from `sources` only (the office range by default: not open to the world). */
export function network(sources: string[] = [OFFICE_CIDR]): NetworkFacts {
  return {
    primaryNicId: NIC_ID,
    subnetId: null,
    privateAddress: '10.0.0.4',
    publicAddress: '198.51.100.20',
    levelsWithoutNsg: ['subnet'],
    nsgs: [
      { level: 'nic', nsgId: NSG_ID, attachedTo: NIC_ID, rules: [rule('AllowRdp', 300, 'Allow', sources, ['3389']), ...DEFAULT_INBOUND] },
    ],
    fromEffectiveRules: true,
    notes: [],
  };
}

export function probe(verdict: RdpProbeResult['verdict'], patch: Partial<RdpProbeResult> = {}): RdpProbeResult {
  const healthy = verdict === 'healthy';
  return {
    host: '198.51.100.20',
    port: 3389,
    stage: healthy ? 'done' : verdict === 'unreachable' ? 'tcp' : 'tls',
    ok: healthy,
    verdict,
    reason: `scripted ${verdict} probe`,
    selectedProtocol: healthy ? 'HYBRID' : null,
    negotiationFailure: null,
    tlsVersion: healthy ? 'TLSv1.2' : null,
    certificate: null,
    error: healthy ? null : verdict === 'unreachable' ? 'ETIMEDOUT' : 'RESET_AFTER_CLIENT_HELLO',
    elapsedMs: 40,
    ...patch,
  };
}

export interface ScriptedRepairOptions {
  /** Request body fields on top of { vmResourceId, allowedSourceCidrs: [office] }. */
  body?: Record<string, unknown>;
  /** App settings on top of the defaults (probe source = the app address, 2 retry attempts). */
  env?: Record<string, string | undefined>;
  /**
   * Kill the worker after the activities `after` picks (every one by default): the orchestrator module is loaded
   * again through `isolateModules`, so whatever it kept in module state is gone, and the history is replayed.
   */
  workerCrashes?: { isolateModules: ModuleIsolation; after?: (point: ActivityPoint) => boolean };
}

export interface ScriptedRepairRun {
  runtimeStatus: string;
  outcome: Outcome | null;
  outcomeKind: OutcomeKind | null;
  status: RepairStatus | null;
  /** Activity names in call order (retries included). */
  called: string[];
  wrote: string[];
  activities: ScriptedActivities<ActivityName>;
  settings: RepairSettings;
  /** Simulated worker crashes during the run. */
  crashes: number;
}

const ORCHESTRATOR_MODULE = path.join(__dirname, '..', '..', 'src', 'functions', 'repairOrchestrator');
const REPAIR_SLOTS_MODULE = path.join(__dirname, '..', '..', 'src', 'functions', 'repairSlots');
type Registered = ReturnType<ReturnType<typeof registerFunctionApp>['getOrThrow']>;
let orchestrator: Registered[] | undefined;

/** The orchestrator and the repair-slot entity it asks first (MAX_CONCURRENT_REPAIRS), as the app registers them. */
function registeredOrchestrator(): Registered[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { registerRepairOrchestrator } = require(ORCHESTRATOR_MODULE) as typeof import('../../src/functions/repairOrchestrator');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { registerRepairSlots } = require(REPAIR_SLOTS_MODULE) as typeof import('../../src/functions/repairSlots');
  const registry = registerFunctionApp(() => {
    registerRepairOrchestrator(new RecordingTelemetry());
    registerRepairSlots(unusedApiDependencies);
  });
  return [registry.getOrThrow(REPAIR_ORCHESTRATOR), registry.getOrThrow(REPAIR_SLOTS_ENTITY)];
}

function realOrchestrator(): Registered[] {
  // The registration as the app makes it; once per jest module registry.
  orchestrator ??= registeredOrchestrator();
  return orchestrator;
}

/** The orchestrator as a freshly started worker has it: its module (and everything it imports) loaded anew. */
function freshOrchestrator(isolateModules: ModuleIsolation): Registered[] {
  let fresh: Registered[] | undefined;
  isolateModules(() => {
    fresh = registeredOrchestrator();
  });
  if (!fresh) throw new Error('The module isolation did not load the orchestrator.');
  return fresh;
}

export async function runScriptedRepair(script: RepairScript, options: ScriptedRepairOptions = {}): Promise<ScriptedRepairRun> {
  const activities = new ScriptedActivities(Object.values(Activities), script);
  const crashes = options.workerCrashes;
  const emulator = new DurableHostEmulator({
    registry: activities.registry(realOrchestrator()),
    clock: new VirtualClock(),
    ...(crashes
      ? {
          // The script's answers and call log stand for Azure: they survive the crash; the orchestrator does not.
          restartWorker: () => activities.registry(freshOrchestrator(crashes.isolateModules)),
          crashAfterActivity: crashes.after ?? (() => true),
        }
      : {}),
  });
  const validation = validateRepairRequest({ vmResourceId: VM_ID, allowedSourceCidrs: [OFFICE_CIDR], ...options.body }, { kind: 'http' });
  if (!validation.ok) throw new Error(`The scripted request is invalid: ${JSON.stringify(validation.problems)}`);
  const { settings } = readConfig({
    REPAIR_ALLOWED_SCOPES: VM_ID.split('/providers/')[0],
    PROBE_SOURCE_ADDRESSES: APP_ADDRESS,
    ACTIVITY_RETRY_ATTEMPTS: '2',
    ...options.env,
  });
  const repairId = 'rdprepair-vm-scripted-0000000000000001';
  const id = await emulator.client.startNew(REPAIR_ORCHESTRATOR, {
    instanceId: repairId,
    input: { repairId, request: validation.request, settings },
  });
  const final = await emulator.runUntilComplete(id, { maxSteps: 5000 });
  activities.assertAllScripted();
  const status = final.runtimeStatus === 'Completed' ? (final.output as RepairStatus) : null;
  const called = activities.calledNames();
  return {
    runtimeStatus: final.runtimeStatus,
    outcome: status?.outcome ?? null,
    outcomeKind: status?.outcome?.kind ?? null,
    status,
    called,
    wrote: called.filter((name) => (WRITE_ACTIVITIES as readonly string[]).includes(name)),
    activities,
    settings,
    crashes: emulator.workerCrashes.length,
  };
}
