/**
 * SIMULATED: what the VM and its guest agent report at a given virtual instant.
 *
 * A scenario sets the agent's health (`Ready`, or broken as `NotReady`/`Unknown`). What the instance view shows
 * also depends on power: nothing while deallocated (there is no guest to ask), Not Ready while stopped or
 * booting, and Ready only `agentReadyAfterBoot` after the VM reached `running`.
 */
import type { AgentStatus, PowerState, VirtualMachineState } from './types';

export function reportedAgentStatus(
  vm: Pick<VirtualMachineState, 'powerState' | 'agentHealth' | 'bootedAtMs'>,
  nowMs: number,
  agentReadyAfterBootMs: number,
): AgentStatus | undefined {
  if (!isAllocated(vm.powerState)) return undefined;
  if (vm.powerState !== 'running') return 'NotReady';
  if (vm.agentHealth !== 'Ready') return vm.agentHealth;
  return nowMs >= vm.bootedAtMs + agentReadyAfterBootMs ? 'Ready' : 'NotReady';
}

/** Allocated on a host (so the guest and its agent exist), as opposed to deallocated. */
export function isAllocated(state: PowerState): boolean {
  return state !== 'deallocated' && state !== 'deallocating';
}

/** The transitional state shown while an action runs, and the state it settles in. */
export const POWER_TRANSITIONS = {
  start: { during: 'starting', after: 'running' },
  restart: { during: 'starting', after: 'running' },
  deallocate: { during: 'deallocating', after: 'deallocated' },
  powerOff: { during: 'stopping', after: 'stopped' },
} as const satisfies Record<string, { during: PowerState; after: PowerState }>;

export type PowerAction = keyof typeof POWER_TRANSITIONS;
