/**
 * The offline disk-swap repair with a configured rescue VM, read top to bottom:
 *   eligibility -> rescue VM fit -> [gate deallocateVm] deallocate -> copy the OS disk -> [cancel point] attach to the
 *   rescue VM -> offline script -> detach -> judge -> [gate swapOsDisk] swap -> [cancel point] tag the original -> start
 *   -> probe -> (roll back). A gate is also a cancel point; the rollback is an undo and never waits.
 * Nothing is written before the refusals and the rescue VM's fit are decided. From the deallocation on, every
 * way out puts the VM back running: before the swap on its original disk; after it, with the original disk
 * swapped back when the copy did not help. Every write goes into the undo log as it happens. The rescue VM is
 * someone else's machine: only a data disk is attached to it and detached again; it is never started, restarted
 * or deleted. The decisions are the pure functions in decisions/ (offlineEligibility, rescueVm, osDiskCopy,
 * offlineRepairVerdict, offlineEnding).
 */
import type { DiskReading } from '../../domain/activityContracts';
import type { OfflineRepairResult } from '../../domain/guestScriptContracts';
import type { OsDiskProperties } from '../../domain/offlineRepair';
import type { ProbeVerdict } from '../../domain/rdpProbe';
import type { Outcome, UndoRecord } from '../../domain/repairStatus';
import type { PowerState, VmFacts } from '../../domain/vmFacts';
import { type OfflineCancelStage, offlineCancelled } from '../decisions/offlineCancel';
import { downtimeInWords, estimateOfflineDowntime } from '../decisions/offlineDowntime';
import { offlineEligibility } from '../decisions/offlineEligibility';
import { afterRollback, afterSwap, beforeSwapFailed } from '../decisions/offlineEnding';
import { judgeOfflineRepair } from '../decisions/offlineRepairVerdict';
import { copyDiskPlan, ORIGINAL_OF_TAG, swapMismatches } from '../decisions/osDiskCopy';
import { rescueVmFit } from '../decisions/rescueVm';
import type { Flow, Gen } from '../flow';
import { approvalStep } from '../steps/approvalStep';
import { cancelCheckpoint } from '../steps/cancelStep';
import { guestScriptStep } from '../steps/guestScriptStep';
import { probeWhileBooting } from '../steps/bootProbeStep';
import { ephemeralRescueStep } from './ephemeralRescueStep';

export interface OfflinePhaseInput {
  vm: VmFacts;
  rescueVmId: string | null;
  /** Where the RDP probe dials (null: no usable address, the outcome can only be Unverified). */
  probeAddress: string | null;
  probeAdmitted: boolean;
  port: number;
  /** The orchestration's start time: names the copy deterministically. */
  startedAt: string;
}

/** What ended a step: a reason in words (a permanent ARM failure, a timeout). */
type StepEnd = { ok: true } | { ok: false; why: string };

const OK: StepEnd = { ok: true };

