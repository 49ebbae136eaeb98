/** What the flow learns about a VM and its network: outputs of the read-only activities, inputs to decisions. */

export type PowerState = 'running' | 'starting' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated' | 'unknown';
export type AgentStatus = 'Ready' | 'NotReady' | 'Unknown';

export interface VmFacts {
  id: string;
  name: string;
  location: string;
  zone: string | null;
  vmSize: string | null;
  osType: 'Windows' | 'Linux' | 'Unknown';
  /** V1 = BIOS/MBR, V2 = UEFI/GPT: decides where a BCD store lives in the offline repair. */
  generation: 'V1' | 'V2' | 'Unknown';
  powerState: PowerState;
  agentStatus: AgentStatus;
  agentMessage: string | null;
  osDisk: { name: string; managedDiskId: string | null; sizeGb: number | null };
  nicIds: string[];
  primaryNicId: string | null;
  tags: Record<string, string>;
}

export type ReadVmResult = { found: true; facts: VmFacts } | { found: false; message: string };

export type RuleAccess = 'Allow' | 'Deny';

/** One inbound or outbound rule in a form shared by NSG resources and the effective-NSG API. */
export interface NsgRuleView {
  name: string;
  priority: number;
  access: RuleAccess;
  direction: 'Inbound' | 'Outbound';
  /** Tcp, Udp, Icmp, Esp, Ah, * (All in the effective API is mapped to *). */
  protocol: string;
  sourcePrefixes: string[];
  destinationPorts: string[];
  /** Azure's built-in rules (AllowVnetInBound, DenyAllInBound, ...) cannot be edited. */
  isDefault: boolean;
  /** The rule uses application security groups: this tool does not evaluate or edit it. */
  usesApplicationSecurityGroups: boolean;
}

export interface NsgView {
  level: 'subnet' | 'nic';
  nsgId: string;
  /** NIC or subnet the NSG is attached to. */
  attachedTo: string;
  rules: NsgRuleView[];
}

export interface NetworkFacts {
  primaryNicId: string;
  subnetId: string | null;
  privateAddress: string | null;
  publicAddress: string | null;
  /** Levels with no NSG filter nothing; they are listed so the report can say so. */
  levelsWithoutNsg: Array<'subnet' | 'nic'>;
  nsgs: NsgView[];
  /** True when the rules came from the effective-NSG API (VM running), false when read from the NSG resources. */
  fromEffectiveRules: boolean;
  notes: string[];
}

/** The editable NSG rule as stored in ARM, kept whole so a change can record exactly what it replaced. */
export interface SecurityRuleSnapshot {
  nsgId: string;
  name: string;
  priority: number;
  sourceAddressPrefix: string | null;
  sourceAddressPrefixes: string[];
}

export interface RestrictRuleInput {
  repairId: string;
  nsgId: string;
  ruleName: string;
  /** The sources the assessment saw; the activity refuses to write if the rule changed since. */
  expectedSourcePrefixes: string[];
  newSourcePrefixes: string[];
}

export interface RestrictRuleResult {
  before: SecurityRuleSnapshot;
  after: SecurityRuleSnapshot;
  /** False when the rule already had the requested sources (a re-run): nothing was written. */
  wrote: boolean;
}

export interface SnapshotStartInput {
  repairId: string;
  vmId: string;
  osDiskId: string;
  location: string;
  zone: string | null;
  snapshotName: string;
}

export interface SnapshotState {
  snapshotId: string;
  provisioningState: string;
  /** Incremental snapshots copy in the background; usable only at 100. */
  completionPercent: number | null;
}

export interface ProbeInput {
  address: string;
  port: number;
  timeoutMs: number;
  certificateWarningDays: number;
}

export interface VmPowerReading {
  powerState: PowerState;
  agentStatus: AgentStatus;
  agentMessage: string | null;
  /**
   * ProvisioningState/updating: an operation (a restart, a start, an extension) still runs on the VM, so its power
   * state may still be the one from before a restart. Optional: readings from before this field count as settled.
   */
  operationInProgress?: boolean;
}

export interface OpenPortRuleInput {
  repairId: string;
  nsgId: string;
  ruleName: string;
  priority: number;
  port: number;
  sourcePrefixes: string[];
}

export interface OpenPortRuleResult {
  ruleId: string;
  /** False when the rule already existed as requested (a re-run). */
  wrote: boolean;
}

/** A guest script run through Run Command, as the orchestrator asks for it. */
export interface GuestRunInput {
  repairId: string;
  vmId: string;
  script: import('./guestScriptContracts').GuestScriptName;
  params: Record<string, string | number | boolean>;
  /** Deterministic per repair and step, so a re-run finds the run it started. */
  runName: string;
  timeoutSeconds: number;
}

export type GuestRunFailure =
  | 'agentUnavailable'
  | 'vmNotRunning'
  | 'timedOut'
  | 'scriptFailed'
  | 'missingResult'
  | 'truncated'
  | 'invalidResult'
  | 'notFound';

export type GuestRunState =
  | { state: 'running' }
  | { state: 'succeeded'; result: unknown }
  | { state: 'failed'; failure: GuestRunFailure; detail: string };
