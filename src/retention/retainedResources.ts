/**
 * Reads and deletes this app's retained resources through ARM: snapshots tagged with a repair id and a VM
 * (startOsDiskSnapshot.ts), and original OS disks tagged rdp-autorepair-original-of. Only tagged resources are
 * ever returned, so nothing this app did not keep can reach a deletion.
 */
import type { Disk, Snapshot } from '@azure/arm-compute';
import type { ArmClients } from '../azure/clients';
import { classifyAzureError } from '../azure/errors';
import { awaitShortLro } from '../azure/lro';
import { parseResourceId, ResourceTypes } from '../azure/resourceId';
import { RETENTION_TAGS, type RetainedResource } from '../domain/retention';
import type { Scope } from '../domain/scope';

function isoOf(value: Date | string | undefined): string | null {
  if (value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

export function retainedSnapshotOf(snapshot: Snapshot): RetainedResource | null {
  const tags = snapshot.tags ?? {};
  const vmId = tags[RETENTION_TAGS.vm];
  if (!snapshot.id || !vmId || !tags[RETENTION_TAGS.repairId]) return null;
  return {
    kind: 'snapshot',
    id: snapshot.id,
    name: snapshot.name ?? snapshot.id.split('/').pop() ?? '',
    vmId,
    repairId: tags[RETENTION_TAGS.repairId] ?? null,
    sizeGb: snapshot.diskSizeGB ?? null,
    timeCreated: isoOf(snapshot.timeCreated),
    // A snapshot is never attached; managedBy would name what holds it (none for the snapshots this app takes).
    attachedTo: snapshot.managedBy ?? null,
    diskState: snapshot.diskState ?? null,
  };
}

export function retainedDiskOf(disk: Disk): RetainedResource | null {
  const tags = disk.tags ?? {};
  const vmId = tags[RETENTION_TAGS.originalOf];
  if (!disk.id || !vmId) return null;
  return {
    kind: 'originalDisk',
    id: disk.id,
    name: disk.name ?? disk.id.split('/').pop() ?? '',
    vmId,
    repairId: tags[RETENTION_TAGS.repairId] ?? null,
    sizeGb: disk.diskSizeGB ?? null,
    timeCreated: isoOf(disk.timeCreated),
    attachedTo: disk.managedBy ?? null,
    diskState: disk.diskState ?? null,
  };
}

async function collect<T>(items: AsyncIterable<T>, map: (item: T) => RetainedResource | null, into: RetainedResource[]): Promise<void> {
  for await (const item of items) {
    const retained = map(item);
    if (retained) into.push(retained);
  }
}

/** Every retained resource in the scopes (a subscription scope lists the whole subscription), each once. */
export async function listRetained(arm: ArmClients, scopes: readonly Scope[]): Promise<RetainedResource[]> {
  const found: RetainedResource[] = [];
  for (const scope of scopes) {
    const compute = arm.compute(scope.subscriptionId);
    try {
      if (scope.resourceGroup) {
        await collect(compute.snapshots.listByResourceGroup(scope.resourceGroup), retainedSnapshotOf, found);
        await collect(compute.disks.listByResourceGroup(scope.resourceGroup), retainedDiskOf, found);
      } else {
        await collect(compute.snapshots.list(), retainedSnapshotOf, found);
        await collect(compute.disks.list(), retainedDiskOf, found);
      }
    } catch (err) {
      throw classifyAzureError(err, 'list retained snapshots and disks', scope.key);
    }
  }
  // A resource group inside a listed subscription would be read twice.
  const seen = new Set<string>();
  return found.filter((r) => {
    const k = r.id.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Deletes one retained resource and waits for ARM to finish (a delete takes seconds); throws AzureOperationError. */
export async function deleteRetained(arm: ArmClients, resource: RetainedResource): Promise<void> {
  const type = resource.kind === 'snapshot' ? ResourceTypes.snapshot : ResourceTypes.disk;
  const { subscriptionId, resourceGroup, name } = parseResourceId(resource.id, type);
  const compute = arm.compute(subscriptionId);
  const options = { updateIntervalInMs: arm.lroPollIntervalMs };
  const poller =
    resource.kind === 'snapshot'
      ? compute.snapshots.delete(resourceGroup, name, options)
      : compute.disks.delete(resourceGroup, name, options);
  const operation = resource.kind === 'snapshot' ? 'delete snapshot' : 'delete disk';
  await awaitShortLro(poller, { operation, resourceId: resource.id, pollIntervalMs: arm.lroPollIntervalMs });
}
