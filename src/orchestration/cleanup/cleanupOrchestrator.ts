/**
 * The cleanup of one repair as its own sub-orchestration (`<repair id>:cleanup:1`): find the repair's resources by
 * its tag, decide what goes (decisions/cleanupPlan.ts), delete it (VMs first, each delete awaited, bounded), and
 * record every result in its status (`cleanup`, the timeline, a finding for each delete that failed, with the
 * resource id). Idempotent: a second run finds what the first left, and deletes of what is gone are no-ops. It
 * runs at the end of the offline child and alone through POST /api/repairs/{id}/cleanup.
 */
import type { OrchestrationContext, OrchestrationHandler } from 'durable-functions';
import type { TaggedResource } from '../../domain/activityContracts';
import type { RepairSettings } from '../../domain/config';
import type { RepairRequest } from '../../domain/repairRequest';
import type { RepairStatus } from '../../domain/repairStatus';
import { parseVmResourceId } from '../../domain/vmResourceId';
import { cleanupPlan } from '../decisions/cleanupPlan';
import { REPAIR_TAG, ROLE_TAG } from '../decisions/osDiskCopy';
import { Flow, type Gen } from '../flow';
import { newRepairStatus } from '../statusModel';

export interface CleanupOrchestrationInput {
  repairId: string;
  request: RepairRequest;
  settings: RepairSettings;
  startedAt: string;
  /** Disks to keep whatever their role: a copy that was swapped in. */
  keepDiskIds: string[];
  configuredRescueVmId: string | null;
  /** The sweeper with CLEANUP_SWEEP_DELETE=false: report what would be deleted, delete nothing. */
  reportOnly?: boolean;
}

export interface CleanupOrchestrationOutput {
  status: RepairStatus;
}

export const cleanupOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext): Gen<CleanupOrchestrationOutput> {
  const input = context.df.getInput<CleanupOrchestrationInput>();
  const status = newRepairStatus(input.repairId, input.request, 3389, input.startedAt);
  status.cleanup = [];
  const flow = new Flow(context, status, input.request, input.settings, input.repairId);
  try {
    yield* cleanUp(flow, input);
    return { status };
  } finally {
    flow.publish();
  }
};

function* cleanUp(flow: Flow, input: CleanupOrchestrationInput): Gen<void> {
  const entries = flow.status.cleanup!;
  const vmId = input.request.vm.id;
  const parsed = parseVmResourceId(vmId);
  if (!parsed.ok) return;
  const { subscriptionId, resourceGroup } = parsed.value;
  const owner = { name: REPAIR_TAG, value: input.repairId, roleTagName: ROLE_TAG };
  flow.begin('cleanup:list', `resources tagged ${REPAIR_TAG}=${input.repairId} in ${resourceGroup}`);
  const vm = yield* flow.call('readVm', { vmResourceId: vmId }, 'cleanup:list');
  const vmOsDiskId = vm.kind === 'continue' && vm.facts.found ? vm.facts.facts.osDisk.managedDiskId : null;
  const listed = yield* flow.call('listRepairResources', { subscriptionId, resourceGroup, owner }, 'cleanup:list');
  if (listed.kind === 'end') {
    flow.find({
      code: 'CleanupListFailed',
      severity: 'error',
      message: `The cleanup could not list this repair's resources: ${listed.outcome.reason}`,
      advice: `List the resources tagged ${REPAIR_TAG}=${input.repairId} in ${resourceGroup} and delete the rescue VM, NIC and copy.`,
    });
    return;
  }
  const plan = cleanupPlan(listed.facts.resources, {
    vmOsDiskId,
    keepDiskIds: input.keepDiskIds,
    configuredRescueVmId: input.configuredRescueVmId,
  });
  flow.end('cleanup:list', `${plan.delete.length} to delete, ${plan.keep.length} kept`);
  for (const kept of plan.keep) entries.push({ resourceId: kept.resource.id, role: kept.resource.role, result: 'kept', detail: kept.why });
  if (input.reportOnly) {
    for (const resource of plan.delete) {
      entries.push({ resourceId: resource.id, role: resource.role, result: 'leftover', detail: 'reported, not deleted' });
    }
    if (plan.delete.length > 0) {
      flow.find({
        code: 'CleanupLeftovers',
        severity: 'warning',
        message: `Left by the repair ${input.repairId}: ${plan.delete.map((r) => r.id).join(', ')}`,
        advice: `Delete them with POST /api/repairs/${input.repairId}/cleanup, or set CLEANUP_SWEEP_DELETE=true.`,
      });
    }
    return;
  }
  const failedVms = new Set<string>();
  for (const resource of plan.delete) {
    const host = resource.attachedTo?.toLowerCase();
    if (host && failedVms.has(host)) {
      const detail = `attached to ${resource.attachedTo}, whose delete failed: it goes with it, or with the next cleanup`;
      entries.push({ resourceId: resource.id, role: resource.role, result: 'kept', detail });
      continue;
    }
    const result = yield* deleteOne(flow, resource, owner);
    if (!result.ok && resource.type === 'Microsoft.Compute/virtualMachines') failedVms.add(resource.id.toLowerCase());
    entries.push({ resourceId: resource.id, role: resource.role, result: result.ok ? 'deleted' : 'failed', detail: result.detail });
    if (!result.ok) {
      flow.find({
        code: 'CleanupDeleteFailed',
        severity: 'error',
        message: `The cleanup could not delete ${resource.id}: ${result.detail}`,
        advice: `Delete ${resource.id} yourself once nothing uses it (it carries the tag ${REPAIR_TAG}=${input.repairId}).`,
      });
    }
  }
}

function* deleteOne(
  flow: Flow,
  resource: TaggedResource,
  owner: { name: string; value: string; roleTagName: string },
): Gen<{ ok: boolean; detail: string }> {
  flow.begin('cleanup:delete', resource.id);
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  let asked = false;
  for (;;) {
    const called = yield* flow.call('deleteRepairResource', { resourceId: resource.id, type: resource.type, owner }, 'cleanup:delete');
    if (called.kind === 'end') {
      flow.end('cleanup:delete', called.outcome.reason, 'failed');
      return { ok: false, detail: called.outcome.reason };
    }
    if (called.facts.deleted === 'alreadyGone') {
      const detail = asked ? 'deleted' : 'already gone (deleted with the rescue VM, or by an earlier cleanup)';
      flow.end('cleanup:delete', detail);
      return { ok: true, detail };
    }
    if (called.facts.deleted === 'notThisRepairs') {
      flow.end('cleanup:delete', "no longer carries this repair's tag: left alone", 'failed');
      return { ok: false, detail: "it no longer carries this repair's tag, so it was left alone" };
    }
    asked = true;
    if (flow.nowMs() >= deadline) {
      const why = `still deleting after ${flow.settings.restartTimeoutMinutes} minutes`;
      flow.end('cleanup:delete', why, 'failed');
      return { ok: false, detail: why };
    }
    yield flow.wait(flow.settings.powerPollSeconds);
  }
}
