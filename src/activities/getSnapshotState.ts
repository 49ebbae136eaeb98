/** Activity: read a snapshot's provisioning state and copy progress. Read-only. */
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { GetSnapshotStateInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { SnapshotState } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { snapshotStateOf } from './startOsDiskSnapshot';

export async function getSnapshotState(input: GetSnapshotStateInput, deps: ActivityDeps): Promise<ActivityResult<SnapshotState>> {
  try {
    const ref = parseResourceId(input.snapshotId, ResourceTypes.snapshot);
    const snapshot = await deps.arm.compute(ref.subscriptionId).snapshots.get(ref.resourceGroup, ref.name);
    return ok(snapshotStateOf(snapshot));
  } catch (err) {
    return settleAzureError(err, 'read snapshot', input.snapshotId);
  }
}