export function* offlinePhase(flow: Flow, input: OfflinePhaseInput): Gen<Outcome> {
  const { vm } = input;
  // ---- before any write: may this disk be copied and swapped, and can the rescue VM host it?
  flow.begin('offline:eligibility', 'reading the OS disk and the VM security profile');
  const traits = yield* flow.call('readOsDiskTraits', { vmId: vm.id }, 'offline:eligibility');
  if (traits.kind === 'end') return traits.outcome;
  const eligibility = offlineEligibility(traits.facts);
  if (!eligibility.eligible) {
    flow.end('offline:eligibility', eligibility.refusals.map((r) => r.reason).join('; '), 'failed');
    for (const r of eligibility.refusals) flow.find({ code: `Offline_${r.code}`, severity: 'error', message: r.reason, advice: r.advice });
    return {
      kind: 'NotRepaired',
      reason: `The offline repair cannot run: ${eligibility.refusals.map((r) => r.reason).join('; ')}. Nothing was changed by it.`,
      advice: eligibility.refusals.map((r) => r.advice),
    };
  }
  const original = traits.facts.disk as OsDiskProperties;
  flow.status.artifacts.originalOsDiskId = original.id;
  flow.end('offline:eligibility', `${original.hyperVGeneration ?? '?'} ${original.osType ?? '?'} disk of ${original.sizeGiB ?? '?'} GiB`);

  // ---- the rescue VM: the one named by rescueVmResourceId, or an ephemeral one created now (the VM still runs).
  let rescueVmId = input.rescueVmId;
  if (rescueVmId === null) {
    const created = yield* ephemeralRescueStep(flow, vm, original);
    if (created.kind === 'end') return created.outcome;
    rescueVmId = created.facts.rescueVmId;
  }
  flow.begin('offline:rescueVm', rescueVmId);
  const rescue = yield* flow.call('readRescueVm', { vmId: rescueVmId }, 'offline:rescueVm');
  if (rescue.kind === 'end') return rescue.outcome;
  const fit = rescue.facts.facts
    ? rescueVmFit({ vm: rescue.facts.facts, usedLuns: rescue.facts.usedLuns, maxDataDisks: null }, vm)
    : ({ fits: false, problems: [rescue.facts.message ?? 'the rescue VM could not be read'] } as const);
  if (!fit.fits) {
    flow.end('offline:rescueVm', fit.problems.join('; '), 'failed');
    return {
      kind: 'NotRepaired',
      reason: `The rescue VM cannot be used: ${fit.problems.join('; ')}. The VM was not stopped and nothing was changed.`,
      advice: ['Name a running Windows VM in the same region and zone, with its VM agent Ready and a free LUN (rescueVmResourceId).'],
    };
  }
  flow.status.artifacts.rescueVmId = rescueVmId;
  flow.end('offline:rescueVm', `the copy will be attached at LUN ${fit.lun}`);
  flow.find({
    code: 'OfflineDowntime',
    severity: 'warning',
    message:
      `The offline repair now deallocates ${vm.name}: it is down while its OS disk is copied, repaired on ${rescue.facts.facts?.name} ` +
      `and swapped in (${downtimeInWords(estimateOfflineDowntime(original))}, from typical durations of each step` +
      `${flow.request.approval === 'beforeDisruptive' ? ', plus the time until swapOsDisk is approved' : ''}). ` +
      'Its original OS disk is kept unchanged.',
    advice: null,
  });

  // ---- deallocate: the downtime starts, and from here every way out starts the VM again.
  const deallocateGate = yield* approvalStep(flow, 'deallocateVm', [
    {
      resourceId: vm.id,
      property: 'powerState',
      before: 'running',
      after: 'deallocated',
      reason: 'the OS disk is copied only once the VM is deallocated, so no write is lost; the VM is down until it starts again',
    },
  ]);
  if (deallocateGate.kind === 'end') {
    if (deallocateGate.outcome.kind !== 'Cancelled') return deallocateGate.outcome;
    return cancelledOffline(flow, 'beforeDeallocate', true, null, original.id, null);
  }
  const down = yield* power(flow, vm.id, 'deallocate');
  if (!down.ok) return yield* restartOnOriginal(flow, vm.id, down.why);

  const plan = copyDiskPlan(original, vm.name, flow.repairId, new Date(input.startedAt));
  flow.begin('offline:copy', `${original.id} -> ${plan.name}`);
  const copied = yield* flow.call(
    'copyOsDisk',
    { repairId: flow.repairId, vmId: vm.id, sourceDiskId: original.id, name: plan.name, carry: plan.carry, tags: plan.tags },
    'offline:copy',
  );
  if (copied.kind === 'end') return yield* restartOnOriginal(flow, vm.id, copied.outcome.reason);
  flow.status.artifacts.copyDiskId = copied.facts.diskId;
  flow.wrote({
    kind: 'diskCopy',
    resourceId: copied.facts.diskId,
    what: `created a copy of the OS disk ${original.id}`,
    undo: `delete the disk ${copied.facts.diskId} once it is no longer the OS disk and no longer needed`,
  });
  const ready = yield* waitForDisk(flow, copied.facts);
  if (!ready.ok) return yield* restartOnOriginal(flow, vm.id, ready.why);
  const mismatches = swapMismatches(original, ready.disk.properties as OsDiskProperties);
  if (mismatches.length > 0) {
    flow.end('offline:copy', mismatches.join('; '), 'failed');
    return yield* restartOnOriginal(flow, vm.id, `the copy does not match the original (${mismatches.join('; ')})`);
  }
  flow.end('offline:copy', `${ready.disk.diskId} ready`);

  // ---- attach, run the offline script on the rescue VM, detach (whatever the script said).
  const copyId = ready.disk.diskId;
  const beforeAttach = yield* cancelCheckpoint(flow, 'offline:attach');
  if (beforeAttach.kind === 'end') return yield* cancelBeforeSwap(flow, vm.id, original.id, copyId);
  const attached = yield* attach(flow, rescueVmId, copyId, fit.lun);
  if (!attached.ok) {
    yield* detach(flow, rescueVmId, copyId);
    return yield* restartOnOriginal(flow, vm.id, attached.why);
  }
  const run = yield* guestScriptStep(
    flow,
    rescueVmId,
    'offline-repair',
    {
      Lun: attached.lun,
      DiskSizeGiB: original.sizeGiB ?? 0,
      Generation: original.hyperVGeneration === 'V1' ? 1 : 2,
      RunId: offlineRunId(input.startedAt),
      DetectOnly: false,
      AllowLegacyTls: flow.request.allowLegacyTls,
    },
    `repairing the copy at LUN ${attached.lun} of the rescue VM`,
  );
  const detached = yield* detach(flow, rescueVmId, copyId);
  if (run.kind === 'end') return yield* restartOnOriginal(flow, vm.id, run.outcome.reason);
  if (!run.facts.ok) return yield* restartOnOriginal(flow, vm.id, `the offline script failed (${run.facts.failure}: ${run.facts.detail})`);
  if (!detached.ok) return yield* restartOnOriginal(flow, vm.id, detached.why);
  const verdict = judgeOfflineRepair(run.facts.result as OfflineRepairResult);
  flow.find({
    code: verdict.swap ? 'OfflineRepaired' : 'OfflineNotSwapped',
    severity: verdict.swap ? 'info' : 'warning',
    message: verdict.reasons.join('; '),
    advice: null,
  });
  if (!verdict.swap) return yield* restartOnOriginal(flow, vm.id, `the copy was not swapped in: ${verdict.reasons[0]}`);

  // ---- swap: the repaired copy becomes the OS disk; from here a failure swaps the original back.
  const swapGate = yield* approvalStep(flow, 'swapOsDisk', [
    {
      resourceId: vm.id,
      property: 'storageProfile.osDisk.managedDisk.id',
      before: original.id,
      after: copyId,
      reason: 'the repaired copy becomes the OS disk; the original is kept unchanged and swapped back if the copy does not help',
    },
  ]);
  if (swapGate.kind === 'end') {
    if (swapGate.outcome.kind === 'Cancelled') return yield* cancelBeforeSwap(flow, vm.id, original.id, copyId);
    const restarted = yield* restartOnOriginal(flow, vm.id, swapGate.outcome.reason.replace(/\.$/, ''));
    return { ...restarted, advice: [...swapGate.outcome.advice, ...restarted.advice] };
  }
  const swapped = yield* swap(flow, vm.id, copyId, original.id);
  if (!swapped.ok) return yield* restartOnOriginal(flow, vm.id, swapped.why);
  flow.status.artifacts.swappedAt = flow.now();
  // The swap is done, never interrupted: a cancel raised during it (or before) puts the original disk back now.
  const afterSwapCheck = yield* cancelCheckpoint(flow, 'offline:start');
  if (afterSwapCheck.kind === 'end') return yield* cancelAfterSwap(flow, vm.id, original.id, copyId);
  // The VM's resource id, lower-cased as the snapshots' rdp-autorepair-vm tag: retention groups both by VM.
  yield* tagOriginal(flow, original.id, vm.id.toLowerCase());
  const up = yield* power(flow, vm.id, 'start');
  const probe = up.ok ? yield* probeAfter(flow, input, 'after the swap') : { verdict: null, reason: up.why };
  const next = afterSwap({
    verdict: probe.verdict,
    verdictReason: probe.reason,
    probeAdmitted: input.probeAdmitted,
    fixed: verdict.fixed,
    originalDiskId: original.id,
  });
  if (up.ok && next.next === 'end') return next.outcome;
  if (up.ok && next.next === 'unverified') return next.outcome;
  const why = up.ok && next.next === 'rollBack' ? next.why : `the VM did not start on the repaired copy (${up.ok ? '' : up.why})`;
  return yield* rollBack(flow, input, why, original.id, copyId);
}

