/** Registers the repair orchestration and its offline child (no dependencies: they only schedule activities). */
import * as df from 'durable-functions';
import { cleanupOrchestrator } from '../orchestration/cleanup/cleanupOrchestrator';
import { CLEANUP_ORCHESTRATOR, OFFLINE_REPAIR_ORCHESTRATOR, REPAIR_ORCHESTRATOR } from '../orchestration/names';
import { offlineRepairOrchestrator } from '../orchestration/offline/offlineOrchestrator';
import { repairOrchestrator } from '../orchestration/repairOrchestrator';

export function registerRepairOrchestrator(): void {
  df.app.orchestration(REPAIR_ORCHESTRATOR, repairOrchestrator);
  df.app.orchestration(OFFLINE_REPAIR_ORCHESTRATOR, offlineRepairOrchestrator);
  df.app.orchestration(CLEANUP_ORCHESTRATOR, cleanupOrchestrator);
}
