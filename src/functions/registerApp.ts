/** Every registration of the app, given its dependencies: what the production entry point and the simulator share. */
import type { ActivityDeps } from '../activities/deps';
import type { ApiDependencies } from '../api/apiDependencies';
import { registerAlertsEventGrid } from './alertsEventGrid';
import { registerAlertsHttp } from './alertsHttp';
import { registerCleanupTimer } from './cleanupTimer';
import { registerRepairActivities } from './repairActivities';
import { registerRepairOrchestrator } from './repairOrchestrator';
import { registerRepairsHttp } from './repairsHttp';
import type { WatchDependencies } from '../watch/watchDependencies';
import { registerWatch } from './watch';

export interface AppDependencies {
  api: ApiDependencies;
  activities: ActivityDeps;
  watch: WatchDependencies;
}

export function registerApp(deps: AppDependencies): void {
  registerRepairsHttp(deps.api);
  registerAlertsHttp(deps.api);
  registerAlertsEventGrid(deps.api);
  registerCleanupTimer(deps.api);
  registerRepairOrchestrator();
  registerRepairActivities(deps.activities);
  registerWatch(deps);
}
