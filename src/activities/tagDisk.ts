/**
 * Activity: add tags to a managed disk (the offline repair marks the original OS disk
 * `rdp-autorepair-original-of=<vm>` once the copy is swapped in). A tags-only PATCH: it changes the disk's ARM
 * metadata, never its data, and works while the disk is unattached or attached. ARM replaces the whole tag set on
 * a PATCH, so the disk's current tags are read first and kept. Idempotent: a disk that already carries every tag
 * is not written again.
 */
import { startLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import type { TagDiskInput } from '../domain/activityContracts';
import type { ActivityResult } from '../domain/activityResult';
import type { ActivityDeps } from './deps';
import { ok, settleAzureError } from './settle';

export async function tagDisk(input: TagDiskInput, deps: ActivityDeps): Promise<ActivityResult<{ alreadyTagged: boolean }>> {
  try {
    const d = parseResourceId(input.diskId, ResourceTypes.disk);
    const disks = deps.arm.compute(d.subscriptionId).disks;
    const current = (await disks.get(d.resourceGroup, d.name)).tags ?? {};
    if (Object.entries(input.tags).every(([k, v]) => current[k] === v)) return ok({ alreadyTagged: true });
    const poller = disks.update(
      d.resourceGroup,
      d.name,
      { tags: { ...current, ...input.tags } },
      { updateIntervalInMs: deps.arm.lroPollIntervalMs },
    );
    await startLro(poller, { operation: 'tag disk', resourceId: input.diskId });
    return ok({ alreadyTagged: false });
  } catch (err) {
    return settleAzureError(err, 'tag disk', input.diskId);
  }
}