/** A RunId the script accepts: letters, digits, dashes, at most 36 characters; unique per repair start. */
export function offlineRunId(startedAt: string): string {
  return `off-${startedAt.replace(/[^0-9]/g, '').slice(0, 14)}`;
}

function* restartOnOriginal(flow: Flow, vmId: string, why: string): Gen<Outcome> {
  const up = yield* power(flow, vmId, 'start');
  if (up.ok) markUndone(flow, 'vmPower', 'deallocated the VM', 'started again on its original, unchanged OS disk');
  return beforeSwapFailed({ why, deallocated: true, restarted: up.ok, restartFailure: up.ok ? null : up.why });
}

/**
 * Marks the original OS disk with the VM it belongs to, now that it is no longer attached: a tags-only PATCH, which
 * never touches the disk's data. Not the repair's own tag: the cleanup finds resources by it and must never find
 * this disk. A failure is a finding, not an ending: the disk is kept either way and the status names it.
 */
function* tagOriginal(flow: Flow, originalId: string, vmKey: string): Gen<void> {
  flow.begin('offline:tagOriginal', `${ORIGINAL_OF_TAG}=${vmKey} on ${originalId}`);
  const tagged = yield* flow.call('tagDisk', { diskId: originalId, tags: { [ORIGINAL_OF_TAG]: vmKey } }, 'offline:tagOriginal');
  if (tagged.kind === 'end') {
    flow.end('offline:tagOriginal', tagged.outcome.reason, 'failed');
    flow.find({
      code: 'OriginalDiskNotTagged',
      severity: 'warning',
      message: `The original OS disk ${originalId} could not be tagged (${tagged.outcome.reason}); it is kept unchanged.`,
      advice: null,
    });
    return;
  }
  // Recorded even when the disk already had the tag: a run of this activity whose result was lost may have set it.
  flow.status.changes.push({
    resourceId: originalId,
    property: `tags.${ORIGINAL_OF_TAG}`,
    before: null,
    after: vmKey,
    at: flow.now(),
    reason: 'offline repair: marks the original OS disk, kept unchanged, with the VM it belongs to',
  });
  flow.wrote({
    kind: 'diskTag',
    resourceId: originalId,
    what: `tagged ${ORIGINAL_OF_TAG}=${vmKey}`,
    undo: `remove the tag ${ORIGINAL_OF_TAG} from the disk`,
  });
  flow.end('offline:tagOriginal', `${tagged.facts.alreadyTagged ? 'already tagged' : 'tagged'} (metadata only; the data is not touched)`);
}

