/**
 * SIMULATED: Microsoft.Compute/disks get, list (resource group, subscription), create (empty, or
 * `creationData.createOption: Copy` from a snapshot or disk) and delete. A copy provisions for the latency model's
 * `diskCopyFromSnapshot` on the virtual clock.
 */
import { formatTypedResourceId, ResourceTypes } from '../../../azure/resourceId';
import { ArmHttpError, badRequest, conflict } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import { ok, type HandlerResult } from '../http/responses';
import { renderDisk } from '../render/compute';
import { traitsOf } from '../world/diskTraits';
import type { DiskState, HyperVGeneration, OsType } from '../world/types';
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

const TYPE = 'Microsoft.Compute/disks';
const COLLECTION = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/${TYPE}`;
const ITEM = `${COLLECTION}/{diskName}`;
/** An empty disk is provisioned in seconds (estimate; not in the latency model because the app never creates one). */
const EMPTY_DISK_MS = 5_000;

export function diskRoutes(deps: HandlerDeps): Route[] {
  const { world } = deps;
  return [
    {
      // Disks_List (diskExamples/Disk_ListBySubscription.json): every disk of the subscription, in one page here.
      method: 'GET',
      path: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      operation: 'disks.list',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) => ok({ value: listInSubscription(world, world.store.disks, params).map((d) => renderDisk(world, d)) }),
    },
    {
      method: 'GET',
      path: COLLECTION,
      operation: 'disks.listByResourceGroup',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: ({ params }) => ok({ value: listInResourceGroup(world, world.store.disks, params).map((d) => renderDisk(world, d)) }),
    },
    {
      method: 'GET',
      path: ITEM,
      operation: 'disks.get',
      kind: 'read',
      permission: `${TYPE}/read`,
      handle: (context) => ok(renderDisk(world, requireResource(world, world.store.disks, context.params, TYPE, 'diskName'))),
    },
    {
      method: 'PUT',
      path: ITEM,
      operation: 'disks.createOrUpdate',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => putDisk(deps, context),
    },
    {
      method: 'PATCH',
      path: ITEM,
      operation: 'disks.update',
      kind: 'write',
      permission: `${TYPE}/write`,
      handle: (context) => patchDisk(deps, context),
    },
    {
      method: 'DELETE',
      path: ITEM,
      operation: 'disks.delete',
      kind: 'write',
      permission: `${TYPE}/delete`,
      handle: (context) => deleteDisk(deps, context),
    },
  ];
}

function putDisk(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const name = context.params.diskName!;
  const body = requireBody(context);
  const existing = world.store.disks.get(resourceIdFor(context.params, TYPE, name));
  if (existing) {
    // Re-running the activity that created it: only tags may change; the copy source may not.
    const source = stringAt(body, 'properties', 'creationData', 'sourceResourceId');
    if (source && source.toLowerCase() !== (existing.sourceResourceId ?? '').toLowerCase()) {
      throw conflict('PropertyChangeNotAllowed', "Changing property 'sourceResourceId' is not allowed.", 'creationData.sourceResourceId');
    }
    const tags = tagsFrom(body);
    if (tags) existing.tags = tags;
    return ok(renderDisk(world, existing));
  }

  const location = stringAt(body, 'location');
  if (!location) throw badRequest('LocationRequired', 'The location property is required for this definition.', 'location');
  const createOption = stringAt(body, 'properties', 'creationData', 'createOption');
  const id = formatTypedResourceId(ResourceTypes.disk, rg.subscriptionId, rg.name, name);
  const zones = Array.isArray(body.zones) ? (body.zones as unknown[]).filter((z): z is string => typeof z === 'string') : undefined;
  const base = {
    id,
    subscriptionId: rg.subscriptionId,
    resourceGroup: rg.name,
    name,
    location,
    tags: tagsFrom(body) ?? {},
    etag: world.newEtag(),
    ...(zones?.length ? { zones } : {}),
    skuName: stringAt(body, 'sku', 'name') ?? 'Premium_LRS',
    provisioningState: 'Updating' as const,
    timeCreated: world.clock.now().toISOString(),
    uniqueId: world.guids.guid(),
  };
  const osTypeIn = stringAt(body, 'properties', 'osType') as OsType | undefined;
  const generationIn = stringAt(body, 'properties', 'hyperVGeneration') as HyperVGeneration | undefined;

  let disk: DiskState;
  if (createOption === 'Copy') {
    const sourceId = stringAt(body, 'properties', 'creationData', 'sourceResourceId');
    const source = sourceId ? (world.store.snapshots.get(sourceId) ?? world.store.disks.get(sourceId)) : undefined;
    if (!source) {
      throw new ArmHttpError(404, 'NotFound', `Source resource '${sourceId ?? ''}' was not found.`, 'creationData.sourceResourceId');
    }
    if ('backgroundCopy' in source && world.completionPercent(source) < 100) {
      // Microsoft docs (incremental snapshots): a Premium SSD v2 / Ultra snapshot cannot be used before its
      // background copy completes. The exact code Azure answers with is not documented here; refused pessimistically.
      throw conflict(
        'OperationNotAllowed',
        `Snapshot '${source.name}' cannot be used yet: its background copy is ${world.completionPercent(source)}% complete.`,
        'creationData.sourceResourceId',
      );
    }
    const osType = osTypeIn ?? source.osType;
    const generation = generationIn ?? source.hyperVGeneration;
    const policy = stringAt(body, 'properties', 'networkAccessPolicy') as DiskState['networkAccessPolicy'] | undefined;
    disk = {
      ...base,
      // A copy keeps what its source carries (security type, controller types, architecture, ADE, access policy).
      ...traitsOf(source),
      ...(policy ? { networkAccessPolicy: policy } : {}),
      ...(osType ? { osType } : {}),
      ...(generation ? { hyperVGeneration: generation } : {}),
      sizeGb: source.sizeGb,
      createOption: 'Copy',
      sourceResourceId: source.id,
    };
  } else if (createOption === 'Empty') {
    const size = (body.properties as Record<string, unknown>).diskSizeGB;
    if (typeof size !== 'number' || size <= 0)
      throw badRequest('InvalidParameter', 'diskSizeGB is required for an empty disk.', 'diskSizeGB');
    disk = { ...base, ...(osTypeIn ? { osType: osTypeIn } : {}), sizeGb: size, createOption: 'Empty' };
  } else {
    throw badRequest('InvalidParameter', 'SIMULATED ARM supports creationData.createOption Copy and Empty.', 'creationData.createOption');
  }

  world.store.disks.set(id, disk);
  world.emit({ kind: 'resourceCreated', at: world.clock.now(), resourceId: id, resourceType: TYPE });
  const op = startOperation(deps, context, 'disks.createOrUpdate', {
    resourceId: id,
    subscriptionId: rg.subscriptionId,
    location,
    provider: 'disks',
    latency: 'diskCopyFromSnapshot',
    ...(createOption === 'Empty' ? { durationMs: EMPTY_DISK_MS } : {}),
    onSucceeded: () => {
      disk.provisioningState = 'Succeeded';
    },
    onFailed: () => {
      disk.provisioningState = 'Failed';
    },
  });
  return {
    status: 202,
    body: renderDisk(world, disk),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true),
  };
}

function deleteDisk(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const rg = requireResourceGroup(world, context.params);
  const disk = world.store.disks.get(resourceIdFor(context.params, TYPE, context.params.diskName!));
  if (!disk) return { status: 204 };
  if (disk.managedBy) {
    throw conflict('OperationNotAllowed', `Disk ${disk.name} is attached to VM ${disk.managedBy}.`);
  }
  world.store.disks.delete(disk.id);
  world.emit({ kind: 'resourceDeleted', at: world.clock.now(), resourceId: disk.id, resourceType: TYPE });
  const op = startOperation(deps, context, 'disks.delete', {
    resourceId: disk.id,
    subscriptionId: rg.subscriptionId,
    location: disk.location,
    provider: 'disks',
    latency: 'resourceDelete',
  });
  return { status: 202, headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true) };
}

/**
 * PATCH: tags (e.g. marking the original OS disk of an offline repair) and networkAccessPolicy. A long-running
 * operation like every disk write (202 with DiskOperations polling URLs); other properties are refused with a 400
 * saying the simulator does not model them.
 */
function patchDisk(deps: HandlerDeps, context: RouteContext): HandlerResult {
  const { world } = deps;
  const disk = requireResource(world, world.store.disks, context.params, TYPE, 'diskName');
  const body = requireBody(context);
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  const unsupported = Object.keys(properties).filter((k) => k !== 'networkAccessPolicy');
  if (unsupported.length > 0) {
    throw badRequest(
      'InvalidParameter',
      `SIMULATED ARM updates only tags and networkAccessPolicy of a disk, not ${unsupported.join(', ')}.`,
      'properties',
    );
  }
  const tags = tagsFrom(body);
  if (tags) disk.tags = tags;
  const policy = stringAt(body, 'properties', 'networkAccessPolicy');
  if (policy) disk.networkAccessPolicy = policy as DiskState['networkAccessPolicy'];
  disk.etag = world.newEtag();
  const op = startOperation(deps, context, 'disks.update', {
    resourceId: disk.id,
    subscriptionId: disk.subscriptionId,
    location: disk.location,
    provider: 'disks',
    latency: 'resourceDelete',
    durationMs: EMPTY_DISK_MS,
    result: () => renderDisk(world, disk),
  });
  return {
    status: 202,
    body: renderDisk(world, disk),
    headers: deps.operations.pollingHeaders(op, context.url.origin, context.apiVersion, true),
  };
}
