/** Registers the repair orchestration (observed by telemetry) and its offline child (its steps reach telemetry through the parent). */
import * as df from 'durable-functions';
import { cleanupOrchestrator } from '../orchestration/cleanup/cleanupOrchestrator';
import { CLEANUP_ORCHESTRATOR, OFFLINE_REPAIR_ORCHESTRATOR, REPAIR_ORCHESTRATOR } from '../orchestration/names';
import type { Telemetry } from '../domain/telemetry';
import { offlineRepairOrchestrator } from '../orchestration/offline/offlineOrchestrator';
import { repairOrchestrator } from '../orchestration/repairOrchestrator';
import { observedRepairOrchestrator } from '../orchestration/telemetry/observedOrchestrator';

export function registerRepairOrchestrator(telemetry: Telemetry): void {
  df.app.orchestration(REPAIR_ORCHESTRATOR, observedRepairOrchestrator(repairOrchestrator, telemetry));
  df.app.orchestration(OFFLINE_REPAIR_ORCHESTRATOR, offlineRepairOrchestrator);
  df.app.orchestration(CLEANUP_ORCHESTRATOR, cleanupOrchestrator);
}
