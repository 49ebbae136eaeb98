/**
 * SIMULATED: Microsoft.Compute/snapshots get, list, create (`creationData: { createOption: 'Copy',
 * sourceResourceId }`, `incremental`) and delete.
 *
 * Following Microsoft docs ("Create an incremental snapshot for managed disks": "Both full snapshots and incremental
 * snapshots can be used immediately after being taken"), a snapshot of a Standard HDD/SSD or Premium SSD disk is
 * `Creating` for the latency model's `snapshotCreate` and then `Succeeded` and usable, with no completionPercent.
 * A snapshot of a Premium SSD v2 or Ultra disk, or one placed in another region than its disk, is `Succeeded` after
 * the same time but has a background copy to finish (`incrementalSnapshot127GiB`, scaled by disk size):
 * completionPercent rises to 100 and snapshotAccessState goes from Pending to Available.
 * The initial PUT returns 202 at once, so the app can start the snapshot in one activity and poll later.
 */
import { formatTypedResourceId, ResourceTypes } from '../../../azure/resourceId';
import { ArmHttpError, badRequest, conflict } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { renderSnapshot } from '../render/compute';
import type { SnapshotState } from '../world/types';
import { traitsOf } from '../world/diskTraits';
import {
  type HandlerDeps,
  listInResourceGroup,
  listInSubscription,
  requireBody,
  requireResource,
  requireResourceGroup,
  resourceIdFor,
  startOperation,
  stringAt,
  tagsFrom,
} from './common';

const TYPE = 'Microsoft.Compute/snapshots';
const COLLECTION = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}`;
const ITEM = `${COLLECTION}/{snapshotName}`;
const REFERENCE_DISK_GB = 127;
/** Disk types whose snapshots need a background copy before use (Microsoft docs, incremental snapshots). */
const BACKGROUND_COPY_SKUS = new Set(['premiumv2_lrs', 'ultrassd_lrs']);

function normalizedLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

export function snapshotRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
    {
      method: 'GET',
      path: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      operation: 'snapshots.list',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) => ok({ value: listInSubscription(world, world.store.snapshots, params).map((s) => renderSnapshot(world, s)) }),
    },
    {
      method: 'GET',
      path: COLLECTION,
      operation: 'snapshots.listByResourceGroup',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) => ok({ value: listInResourceGroup(world, world.store.snapshots, params).map((s) => renderSnapshot(world, s)) }),
    },
    {
      method: 'GET',
      path: ITEM,
      operation: 'snapshots.get',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: (context) => ok(renderSnapshot(world, requireResource(world, world.store.snapshots, context.params, TYPE, 'snapshotName'))),
    },
    {
      method: 'PUT',
      path: ITEM,
      operation: 'snapshots.createOrUpdate',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => putSnapshot(deps, context),
    },
    {
      method: 'DELETE',
      path: ITEM,
      operation: 'snapshots.delete',
      kind: 'write',
      permission: `${TYPE}/delete`,
      handle: (context) => deleteSnapshot(deps, context),
    },
  ];
}

function putSnapshot(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const name = context.params.snapshotName!;
  const body = requireBody(context);
  const sourceId = stringAt(body, 'properties', 'creationData', 'sourceResourceId');
  const existing = world.store.snapshots.get(resourceIdFor(context.params, TYPE, name));
  if (existing) {
    // An idempotent re-run of the activity that started it: same source, maybe new tags. 200 with the current
    // state; a client still waiting polls the resource until provisioningState is Succeeded.
    if (sourceId && sourceId.toLowerCase() !== existing.sourceResourceId.toLowerCase()) {
      throw conflict('PropertyChangeNotAllowed', "Changing property 'sourceResourceId' is not allowed.", 'creationData.sourceResourceId');
    }
    const tags = tagsFrom(body);
    if (tags) existing.tags = tags;
    return ok(renderSnapshot(world, existing));
  }

  const location = stringAt(body, 'location');
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.', 'location');
  if (stringAt(body, 'properties', 'creationData', 'createOption') !== 'Copy') {
    throw badRequest(
      'InvalidParameter',
      'SIMULATED ARM supports snapshots with creationData.createOption Copy.',
      'creationData.createOption',
    );
  }
  const disk = sourceId ? world.store.disks.get(sourceId) : undefined;
  if (!disk) throw new ArmHttpError(404, 'NotFound', `Source disk '${sourceId ?? ''}' was not found.`, 'creationData.sourceResourceId');

  const id = formatTypedResourceId(ResourceTypes.snapshot, rg.subscriptionId, rg.name, name);
  const now = world.clock.nowMs();
  const backgroundCopy =
    BACKGROUND_COPY_SKUS.has(disk.skuName.toLowerCase()) || normalizedLocation(location) !== normalizedLocation(disk.location);
  const copyDurationMs = backgroundCopy ? Math.round(deps.latency.incrementalSnapshot127GiB.ms * (disk.sizeGb / REFERENCE_DISK_GB)) : 0;
  const snapshot: SnapshotState = {
    id,
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
    name,
    location,
    tags: tagsFrom(body) ?? {},
    etag: world.newEtag(),
    incremental: body.properties !== undefined && (body.properties as Record<string, unknown>).incremental === true,
    sourceResourceId: disk.id,
    sourceUniqueId: disk.uniqueId,
    ...(disk.osType ? { osType: disk.osType } : {}),
    ...(disk.hyperVGeneration ? { hyperVGeneration: disk.hyperVGeneration } : {}),
    ...traitsOf(disk),
    sizeGb: disk.sizeGb,
    // Incremental snapshots always use standard storage (Microsoft docs); full ones default to it here too.
    skuName: stringAt(body, 'sku', 'name') ?? 'Standard_ZRS',
    provisioningState: 'Creating',
    timeCreated: new Date(now).toISOString(),
    uniqueId: world.guids.guid(),
    backgroundCopy,
    copyStartedAtMs: now,
    copyDurationMs,
  };
  world.store.snapshots.set(id, snapshot);
  world.emit({ kind: 'resourceCreated', at: world.clock.now(), resourceId: id, resourceType: TYPE });
  const op = startOperation(deps, context, 'snapshots.createOrUpdate', {
    resourceId: id,
    subscriptionId: rg.subscriptionId,
    location,
    provider: 'disks',
    latency: 'snapshotCreate',
    onSucceeded: (at) => {
      snapshot.provisioningState = 'Succeeded';
      const usableAt = Math.max(at, snapshot.copyStartedAtMs + snapshot.copyDurationMs);
      if (usableAt <= at) world.emit({ kind: 'snapshotCompleted', at: new Date(at), snapshotId: id });
      else deps.operations.schedule(usableAt, (when) => world.emit({ kind: 'snapshotCompleted', at: new Date(when), snapshotId: id }));
    },
    onFailed: () => {
      snapshot.provisioningState = 'Failed';
    },
  });
  return {
    status: 202,
    body: renderSnapshot(world, snapshot),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true),
  };
}

function deleteSnapshot(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const snapshot = world.store.snapshots.get(resourceIdFor(context.params, TYPE, context.params.snapshotName!));
  if (!snapshot) return { status: 204 };
  world.store.snapshots.delete(snapshot.id);
  world.emit({ kind: 'resourceDeleted', at: world.clock.now(), resourceId: snapshot.id, resourceType: TYPE });
  const op = startOperation(deps, context, 'snapshots.delete', {
    resourceId: snapshot.id,
    subscriptionId: rg.subscriptionId,
    location: snapshot.location,
    provider: 'disks',
    latency: 'resourceDelete',
  });
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}
