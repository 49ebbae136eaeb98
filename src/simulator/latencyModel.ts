/**
 * SIMULATED: the one latency model shared by the simulated ARM, the demo, the tests and the benchmark.
 *
 * Each figure is how long the operation takes on the virtual clock, with where the number comes from. Microsoft
 * documents very few durations; where it does, the statement is quoted. Everything else is marked as an estimate
 * of typical behaviour and should be read as "order of magnitude", not as a measurement. Changing a figure changes
 * virtual time only: no test or demo sleeps for real.
 */

export interface LatencyFigure {
  /** Duration on the virtual clock. */
  readonly ms: number;
  /** Where the figure comes from. */
  readonly source: string;
  /** `documented`: a Microsoft statement fixes or bounds it; `estimate`: typical observation, not documented. */
  readonly basis: 'documented' | 'estimate';
}

function figure(ms: number, basis: LatencyFigure['basis'], source: string): LatencyFigure {
  return Object.freeze({ ms, basis, source });
}

export const LATENCY_MODEL = Object.freeze({
  vmRestart: figure(
    90_000,
    'estimate',
    'Estimate: a Windows Server VM typically reports PowerState/running again 1-2 minutes after a restart request. ' +
      'Microsoft docs ("States and billing status of Azure Virtual Machines") list the power states but give no duration.',
  ),
  vmStart: figure(
    75_000,
    'estimate',
    'Estimate: starting a deallocated VM (allocation plus boot to PowerState/running) typically takes 1-2 minutes; ' +
      'allocation can take longer or fail with AllocationFailed under capacity pressure. No documented duration.',
  ),
  vmDeallocate: figure(
    60_000,
    'estimate',
    'Estimate: guest shutdown plus release of the host allocation, typically under about a minute. No documented duration.',
  ),
  vmPowerOff: figure(
    30_000,
    'estimate',
    'Estimate: stop without deallocation (the host allocation is kept), typically tens of seconds. No documented duration.',
  ),
  vmCreate: figure(
    250_000,
    'estimate',
    "Estimate from a measured report: az vm repair's own test recordings (Azure/azure-cli-extensions src/vm-repair) show " +
      '`az vm repair create` taking 5 min 10 s for a Windows repair VM, which copies the OS disk, creates the VM from a ' +
      'marketplace image and attaches the copy; less the copy (diskCopyFromSnapshot) and the attach (dataDiskAttachDetach), ' +
      'the VM create is about 4 min 10 s. ' +
      'Was 180 s (a guess of 2-5 minutes); aligned to the only measurement at hand. No documented duration.',
  ),
  vmDelete: figure(
    60_000,
    'estimate',
    'Estimate: deleting a VM (shutdown, release of the allocation, removal of the resource) typically takes about a minute; ' +
      'disks and NICs with deleteOption Delete go with it. No documented duration.',
  ),
  osDiskSwap: figure(
    20_000,
    'estimate',
    'Estimate: the VM update that replaces storageProfile.osDisk.managedDisk.id on a deallocated VM ("Change the OS disk used ' +
      'by an Azure VM", which requires the VM to be stopped/deallocated) is a metadata change finishing in seconds.',
  ),
  incrementalSnapshot127GiB: figure(
    180_000,
    'estimate',
    'Estimate for the background copy of a first incremental snapshot of a 127 GiB Premium SSD v2 or Ultra disk (a full copy), ' +
      'or of a snapshot copied to another region. Microsoft docs ("Create an incremental snapshot for managed disks") say such ' +
      'snapshots cannot be used until the background copy completes, reported by CompletionPercent; snapshots of other disk ' +
      'types are usable at once (see snapshotCreate). Premium SSD v2 and Ultra disks are data disks only, so an OS disk snapshot ' +
      'never waits for this. No duration is documented; 3 minutes is an assumption.',
  ),
  snapshotCreate: figure(
    15_000,
    'estimate',
    'Estimate: the operation of an incremental snapshot of a Standard HDD, Standard SSD or Premium SSD disk typically succeeds ' +
      'within seconds. Microsoft docs ("Create an incremental snapshot for managed disks"): "Both full snapshots and incremental ' +
      'snapshots can be used immediately after being taken", so the snapshot is usable once its operation has succeeded. ' +
      'No duration is documented.',
  ),
  diskCopyFromSnapshot: figure(
    45_000,
    'estimate',
    'Estimate: creating a managed disk with creationData.createOption Copy from a snapshot. Docs ("Instant access snapshots") ' +
      'say such disks can be attached immediately while a background copy hydrates them; the resource itself typically ' +
      'provisions in under a minute.',
  ),
  runCommand: figure(
    30_000,
    'documented',
    'Microsoft docs ("Run scripts in your Windows VM by using action Run Command", Restrictions): "The minimum time to run a ' +
      'script is about 20 seconds", output "is limited to the last 4,096 bytes", "One script at a time can run", and "The ' +
      'maximum time a script can run is 90 minutes". 30 s models a short read-only diagnose script: the documented ~20 s floor ' +
      'plus a few seconds of script work (the extra 10 s is an estimate).',
  ),
  dataDiskAttachDetach: figure(
    15_000,
    'estimate',
    'Estimate: attaching or detaching a managed data disk (VM update or attachDetachDataDisks) typically completes in ' +
      'seconds to tens of seconds. No documented duration.',
  ),
  nsgRuleWrite: figure(
    8_000,
    'estimate',
    'Estimate: a securityRules PUT/DELETE is asynchronous (Azure-AsyncOperation) and typically reaches provisioningState ' +
      'Succeeded within seconds. No documented duration.',
  ),
  effectiveNsgQuery: figure(
    5_000,
    'estimate',
    'Estimate: networkInterfaces/effectiveNetworkSecurityGroups is a POST long-running operation that typically completes ' +
      'within seconds for a single NIC. No documented duration.',
  ),
  agentReadyAfterBoot: figure(
    45_000,
    'estimate',
    'Estimate: time from PowerState/running until the Windows guest agent reports ProvisioningState/succeeded "Ready" in the ' +
      'instance view (guest boot plus agent start), typically under a minute. No documented duration.',
  ),
  rdpListeningAfterBoot: figure(
    45_000,
    'estimate',
    'Unknown, so an estimate: time from PowerState/running until Windows has booted far enough for TermService to ' +
      'accept on the RDP port. No documented figure was found (Microsoft docs on VM states, restarts and RDP ' +
      'troubleshooting give no boot duration, nor when TermService starts). Pessimistic choice: no earlier than the ' +
      'agent reports Ready (agentReadyAfterBoot), so a repair that probes as soon as the VM is running gains nothing ' +
      'the simulator cannot justify.',
  ),
  resourceDelete: figure(
    10_000,
    'estimate',
    'Estimate: deleting an unattached managed disk or a snapshot, typically seconds. No documented duration.',
  ),
} satisfies Record<string, LatencyFigure>);