/** A cancel between the deallocation and the swap: the VM starts again on its original disk, then Cancelled. */
function* cancelBeforeSwap(flow: Flow, vmId: string, originalId: string, copyId: string | null): Gen<Outcome> {
  const up = yield* power(flow, vmId, 'start');
  if (up.ok) markUndone(flow, 'vmPower', 'deallocated the VM', 'started again on its original, unchanged OS disk');
  return cancelledOffline(flow, 'beforeSwap', up.ok, up.ok ? null : up.why, originalId, copyId);
}

/** A cancel right after the swap: the original disk is swapped back (the VM is still deallocated) and started. */
function* cancelAfterSwap(flow: Flow, vmId: string, originalId: string, copyId: string): Gen<Outcome> {
  flow.find({
    code: 'OfflineRollback',
    severity: 'warning',
    message: 'Swapping the original OS disk back: the repair was cancelled.',
    advice: null,
  });
  const back = yield* swap(flow, vmId, originalId, copyId);
  if (!back.ok) return cancelledOffline(flow, 'afterSwap', false, back.why, originalId, copyId);
  markUndone(flow, 'osDiskSwap', `made ${copyId} the OS disk`, `swapped back: ${originalId} is the OS disk again`);
  const up = yield* power(flow, vmId, 'start');
  if (up.ok) markUndone(flow, 'vmPower', 'deallocated the VM', 'started again on its original, unchanged OS disk');
  return cancelledOffline(flow, 'afterSwap', up.ok, up.ok ? null : up.why, originalId, copyId);
}

