/** Mapping ARM's VirtualMachine (with instanceView) to the facts the flow decides on. Pure. */
import type { VirtualMachine, VirtualMachineInstanceView } from '@azure/arm-compute';
import type { AgentStatus, PowerState, VmFacts, VmPowerReading } from '../domain/vmFacts';

const POWER_STATES: ReadonlySet<string> = new Set(['running', 'starting', 'stopping', 'stopped', 'deallocating', 'deallocated']);

function powerStateOf(view: VirtualMachineInstanceView | undefined): PowerState {
  const code = view?.statuses?.find((s) => s.code?.toLowerCase().startsWith('powerstate/'))?.code;
  const state = code?.slice('PowerState/'.length).toLowerCase();
  return state && POWER_STATES.has(state) ? (state as PowerState) : 'unknown';
}

function agentOf(view: VirtualMachineInstanceView | undefined): { status: AgentStatus; message: string | null } {
  const statuses = view?.vmAgent?.statuses ?? [];
  const display = statuses.map((s) => s.displayStatus ?? '').find((d) => d !== '');
  const message = statuses.map((s) => s.message ?? '').find((m) => m !== '') ?? null;
  if (!display) return { status: 'Unknown', message };
  const normalized = display.replace(/\s+/g, '').toLowerCase();
  return { status: normalized === 'ready' ? 'Ready' : normalized === 'notready' ? 'NotReady' : 'Unknown', message };
}

export function vmFactsFromArm(vm: VirtualMachine): VmFacts {
  const osDisk = vm.storageProfile?.osDisk;
  const osType =
    osDisk?.osType ?? (vm.osProfile?.windowsConfiguration ? 'Windows' : vm.osProfile?.linuxConfiguration ? 'Linux' : undefined);
  const generation = vm.instanceView?.hyperVGeneration;
  const nics = vm.networkProfile?.networkInterfaces ?? [];
  const primary = nics.find((n) => n.primary) ?? nics[0];
  const agent = agentOf(vm.instanceView);
  return {
    id: vm.id ?? '',
    name: vm.name ?? '',
    location: vm.location ?? '',
    zone: vm.zones?.[0] ?? null,
    vmSize: vm.hardwareProfile?.vmSize ?? null,
    osType: osType === 'Windows' || osType === 'Linux' ? osType : 'Unknown',
    generation: generation === 'V1' || generation === 'V2' ? generation : 'Unknown',
    powerState: powerStateOf(vm.instanceView),
    agentStatus: agent.status,
    agentMessage: agent.message,
    osDisk: { name: osDisk?.name ?? '', managedDiskId: osDisk?.managedDisk?.id ?? null, sizeGb: osDisk?.diskSizeGB ?? null },
    nicIds: nics.map((n) => n.id ?? '').filter(Boolean),
    primaryNicId: primary?.id ?? null,
    tags: { ...(vm.tags ?? {}) },
  };
}

export function powerReadingFromInstanceView(view: VirtualMachineInstanceView): VmPowerReading {
  const agent = agentOf(view);
  const provisioning = view.statuses?.find((s) => s.code?.toLowerCase().startsWith('provisioningstate/'))?.code?.toLowerCase();
  return {
    powerState: powerStateOf(view),
    agentStatus: agent.status,
    agentMessage: agent.message,
    operationInProgress: provisioning === 'provisioningstate/updating',
  };
}
