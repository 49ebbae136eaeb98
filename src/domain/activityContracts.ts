/**
 * The activity boundary, typed once: every activity's name, input and output. The orchestrator calls
 * activities only through this map (Flow.call), and the registrations loop over it, so an input of the wrong
 * shape or a renamed activity is a compile error rather than a failure in Azure.
 */
import type { BootDiagnosticsReading, ReadBootDiagnosticsInput } from './bootDiagnostics';
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
  /**
   * false: the NSG resources only, without the effective rules (a long-running POST of a few seconds), which the
   * repair then reads while a longer wait runs. Default true.
   */
  effectiveRules?: boolean;
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

export interface TagDiskInput {
  diskId: string;
  /** Added to the disk's tags (the others are kept). */
  tags: Record<string, string>;
}

/** What choosing an ephemeral rescue VM needs to know, read before anything is written. */
export interface RescueVmOptionsInput {
  /** The broken VM: its image, its primary NIC's subnet. */
  vmId: string;
  /** The candidate sizes (RESCUE_VM_SIZES): only these are returned from the region's resource SKUs. */
  sizes: string[];
}

/** One candidate size as the region's resource SKUs list describes it. */
export interface SizeOffer {
  name: string;
  /** Listed for the region at all. */
  listed: boolean;
  /** A Location restriction (NotAvailableForSubscription): not offered in the region to this subscription. */
  locationRestricted: boolean;
  /** Zones where the size is restricted (Zone restrictions) or not offered. */
  unavailableZones: string[];
  maxDataDisks: number | null;
}

export interface RescueVmOptions {
  /** The broken VM's imageReference with its exactVersion; null for a VM not made from a marketplace image. */
  vmImage: { publisher: string; offer: string; sku: string; exactVersion: string | null } | null;
  /** The subnet of the broken VM's primary NIC (null: it could not be read). */
  subnetId: string | null;
  /** null: the resource SKUs list was refused (the role is assigned on resource groups; the list is subscription-wide). */
  offers: SizeOffer[] | null;
  /** Why the sizes could not be checked beforehand (then each is tried in order and ARM's refusal decides). */
  offersProblem: string | null;
}

export interface CreateRescueVmInput {
  /** An existing VM or NIC of the deterministic name is reused only if it carries this tag. */
  owner: OwnerTag;
  /** The broken VM: the rescue VM, its NIC and OS disk go into its resource group. */
  vmId: string;
  vmName: string;
  nicName: string;
  osDiskName: string;
  computerName: string;
  location: string;
  zone: string | null;
  subnetId: string;
  image: { publisher: string; offer: string; sku: string; version: string };
  /** Sizes to try, in order; a capacity or quota refusal moves on to the next. */
  sizes: string[];
  /** TrustedLaunch when the attached copy is a Trusted Launch disk (secure boot and vTPM on); null: standard. */
  securityType: 'TrustedLaunch' | null;
  tags: Record<string, string>;
}

/** A size ARM refused for capacity or quota, with its code and message. */
export interface SizeRefusal {
  size: string;
  code: string;
  message: string;
}

export type CreateRescueVmResult =
  /** `already`: this repair's rescue VM existed (a re-run): reused as it is, never PUT again. */
  | { created: true; vmId: string; nicId: string; size: string; already: boolean; refused: SizeRefusal[] }
  | { created: false; nicId: string | null; refused: SizeRefusal[] };

/** A resource of one repair, found by its tag (rdp-autorepair-repair-id). */
export interface TaggedResource {
  id: string;
  type: 'Microsoft.Compute/virtualMachines' | 'Microsoft.Network/networkInterfaces' | 'Microsoft.Compute/disks';
  /** rdp-autorepair-role. */
  role: string | null;
  /** Disks: the VM they are attached to (managedBy). NICs: their VM. */
  attachedTo: string | null;
}

/** The tag that marks a repair's resources (name rdp-autorepair-repair-id, value the repair id), and the role tag's name. */
export interface OwnerTag {
  name: string;
  value: string;
  roleTagName: string;
}

export interface ListRepairResourcesInput {
  subscriptionId: string;
  resourceGroup: string;
  owner: OwnerTag;
}

export interface DeleteResourceInput {
  resourceId: string;
  type: TaggedResource['type'];
  /** Deleted only if it still carries this repair's tag (someone may have re-tagged or replaced it). */
  owner: OwnerTag;
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
  readBootDiagnostics: { input: ReadBootDiagnosticsInput; output: BootDiagnosticsReading };
  tagDisk: { input: TagDiskInput; output: { alreadyTagged: boolean } };
  readRescueVmOptions: { input: RescueVmOptionsInput; output: RescueVmOptions };
  createRescueVm: { input: CreateRescueVmInput; output: CreateRescueVmResult };
  listRepairResources: { input: ListRepairResourcesInput; output: { resources: TaggedResource[] } };
  /** `requested`: the DELETE was accepted (call again to see it gone); `alreadyGone`: nothing left to delete. */
  deleteRepairResource: { input: DeleteResourceInput; output: { deleted: 'requested' | 'alreadyGone' | 'notThisRepairs' } };
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
  'readBootDiagnostics',
  'tagDisk',
  'readRescueVmOptions',
  'createRescueVm',
  'listRepairResources',
  'deleteRepairResource',
  'serialConsoleRestoreAgent',
] as const satisfies readonly ActivityName[];

// Compile-time proof that ACTIVITY_NAMES lists every key of the map (a missing one makes this `never`).
type Missing = Exclude<ActivityName, (typeof ACTIVITY_NAMES)[number]>;
const everyActivityListed: Missing extends never ? true : never = true;
void everyActivityListed;

/** Each activity's name as a constant (`Activities.readVm === 'readVm'`), for code that names activities as values. */
export const Activities = Object.fromEntries(ACTIVITY_NAMES.map((name) => [name, name])) as { readonly [N in ActivityName]: N };
