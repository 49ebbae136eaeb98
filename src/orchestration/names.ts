/**
 * Orchestrator names shared by the registrations and the starters: one place, so a rename cannot split them.
 * Activity names live in domain/activityContracts.ts.
 */
export const REPAIR_ORCHESTRATOR = 'RepairOrchestrator';
export const OFFLINE_REPAIR_ORCHESTRATOR = 'OfflineRepairOrchestrator';
export const CLEANUP_ORCHESTRATOR = 'RepairCleanupOrchestrator';
