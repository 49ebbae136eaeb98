/**
 * Which of this app's retained resources the retention timer may delete now, and why each other one is kept
 * (pure: a table test covers it). Deletion is the exception: unset settings, a missing creation time, the newest
 * snapshot of a VM, anything a running repair holds and any attached disk are kept, each with its reason.
 */
import type { RetainedResource, RetentionSettings, RunningRepairHold } from '../domain/retention';

export type RetentionVerdict = { action: 'delete'; why: string } | { action: 'keep'; why: string };

export interface PlannedResource {
  resource: RetainedResource;
  verdict: RetentionVerdict;
  /** Days since ARM created it (whole days, rounded down), or null when ARM gave no creation time. */
  ageDays: number | null;
}

const DAY_MS = 86_400_000;

function key(id: string): string {
  return id.toLowerCase();
}

function ageInDays(resource: RetainedResource, now: Date): number | null {
  const created = resource.timeCreated ? Date.parse(resource.timeCreated) : Number.NaN;
  return Number.isFinite(created) ? Math.floor((now.getTime() - created) / DAY_MS) : null;
}

/** The newest snapshot of each VM (by creation time; one without a time counts as newest, so it is kept). */
function newestSnapshots(resources: readonly RetainedResource[]): Set<string> {
  const newest = new Map<string, RetainedResource>();
  for (const r of resources) {
    if (r.kind !== 'snapshot') continue;
    const current = newest.get(key(r.vmId));
    const time = (x: RetainedResource) => (x.timeCreated ? Date.parse(x.timeCreated) : Number.POSITIVE_INFINITY);
    if (!current || time(r) > time(current)) newest.set(key(r.vmId), r);
  }
  return new Set([...newest.values()].map((r) => key(r.id)));
}

function heldBy(resource: RetainedResource, holds: readonly RunningRepairHold[]): RunningRepairHold | undefined {
  return holds.find(
    (h) =>
      (resource.repairId !== null && h.repairId === resource.repairId) ||
      (h.vmId !== null && key(h.vmId) === key(resource.vmId)) ||
      h.resourceIds.some((id) => key(id) === key(resource.id)),
  );
}

export function planRetention(
  resources: readonly RetainedResource[],
  settings: RetentionSettings,
  holds: readonly RunningRepairHold[],
  now: Date,
): PlannedResource[] {
  const newest = newestSnapshots(resources);
  return resources.map((resource) => {
    const ageDays = ageInDays(resource, now);
    const keep = (why: string): PlannedResource => ({ resource, ageDays, verdict: { action: 'keep', why } });
    const days = resource.kind === 'snapshot' ? settings.snapshotDays : settings.originalDiskDays;
    const setting = resource.kind === 'snapshot' ? 'SNAPSHOT_RETENTION_DAYS' : 'ORIGINAL_DISK_RETENTION_DAYS';
    if (days === null) return keep(`${setting} is not set: kept for ever`);
    if (ageDays === null) return keep('ARM gave no creation time, so its age is unknown');
    if (ageDays < days) return keep(`${ageDays} days old, ${setting} is ${days}`);
    const hold = heldBy(resource, holds);
    if (hold) return keep(`repair ${hold.repairId} is still running on this VM`);
    if (resource.kind === 'snapshot' && newest.has(key(resource.id))) return keep('the newest snapshot of its VM is always kept');
    // A disk whose state ARM did not give is treated as attached: deleting a disk in use is what must never happen.
    if (resource.attachedTo || (resource.kind === 'originalDisk' && resource.diskState !== 'Unattached')) {
      return keep(`attached to ${resource.attachedTo ?? 'a VM'} (${resource.diskState ?? 'state unknown'})`);
    }
    return { resource, ageDays, verdict: { action: 'delete', why: `${ageDays} days old, older than ${setting}=${days}` } };
  });
}
