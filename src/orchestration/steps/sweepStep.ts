/**
 * The last step of every repair that may have started a Run Command run: remove whatever of this repair's runs
 * is still on the VM, and confirm it. A delete ARM accepted can still fail (and a run left behind blocks the next
 * one-at-a-time run and outlives the repair), so each pass lists the runs with this repair's prefix, asks again
 * for the removal of those not being deleted, and the flow waits on a durable timer until the list is empty.
 * Never ends the repair: what could not be removed is a finding and a caveat on whatever outcome it has.
 */
import type { LeftGuestRun } from '../../domain/activityContracts';
import type { Caveat } from '../../domain/repairStatus';
import { parseVmResourceId } from '../../domain/vmResourceId';
import type { Flow, Gen } from '../flow';
import { guestRunPrefix } from '../guestRunNames';

const STEP = 'sweepGuestScripts';
/** Deletes typically finish in seconds; a guest agent that does not answer can hold one for long. Bounded. */
export const SWEEP_TIMEOUT_SECONDS = 300;

/** True when a guest step began, so a run of this repair may be on the VM (nothing to sweep otherwise). */
export function mayHaveLeftGuestRuns(timeline: ReadonlyArray<{ step: string; status: string }>): boolean {
  return timeline.some((t) => t.step.startsWith('guest:') && t.status !== 'skipped');
}

export function* sweepStep(flow: Flow, vmId: string): Gen<Caveat | null> {
  flow.begin(STEP, "remove this repair's Run Command runs from the VM and confirm none is left");
  const deadline = flow.nowMs() + SWEEP_TIMEOUT_SECONDS * 1000;
  let left: LeftGuestRun[] = [];
  for (let pass = 1; ; pass += 1) {
    const swept = yield* flow.call('sweepGuestScripts', { vmId, runNamePrefix: guestRunPrefix(flow.status.startedAt) }, STEP);
    if (swept.kind === 'end') return notRemoved(flow, vmId, [], `the sweep could not run: ${swept.outcome.reason}`);
    left = swept.facts.left;
    if (left.length === 0) {
      flow.end(
        STEP,
        pass === 1 ? 'none of its runs is left on the VM' : `none of its runs is left on the VM (confirmed after ${pass} passes)`,
      );
      return null;
    }
    if (left.every((l) => l.state === 'refused')) break;
    if (flow.nowMs() >= deadline) break;
    flow.progress(`${left.length} run(s) still being removed: ${left.map((l) => l.runName).join(', ')}`);
    yield flow.wait(flow.settings.runCommandPollSeconds);
  }
  const why = left
    .map((l) =>
      l.state === 'refused'
        ? `${l.runName} (${l.detail})`
        : `${l.runName} (still ${l.state === 'deleting' ? 'being deleted' : 'there'} after ${SWEEP_TIMEOUT_SECONDS} s)`,
    )
    .join('; ');
  return notRemoved(
    flow,
    vmId,
    left.map((l) => l.runName),
    why,
  );
}

function notRemoved(flow: Flow, vmId: string, runNames: string[], why: string): Caveat {
  const names = runNames.length > 0 ? runNames.join(', ') : `the runs named ${guestRunPrefix(flow.status.startedAt)}*`;
  const vm = parseVmResourceId(vmId);
  const command = vm.ok
    ? `Remove-AzVMRunCommand -ResourceGroupName ${vm.value.resourceGroup} -VMName ${vm.value.name} -RunCommandName <name>`
    : 'Remove-AzVMRunCommand';
  flow.find({
    code: 'RunCommandLeftOnVm',
    severity: 'warning',
    message: `Run Command run(s) of this repair may still be on the VM: ${why}.`,
    advice: `Remove ${names} (${command}) once the VM runs; a run left there blocks the next one.`,
  });
  flow.end(STEP, `not confirmed removed: ${why}`, 'failed');
  return { check: 'runCommandCleanup', reason: `Not every Run Command run of this repair could be confirmed removed from the VM: ${why}.` };
}
