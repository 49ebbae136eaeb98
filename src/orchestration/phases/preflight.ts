/** Phase 1: read the VM and decide whether this tool may touch it at all. Reads only. */
import type { VmFacts } from '../../domain/vmFacts';
import { Findings } from '../findings';
import { DEFAULT_RDP_PORT } from '../orchestrationInput';
import { end, type Flow, type Gen, type PhaseResult, proceed } from '../flow';
import { notRunningOutcome, rejectionFor } from '../decisions/preflight';

export function* preflightPhase(flow: Flow): Gen<PhaseResult<VmFacts>> {
  flow.begin('preflight', `reading ${flow.request.vm.id}`);
  const read = yield* flow.call('readVm', { vmResourceId: flow.request.vm.id }, 'preflight');
  if (read.kind === 'end') return read;
  if (!read.facts.found) {
    return end({
      kind: 'Rejected',
      reason: read.facts.message,
      advice: ['Check the vmResourceId (subscription, resource group and VM name).'],
    });
  }
  const vm = read.facts.facts;
  flow.status.artifacts.originalOsDiskId = vm.osDisk.managedDiskId;
  const rejection = rejectionFor(vm) ?? notRunningOutcome(vm);
  if (rejection) return end(rejection);
  const generation = vm.generation === 'Unknown' ? '' : `Gen${vm.generation.slice(1)} `;
  flow.end(
    'preflight',
    `${vm.osType} ${generation}VM in ${vm.location}${vm.zone ? ` zone ${vm.zone}` : ''}, ${vm.powerState}, VM agent ${vm.agentStatus}`,
  );
  if (flow.request.rdpPort === undefined) {
    flow.find(Findings.rdpPortAssumed(DEFAULT_RDP_PORT));
  }
  return proceed(vm);
}
