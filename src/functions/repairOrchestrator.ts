/** Registers the repair orchestration. */
import * as df from 'durable-functions';
import { REPAIR_ORCHESTRATOR } from '../orchestration/names';
import { repairOrchestrator } from '../orchestration/repairOrchestrator';

df.app.orchestration(REPAIR_ORCHESTRATOR, repairOrchestrator);
