/**
 * SIMULATED: the durable host emulator's public surface. Never registered as a function.
 */
export { DurableHostEmulator } from './DurableHostEmulator';
export type {
  ActivityExecutionRecord,
  ActivityPoint,
  DurableHostEmulatorOptions,
  RunOptions,
  WorkerCrashRecord,
} from './DurableHostEmulator';
export type { DurableClientSurface } from './emulatorClient';
export type { ActivityFault } from './faultPlan';
export type { InstanceStats } from './instanceState';
export type { ProgressEvent, ProgressListener } from './progress';
export type { WireHistoryEvent } from './wire';
export { EntityStore, schedulerIdOf } from './entities';
export type { EntityBatchRecord, EntityIdLike, EntityOperationOutcome } from './entities';
