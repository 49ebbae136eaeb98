/** Every registration of the app, given its dependencies: what the production entry point and the simulator share. */
import type { ActivityDeps } from '../activities/deps';
import type { ApiDependencies } from '../api/apiDependencies';
import type { Telemetry } from '../domain/telemetry';
import { registerAlertsEventGrid } from './alertsEventGrid';
import { registerAlertsHttp } from './alertsHttp';
import { registerCleanupTimer } from './cleanupTimer';
import { registerRepairActivities } from './repairActivities';
import { registerRepairOrchestrator } from './repairOrchestrator';
import { registerRepairSlots } from './repairSlots';
import { registerRepairsHttp } from './repairsHttp';
import type { WatchDependencies } from '../watch/watchDependencies';
import { registerWatch } from './watch';
import { registerRetention } from './retention';

export interface AppDependencies {
  api: ApiDependencies;
  activities: ActivityDeps;
  watch: WatchDependencies;
  /** Where repair events and metrics go (Azure Monitor in production, a recorder in the simulator). */
  telemetry: Telemetry;
}

export function registerApp(deps: AppDependencies): void {
  registerRepairsHttp(deps.api);
  registerAlertsHttp(deps.api);
  registerAlertsEventGrid(deps.api);
  registerCleanupTimer(deps.api);
  registerRepairOrchestrator(deps.telemetry);
  registerRepairSlots(deps.api);
  registerRepairActivities(deps.activities);
  registerWatch(deps);
  registerRetention(deps);
}
