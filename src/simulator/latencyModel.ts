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
    180_000,
    'estimate',
    'Estimate: creating a Windows VM from a marketplace image (used for an ephemeral rescue VM) typically takes 2-5 minutes ' +
      'until provisioning succeeds. No documented duration.',
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
    'Estimate for the first incremental snapshot of a 127 GiB OS disk, i.e. a full copy. Microsoft docs ("Create an incremental ' +
      'snapshot for managed disks") state the first incremental snapshot is a full copy of the disk, and ("Instant access ' +
      'snapshots") that after a snapshot is created "Azure automatically initiates a background data copy from the source disk ' +
      'to snapshot", reported by the snapshot\'s completionPercent. No duration is documented; 3 minutes is an assumption.',
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
  resourceDelete: figure(
    10_000,
    'estimate',
    'Estimate: deleting an unattached managed disk or a snapshot, typically seconds. No documented duration.',
  ),
} satisfies Record<string, LatencyFigure>);

export type LatencyOperation = keyof typeof LATENCY_MODEL;
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
