/**
 * SIMULATED: Azure Resource Manager, for tests, the demo and the benchmark. See simulatedArm.ts for how a request
 * is handled, operationTracker.ts for when long-running operations complete, world/world.ts for the scenario
 * builder, faults.ts for failure injection.
 */
export { SimulatedArm, SIMULATED_PRINCIPAL_ID, type SimulatedArmOptions } from './simulatedArm';
export { SimulatedCredential, SIMULATED_TOKEN } from './credential';
export { createSimulatedArmClients, FAST_RETRY_OPTIONS, type SimulatedArmClientOptions } from './clients';
export type { ArmChange, ArmChangeListener } from './changes';
export type { FaultSpec, LroFailureSpec, FaultHandle, NetworkErrorCode } from './faults';
export type { RequestLogEntry, ArmStats, OperationStats } from './requestLog';
export type {
  World,
  ResourceGroupRef,
  ResourceRef,
  VmRef,
  VmInput,
  VmWithNetworkInput,
  VmWithNetwork,
  VmView,
  NsgView,
  SnapshotView,
} from './world/world';
export type { SecurityRuleInput } from './world/securityRules';
export type { RunCommandConcurrency, RunCommandService } from './runCommand/runCommandService';
export type { RunCommandGuest, RunCommandExecution, RunCommandOutcome } from './runCommand/guestPort';
export type { RunCommandState, ExecutionState, RunCommandParameter } from './runCommand/runCommandState';
export {
  RUN_COMMAND_ERRORS,
  RUN_COMMAND_PICKUP_MS,
  EXTENSION_AGENT_TIMEOUT_MS,
  DEFAULT_RUN_COMMAND_TIMEOUT_SECONDS,
} from './runCommand/timing';
export type * from './world/types';
