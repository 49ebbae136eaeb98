/**
 * The activity boundary, typed once: every activity's name, input and output. The orchestrator calls
 * activities only through this map (Flow.call), and the registrations loop over it, so an input of the wrong
 * shape or a renamed activity is a compile error rather than a failure in Azure.
 */
import type { OsDiskProperties, OsDiskTraits } from './offlineRepair';
import type { RdpProbeResult } from './rdpProbe';
import type { SerialConsoleSessionInput, SerialConsoleSessionResult } from './serialConsole';
import type {
  GuestRunInput,
  GuestRunState,
  NetworkFacts,
  OpenPortRuleInput,
  OpenPortRuleResult,
  ProbeInput,
  ReadVmResult,
  RestrictRuleInput,
  RestrictRuleResult,
  SnapshotStartInput,
  SnapshotState,
  VmFacts,
  VmPowerReading,
} from './vmFacts';

export interface ReadVmInput {
  vmResourceId: string;
}

export interface ReadVmNetworkInput {
  vm: VmFacts;
}

export interface GetSnapshotStateInput {
  snapshotId: string;
}

export interface RestartVmInput {
  vmId: string;
  /** When the orchestrator decided to restart (its replay-safe clock). */
  decidedAt: string;
}

export interface ReadVmPowerInput {
  vmId: string;
}

export interface SweepGuestScriptsInput {
  vmId: string;
  /** This repair's run names start with it (guestRunNames.ts); runs of other repairs are never touched. */
  runNamePrefix: string;
}

/** A run command still on the VM after a sweep pass, and what the pass did about it (deleting: wait; refused: it cannot be removed now). */
export type LeftGuestRun =
  | { runName: string; state: 'deleting' | 'deleteRequested' }
  | { runName: string; state: 'refused'; detail: string };

export interface VmIdInput {
  vmId: string;
}

/** Power operations return once ARM accepted them; the orchestrator waits with readVmPower and durable timers. */
export interface PowerOperationResult {
  /** The VM was already in (or on its way to) the asked state: nothing was requested (a re-run). */
  already: boolean;
}

export interface RescueVmReading {
  found: boolean;
  message: string | null;
  facts: VmFacts | null;
  /** ARM's provisioningState (Updating while an attach or detach runs). */
  provisioningState: string;
  usedLuns: number[];
  /** Data disks attached now, by id and LUN (the copy's attachment is found here on a re-run). */
  dataDisks: Array<{ lun: number; diskId: string }>;
}

export interface CopyOsDiskInput {
  repairId: string;
  /** The resource group the copy is made in: the broken VM's. */
  vmId: string;
  sourceDiskId: string;
  name: string;
  carry: Omit<OsDiskProperties, 'id' | 'maxShares'>;
  tags: Record<string, string>;
}

export interface DiskReading {
  found: boolean;
  diskId: string;
  provisioningState: string;
  /** ARM's managedBy: the VM the disk is attached to, if any. */
  managedBy: string | null;
  properties: OsDiskProperties | null;
}

export interface DataDiskInput {
  vmId: string;
  diskId: string;
  /** The LUN decided from the rescue VM's free ones; attach only. */
  lun?: number;
}

export interface SwapOsDiskInput {
  vmId: string;
  toDiskId: string;
  /** The OS disk the flow saw; the swap is refused if the VM has another one now (someone else changed it). */
  expectedFromDiskId: string;
}

export interface ActivityContracts {
  readVm: { input: ReadVmInput; output: ReadVmResult };
  readVmNetwork: { input: ReadVmNetworkInput; output: NetworkFacts };
  probeRdp: { input: ProbeInput; output: RdpProbeResult };
  startOsDiskSnapshot: { input: SnapshotStartInput; output: SnapshotState };
  getSnapshotState: { input: GetSnapshotStateInput; output: SnapshotState };
  restrictNsgRule: { input: RestrictRuleInput; output: RestrictRuleResult };
  openNsgPort: { input: OpenPortRuleInput; output: OpenPortRuleResult };
  restartVm: { input: RestartVmInput; output: { alreadyRestarted: boolean } };
  readVmPower: { input: ReadVmPowerInput; output: VmPowerReading };
  startGuestScript: { input: GuestRunInput; output: GuestRunState };
  readGuestScript: { input: GuestRunInput; output: GuestRunState };
  deleteGuestScript: { input: GuestRunInput; output: { deleted: 'requested' | 'alreadyGone' | 'refusedVmNotRunning' } };
  sweepGuestScripts: { input: SweepGuestScriptsInput; output: { left: LeftGuestRun[] } };
  readOsDiskTraits: { input: VmIdInput; output: OsDiskTraits };
  readRescueVm: { input: VmIdInput; output: RescueVmReading };
  deallocateVm: { input: VmIdInput; output: PowerOperationResult };
  startVm: { input: VmIdInput; output: PowerOperationResult };
  copyOsDisk: { input: CopyOsDiskInput; output: DiskReading };
  readDisk: { input: { diskId: string }; output: DiskReading };
  attachDataDisk: { input: DataDiskInput; output: { lun: number; alreadyAttached: boolean } };
  detachDataDisk: { input: DataDiskInput; output: { alreadyDetached: boolean } };
  swapOsDisk: { input: SwapOsDiskInput; output: { alreadySwapped: boolean } };
  serialConsoleRestoreAgent: { input: SerialConsoleSessionInput; output: SerialConsoleSessionResult };
}

export type ActivityName = keyof ActivityContracts;
export type ActivityInput<N extends ActivityName> = ActivityContracts[N]['input'];
export type ActivityOutput<N extends ActivityName> = ActivityContracts[N]['output'];

/** Every activity name, in registration order; `satisfies` keeps the list and the map in step. */
export const ACTIVITY_NAMES = [
  'readVm',
  'readVmNetwork',
  'probeRdp',
  'startOsDiskSnapshot',
  'getSnapshotState',
  'restrictNsgRule',
  'openNsgPort',
  'restartVm',
  'readVmPower',
  'startGuestScript',
  'readGuestScript',
  'deleteGuestScript',
  'sweepGuestScripts',
  'readOsDiskTraits',
  'readRescueVm',
  'deallocateVm',
  'startVm',
  'copyOsDisk',
  'readDisk',
  'attachDataDisk',
  'detachDataDisk',
  'swapOsDisk',
  'serialConsoleRestoreAgent',
] as const satisfies readonly ActivityName[];

// Compile-time proof that ACTIVITY_NAMES lists every key of the map (a missing one makes this `never`).
type Missing = Exclude<ActivityName, (typeof ACTIVITY_NAMES)[number]>;
const everyActivityListed: Missing extends never ? true : never = true;
void everyActivityListed;

/** Each activity's name as a constant (`Activities.readVm === 'readVm'`), for code that names activities as values. */
export const Activities = Object.fromEntries(ACTIVITY_NAMES.map((name) => [name, name])) as { readonly [N in ActivityName]: N };