function cancelledOffline(
  flow: Flow,
  stage: OfflineCancelStage,
  restored: boolean,
  failure: string | null,
  originalDiskId: string,
  copyDiskId: string | null,
): Outcome {
  const cancel = flow.status.cancelled ?? { by: 'unknown caller', at: flow.now(), stoppedAt: flow.now(), before: 'the offline repair' };
  return offlineCancelled({ cancel, stage, restored, failure, originalDiskId, copyDiskId });
}

/** Lists a write of the undo log as undone by the repair itself (the status's `undone`; it is then not "kept"). */
function markUndone(flow: Flow, kind: UndoRecord['kind'], whatStart: string, result: string): void {
  const record = flow.status.undoLog.find((r) => r.kind === kind && r.what.startsWith(whatStart));
  if (!record || flow.status.undone.some((u) => u.kind === kind && u.what === record.what)) return;
  flow.status.undone.push({ ...record, result });
}

function* rollBack(flow: Flow, input: OfflinePhaseInput, why: string, originalId: string, copyId: string): Gen<Outcome> {
  flow.find({ code: 'OfflineRollback', severity: 'warning', message: `Swapping the original OS disk back: ${why}.`, advice: null });
  const base = { why, originalDiskId: originalId, copyDiskId: copyId };
  const down = yield* power(flow, input.vm.id, 'deallocate');
  if (!down.ok) return afterRollback({ ...base, restored: false, verdictAfter: null, failure: down.why });
  const back = yield* swap(flow, input.vm.id, originalId, copyId);
  if (!back.ok) return afterRollback({ ...base, restored: false, verdictAfter: null, failure: back.why });
  const up = yield* power(flow, input.vm.id, 'start');
  if (!up.ok) return afterRollback({ ...base, restored: false, verdictAfter: null, failure: up.why });
  const probe = yield* probeAfter(flow, input, 'after the rollback');
  return afterRollback({ ...base, restored: true, verdictAfter: probe.verdict, failure: null });
}