export type LatencyOperation = keyof typeof LATENCY_MODEL;

/**
 * `Retry-After` (whole seconds) each resource provider sends with its 201/202 and with every in-progress poll, which
 * the SDK's poller honours instead of its own interval; and the one an injected 429 carries.
 */
export const RETRY_AFTER = Object.freeze({
  network: figure(
    10_000,
    'documented',
    'Recorded sessions of real traffic: the network resource provider answers long-running PUT/DELETE/POST requests and their ' +
      'Azure-AsyncOperation polls with "Retry-After: 10". Microsoft docs ("Track asynchronous Azure operations"): Retry-After is ' +
      '"the number of seconds to wait before checking the status of the asynchronous operation".',
  ),
  compute: figure(
    10_000,
    'estimate',
    'Estimate (pessimistic, unknown): no recorded compute (virtual machines, run commands) session was at hand; assumed to ' +
      'send the same 10 s as the network provider. The app never awaits a compute operation inside an activity.',
  ),
  disks: figure(
    10_000,
    'estimate',
    'Estimate (pessimistic, unknown): disks and snapshots (DiskOperations) assumed to send 10 s like the network provider.',
  ),
  throttled: figure(
    30_000,
    'estimate',
    'Estimate: Microsoft docs ("Understand how Azure Resource Manager throttles requests") say a 429 "includes a Retry-After ' +
      'value, which specifies the number of seconds your application should wait" without a typical value; the compute ' +
      'throttling docs ("Troubleshooting API throttling errors") show 1200 s for a 20-minute HighCostGet window. 30 s is an ' +
      'assumption for a short subscription-level window.',
  ),
} satisfies Record<string, LatencyFigure>);

export type RetryAfterModel = Readonly<Record<keyof typeof RETRY_AFTER, LatencyFigure>>;

/** A Retry-After model with every provider's value replaced, e.g. the real 10 s in a budget test. */
export function withRetryAfter(overrides: Partial<Record<keyof typeof RETRY_AFTER, number>>): RetryAfterModel {
  const entries = Object.entries(RETRY_AFTER).map(([key, value]) => {
    const ms = overrides[key as keyof typeof RETRY_AFTER];
    return [key, ms === undefined ? value : figure(ms, value.basis, `${value.source} (overridden: ${ms} ms)`)];
  });
  return Object.freeze(Object.fromEntries(entries)) as RetryAfterModel;
}
export type LatencyModel = Readonly<Record<LatencyOperation, LatencyFigure>>;

/**
 * Operations shorter than this are ones the app may await inside a single activity (DESIGN.md: "awaited inside
 * one activity only when they reliably finish in well under a minute"); longer ones are started by one activity
 * and polled from the orchestrator with durable timers. The simulated ARM uses the same line to decide when a
 * long-running operation completes (see src/simulator/arm/lro/operationTracker.ts).
 */
export const SHORT_OPERATION_THRESHOLD_MS = 30_000;

export function isShortOperation(operation: LatencyOperation, model: LatencyModel = LATENCY_MODEL): boolean {
  return model[operation].ms < SHORT_OPERATION_THRESHOLD_MS;
}

/** A copy of the model with some figures replaced (e.g. a bench run with slower restarts). Still frozen. */
export function withLatencyOverrides(overrides: Partial<Record<LatencyOperation, number>>): LatencyModel {
  const entries = Object.entries(LATENCY_MODEL).map(([key, value]) => {
    const ms = overrides[key as LatencyOperation];
    return [key, ms === undefined ? value : figure(ms, value.basis, `${value.source} (overridden: ${ms} ms)`)];
  });
  return Object.freeze(Object.fromEntries(entries)) as LatencyModel;
}
