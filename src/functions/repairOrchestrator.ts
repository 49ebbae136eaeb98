/** Registers the repair orchestration (it needs no dependencies: it only schedules activities). */
import * as df from 'durable-functions';
import { REPAIR_ORCHESTRATOR } from '../orchestration/names';
import { repairOrchestrator } from '../orchestration/repairOrchestrator';

export function registerRepairOrchestrator(): void {
  df.app.orchestration(REPAIR_ORCHESTRATOR, repairOrchestrator);
}