/** Deallocate or start the VM and wait for the power state (durable timers), recording the write and the downtime. */
function* power(flow: Flow, vmId: string, action: 'deallocate' | 'start'): Gen<StepEnd> {
  const step = `offline:${action}`;
  // The VM goes down when the deallocation is asked for (its guest shuts down), not when ARM reports it.
  const requestedAt = flow.now();
  flow.begin(step, vmId);
  const called = yield* flow.call(action === 'deallocate' ? 'deallocateVm' : 'startVm', { vmId }, step);
  if (called.kind === 'end') {
    flow.end(step, called.outcome.reason, 'failed');
    return { ok: false, why: called.outcome.reason };
  }
  if (!called.facts.already) {
    flow.wrote({
      kind: 'vmPower',
      resourceId: vmId,
      what: action === 'deallocate' ? 'deallocated the VM' : 'started the VM',
      undo: action === 'deallocate' ? 'start the VM (az vm start)' : 'nothing to undo',
    });
  }
  const want: PowerState = action === 'deallocate' ? 'deallocated' : 'running';
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  for (;;) {
    const reading = yield* flow.call('readVmPower', { vmId }, step);
    if (reading.kind === 'end') {
      flow.end(step, reading.outcome.reason, 'failed');
      return { ok: false, why: reading.outcome.reason };
    }
    if (reading.facts.powerState === want) break;
    if (flow.nowMs() >= deadline) {
      const why = `the VM was still ${reading.facts.powerState} after ${flow.settings.restartTimeoutMinutes} minutes`;
      flow.end(step, why, 'failed');
      return { ok: false, why };
    }
    yield flow.wait(flow.settings.powerPollSeconds);
  }
  const downtime = flow.status.artifacts.downtime;
  if (action === 'deallocate' && !downtime) flow.status.artifacts.downtime = { from: requestedAt, to: null, seconds: null };
  if (action === 'start' && downtime) {
    downtime.to = flow.now();
    downtime.seconds = Math.round((flow.nowMs() - Date.parse(downtime.from)) / 1000);
  }
  flow.end(step, want);
  return OK;
}

function* waitForDisk(flow: Flow, disk: DiskReading): Gen<{ ok: true; disk: DiskReading } | { ok: false; why: string }> {
  let reading = disk;
  const deadline = flow.nowMs() + flow.settings.snapshotTimeoutMinutes * 60_000;
  while (reading.provisioningState !== 'Succeeded') {
    if (reading.provisioningState === 'Failed') return { ok: false, why: `the copy ${disk.diskId} failed to provision` };
    if (flow.nowMs() >= deadline) return { ok: false, why: `the copy was not ready after ${flow.settings.snapshotTimeoutMinutes} minutes` };
    yield flow.wait(flow.settings.snapshotPollSeconds);
    const read = yield* flow.call('readDisk', { diskId: disk.diskId }, 'offline:copy');
    if (read.kind === 'end') return { ok: false, why: read.outcome.reason };
    reading = read.facts;
  }
  return { ok: true, disk: reading };
}

/** Polls the rescue VM until no attach/detach is running and the copy is (or is not) among its data disks. */
function* waitForRescue(flow: Flow, rescueVmId: string, diskId: string, attached: boolean, step: string): Gen<StepEnd & { lun?: number }> {
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  for (;;) {
    const read = yield* flow.call('readRescueVm', { vmId: rescueVmId }, step);
    if (read.kind === 'end') return { ok: false, why: read.outcome.reason };
    const at = read.facts.dataDisks.find((d) => d.diskId.toLowerCase() === diskId.toLowerCase());
    if (read.facts.provisioningState === 'Succeeded' && (at !== undefined) === attached) return { ok: true, lun: at?.lun };
    if (read.facts.provisioningState === 'Failed') return { ok: false, why: `the rescue VM's data disk update failed` };
    if (flow.nowMs() >= deadline) return { ok: false, why: `the rescue VM's data disk update did not finish in time` };
    yield flow.wait(flow.settings.powerPollSeconds);
  }
}

