/**
 * The ephemeral rescue VM, while the broken VM still runs: read the VM's image, subnet and the region's sizes,
 * decide (decisions/ephemeralRescueVm.ts), create it (idempotent activity; its password never leaves it), and
 * wait, bounded, until it runs with its VM agent Ready. Every way out before the rescue VM is Ready ends
 * NotRepaired with the broken VM untouched (never deallocated); whatever was created is tagged and removed by the
 * cleanup that ends the offline child. Its approval gate ('createRescueVm') stands right before the create, after
 * the read-only choice, so the planned change it shows names the subnet and the sizes; the API delivers approval
 * and cancel events to this child while it runs.
 */
import { DEFAULT_RESCUE_VM_SETTINGS } from '../../domain/rescueVmSettings';
import type { OsDiskProperties } from '../../domain/offlineRepair';
import type { Outcome } from '../../domain/repairStatus';
import type { VmFacts } from '../../domain/vmFacts';
import { ephemeralRescuePlan } from '../decisions/ephemeralRescueVm';
import { REPAIR_TAG, ROLE_TAG } from '../decisions/osDiskCopy';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { approvalStep } from '../steps/approvalStep';

const STEP = 'offline:rescueVmCreate';

function untouched(reason: string, advice: string[]): Outcome {
  return { kind: 'NotRepaired', reason: `${reason} The VM was not stopped and nothing of it was changed.`, advice };
}

export function* ephemeralRescueStep(flow: Flow, vm: VmFacts, original: OsDiskProperties): Gen<PhaseResult<{ rescueVmId: string }>> {
  const settings = flow.settings.rescueVm ?? DEFAULT_RESCUE_VM_SETTINGS;
  flow.begin(STEP, `choosing an image and a size in ${vm.location}${vm.zone ? ` zone ${vm.zone}` : ''}`);
  const options = yield* flow.call('readRescueVmOptions', { vmId: vm.id, sizes: settings.sizes }, STEP);
  if (options.kind === 'end') return options;
  const decision = ephemeralRescuePlan(flow.repairId, vm, original, options.facts, settings);
  if (!decision.ok) {
    flow.end(STEP, decision.problems.join('; '), 'failed');
    flow.find({ code: 'RescueVmNotPossible', severity: 'error', message: decision.problems.join('; '), advice: null });
    return end(
      untouched(`No rescue VM can be created: ${decision.problems.join('; ')}.`, [
        'Set RESCUE_VM_SIZES to sizes offered in this region and zone (or RESCUE_VM_IMAGE / RESCUE_VM_SUBNET_ID), or name a ' +
          'rescue VM of your own as "rescueVmResourceId".',
      ]),
    );
  }
  const plan = decision.plan;
  if (options.facts.offersProblem !== null) {
    flow.find({
      code: 'RescueVmSizesUnchecked',
      severity: 'warning',
      message: `The region's VM sizes could not be listed (${options.facts.offersProblem}): the sizes are tried in order.`,
      advice:
        'Give the app Microsoft.Compute/skus/read at subscription scope (e.g. the Reader role) so that sizes not offered are ' +
        'skipped before any create.',
    });
  }
  const approved = yield* approvalStep(flow, 'createRescueVm', [
    {
      resourceId: vm.id,
      property: 'rescue VM',
      before: null,
      after: `a temporary Windows VM ${plan.names.vmName} in ${vm.location}${vm.zone ? ` zone ${vm.zone}` : ''}, no public IP`,
      reason: 'no rescueVmResourceId was given: a rescue VM is created, used to repair the copy, and deleted again',
    },
  ]);
  if (approved.kind === 'end') return approved;
  const owner = { name: REPAIR_TAG, value: flow.repairId, roleTagName: ROLE_TAG };
  const created = yield* flow.call(
    'createRescueVm',
    {
      owner,
      vmId: vm.id,
      vmName: plan.names.vmName,
      nicName: plan.names.nicName,
      osDiskName: plan.names.osDiskName,
      computerName: plan.names.computerName,
      location: vm.location,
      zone: vm.zone,
      subnetId: plan.subnetId,
      image: plan.image,
      sizes: plan.sizes,
      securityType: plan.securityType,
      tags: plan.tags,
    },
    STEP,
  );
  if (created.kind === 'end') return created;
  const result = created.facts;
  const skipped = [...plan.skipped.map((s) => `${s.size}: ${s.why}`), ...result.refused.map((r) => `${r.size}: ${r.code}`)];
  for (const refusal of result.refused) {
    flow.find({
      code: refusal.code === 'OperationNotAllowed' ? 'RescueVmQuota' : 'RescueVmSizeRefused',
      severity: 'warning',
      message: `Azure refused a rescue VM of size ${refusal.size}: ${refusal.code}: ${refusal.message}`,
      advice: null,
    });
  }
  if (!result.created) {
    flow.end(STEP, `every size was refused (${skipped.join('; ')})`, 'failed');
    return end(
      untouched(`No rescue VM could be created: Azure refused every size tried (${skipped.join('; ')}).`, [
        'Raise the vCPU quota of a size family in RESCUE_VM_SIZES for this region (Azure portal, Quotas), or set ' +
          'RESCUE_VM_SIZES to sizes with free quota, or name a rescue VM of your own as "rescueVmResourceId".',
      ]),
    );
  }
  flow.status.artifacts.rescueVmId = result.vmId;
  flow.status.changes.push({
    resourceId: result.vmId,
    property: 'resource',
    before: null,
    after: `rescue VM ${plan.image.sku}:${plan.image.version}, ${result.size}`,
    at: flow.now(),
    reason: 'offline repair: a temporary rescue VM, deleted by the cleanup',
  });
  flow.find({
    code: 'RescueVmCreated',
    severity: 'info',
    message:
      `The rescue VM is ${plan.names.vmName}: ${result.size}` +
      `${skipped.length ? ` (skipped ${skipped.join('; ')})` : ''}, image ${plan.image.sku}:${plan.image.version} (${plan.imageWhy})` +
      `${plan.securityType ? ', Trusted Launch like the OS disk' : ''}, no public IP; deleted again when the repair ends.`,
    advice: null,
  });
  // Bounded wait for the VM to run with its agent Ready: Run Command needs the agent.
  const deadline = flow.nowMs() + flow.settings.restartTimeoutMinutes * 60_000;
  for (;;) {
    const read = yield* flow.call('readRescueVm', { vmId: result.vmId }, STEP);
    if (read.kind === 'end') return read;
    const facts = read.facts.facts;
    if (read.facts.provisioningState === 'Failed') {
      flow.end(STEP, 'the rescue VM failed to provision', 'failed');
      return end(
        untouched(`The rescue VM ${result.vmId} failed to provision.`, ['Retry the repair later, or name a rescue VM of your own.']),
      );
    }
    if (read.facts.provisioningState === 'Succeeded' && facts?.powerState === 'running' && facts.agentStatus === 'Ready') break;
    if (flow.nowMs() >= deadline) {
      const why = `the rescue VM's agent was not Ready after ${flow.settings.restartTimeoutMinutes} minutes`;
      flow.end(STEP, why, 'failed');
      return end(untouched(`${why[0]!.toUpperCase()}${why.slice(1)}.`, ['Retry the repair later, or name a rescue VM of your own.']));
    }
    yield flow.wait(flow.settings.powerPollSeconds);
  }
  flow.end(STEP, `${plan.names.vmName} (${result.size}) running, agent Ready`);
  return proceed({ rescueVmId: result.vmId });
}
