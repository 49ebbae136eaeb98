/**
 * Activity: start an incremental snapshot of the OS disk and return at once; the orchestrator polls it with
 * durable timers (a copy of a large disk takes minutes, longer than an activity should live).
 * Idempotent: the snapshot name comes from the orchestrator, so a re-run finds the snapshot it started.
 */
import type { Snapshot } from '@azure/arm-compute';
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { ActivityResult } from '../domain/activityResult';
import type { SnapshotStartInput, SnapshotState } from '../domain/vmFacts';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';
import { classifyAzureError } from '../azure/errors';

export function snapshotStateOf(snapshot: Snapshot): SnapshotState {
  return {
    snapshotId: snapshot.id ?? '',
    provisioningState: snapshot.provisioningState ?? 'Unknown',
    // Reported only for snapshots that need a background copy (Premium SSD v2, Ultra, cross-region); read defensively.
    completionPercent:
      typeof snapshot.completionPercent === 'number' && Number.isFinite(snapshot.completionPercent) ? snapshot.completionPercent : null,
  };
}

export async function startOsDiskSnapshot(input: SnapshotStartInput, deps: ActivityDeps): Promise<ActivityResult<SnapshotState>> {
  // The snapshot lives beside the VM (same subscription and resource group) so the VM's operators find it.
  try {
    const { subscriptionId, resourceGroup } = parseResourceId(input.vmId, ResourceTypes.virtualMachine);
    const compute = deps.arm.compute(subscriptionId);
    try {
      const existing = await compute.snapshots.get(resourceGroup, input.snapshotName);
      return ok(snapshotStateOf(existing));
    } catch (err) {
      if (classifyAzureError(err, 'read snapshot').statusCode !== 404) throw err;
    }
    const snapshot: Snapshot = {
      location: input.location,
      incremental: true,
      creationData: { createOption: 'Copy', sourceResourceId: input.osDiskId },
      tags: {
        'rdp-autorepair-vm': input.vmId.toLowerCase(),
        'rdp-autorepair-repair-id': input.repairId,
        'rdp-autorepair-purpose': 'backup before repair; delete when no longer needed',
      },
    };
    const poller = compute.snapshots.createOrUpdate(resourceGroup, input.snapshotName, snapshot, {
      updateIntervalInMs: deps.arm.lroPollIntervalMs,
    });
    // Returns once ARM accepted the PUT; the copy goes on in Azure while the orchestrator waits.
    await startLro(poller, { operation: 'create OS disk snapshot', resourceId: input.osDiskId });
    const created = await compute.snapshots.get(resourceGroup, input.snapshotName);
    return ok(snapshotStateOf(created));
  } catch (err) {
    return settleAzureError(err, 'create OS disk snapshot', input.osDiskId);
  }
}