function* attach(flow: Flow, rescueVmId: string, diskId: string, lun: number): Gen<{ ok: true; lun: number } | { ok: false; why: string }> {
  flow.begin('offline:attach', `LUN ${lun} of ${rescueVmId}`);
  const called = yield* flow.call('attachDataDisk', { vmId: rescueVmId, diskId, lun }, 'offline:attach');
  if (called.kind === 'end') {
    flow.end('offline:attach', called.outcome.reason, 'failed');
    return { ok: false, why: called.outcome.reason };
  }
  flow.wrote({
    kind: 'diskAttach',
    resourceId: rescueVmId,
    what: `attached the copy ${diskId} to the rescue VM`,
    undo: `detach the data disk ${diskId} from ${rescueVmId}`,
  });
  const done = yield* waitForRescue(flow, rescueVmId, diskId, true, 'offline:attach');
  if (!done.ok) {
    flow.end('offline:attach', done.why, 'failed');
    return done;
  }
  flow.end('offline:attach', `at LUN ${done.lun ?? called.facts.lun}`);
  return { ok: true, lun: done.lun ?? called.facts.lun };
}

function* detach(flow: Flow, rescueVmId: string, diskId: string): Gen<StepEnd> {
  flow.begin('offline:detach', `${diskId} from ${rescueVmId}`);
  const called = yield* flow.call('detachDataDisk', { vmId: rescueVmId, diskId }, 'offline:detach');
  if (called.kind === 'end') {
    flow.end('offline:detach', called.outcome.reason, 'failed');
    return { ok: false, why: called.outcome.reason };
  }
  const done = yield* waitForRescue(flow, rescueVmId, diskId, false, 'offline:detach');
  flow.end('offline:detach', done.ok ? 'detached' : done.why, done.ok ? 'succeeded' : 'failed');
  return done;
}

function* swap(flow: Flow, vmId: string, toDiskId: string, fromDiskId: string): Gen<StepEnd> {
  flow.begin('offline:swap', `${fromDiskId} -> ${toDiskId}`);
  const called = yield* flow.call('swapOsDisk', { vmId, toDiskId, expectedFromDiskId: fromDiskId }, 'offline:swap');
  if (called.kind === 'end') {
    flow.end('offline:swap', called.outcome.reason, 'failed');
    flow.find({ code: 'OsDiskSwapRefused', severity: 'error', message: called.outcome.reason, advice: null });
    return { ok: false, why: called.outcome.reason };
  }
  flow.status.changes.push({
    resourceId: vmId,
    property: 'storageProfile.osDisk.managedDisk.id',
    before: fromDiskId,
    after: toDiskId,
    at: flow.now(),
    reason: 'offline repair: the OS disk swap',
  });
  flow.wrote({
    kind: 'osDiskSwap',
    resourceId: vmId,
    what: `made ${toDiskId} the OS disk (was ${fromDiskId})`,
    undo: `deallocate the VM, set ${fromDiskId} as its OS disk, start it`,
  });
  // The update runs a few seconds in ARM; the start that follows is refused (409, retried) until it has finished.
  yield flow.wait(flow.settings.powerPollSeconds);
  flow.end('offline:swap', `the OS disk is now ${toDiskId}`);
  return OK;
}

/**
 * RDP after the start: probed from PowerState running on each power poll until healthy, or until the agent is Ready
 * and a probe then is still not healthy (steps/bootProbeStep), bounded by RESTART_TIMEOUT_MINUTES. A fixed count
 * of probes could judge a copy that is still booting (a first boot on a swapped disk can be slow) and roll it back.
 */
function* probeAfter(flow: Flow, input: OfflinePhaseInput, why: string): Gen<{ verdict: ProbeVerdict | null; reason: string }> {
  if (input.probeAddress === null) return { verdict: null, reason: 'no address to probe' };
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  const target = { address: input.probeAddress, port: input.port };
  const booted = yield* probeWhileBooting(flow, input.vm.id, target, why, 'offline:start', deadline);
  if (booted.kind === 'end') return { verdict: null, reason: booted.outcome.reason };
  const last = booted.facts.verify;
  return last ? { verdict: last.verdict, reason: last.reason } : { verdict: null, reason: 'not probed: the VM was not running' };
}
