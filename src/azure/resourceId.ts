/**
 * Parsing and formatting of Azure Resource Manager resource ids.
 *
 * Every id that reaches the SDK comes from outside (an HTTP request, an alert payload, a tag), so it is
 * checked strictly here once instead of letting a malformed id turn into a confusing 404 or, worse, a request
 * against an unintended scope (`..` segments, percent-encoding tricks, empty segments).
 *
 * ARM compares ids case-insensitively; parsing keeps the caller's spelling (for display) and offers
 * `sameResourceId` for comparisons.
 */

/** The resource types this app touches, spelled as ARM documents them. */
export const ResourceTypes = Object.freeze({
  virtualMachine: 'Microsoft.Compute/virtualMachines',
  disk: 'Microsoft.Compute/disks',
  snapshot: 'Microsoft.Compute/snapshots',
  networkInterface: 'Microsoft.Network/networkInterfaces',
  networkSecurityGroup: 'Microsoft.Network/networkSecurityGroups',
  securityRule: 'Microsoft.Network/networkSecurityGroups/securityRules',
  publicIPAddress: 'Microsoft.Network/publicIPAddresses',
  virtualNetwork: 'Microsoft.Network/virtualNetworks',
  subnet: 'Microsoft.Network/virtualNetworks/subnets',
} as const);

export type KnownResourceType = (typeof ResourceTypes)[keyof typeof ResourceTypes];

export type ResourceIdProblem =
  | 'empty'
  | 'notAbsolute'
  | 'emptySegment'
  | 'dotSegment'
  | 'badSubscription'
  | 'missingResourceGroup'
  | 'badResourceGroupName'
  | 'missingProvider'
  | 'badNamespace'
  | 'missingName'
  | 'badTypeSegment'
  | 'badName'
  | 'wrongType';

/** Thrown for any id that is not a well-formed ARM id of the expected type. The message says what was expected. */
export class ResourceIdError extends Error {
  override readonly name = 'ResourceIdError';
  constructor(
    message: string,
    readonly problem: ResourceIdProblem,
    readonly input: string,
    readonly expected: string,
  ) {
    super(message);
  }
}

export interface ResourceIdSegment {
  /** Type segment as written, e.g. `virtualNetworks`. */
  type: string;
  name: string;
}

export interface ParsedResourceId {
  subscriptionId: string;
  resourceGroup: string;
  /** Resource provider namespace as written, e.g. `Microsoft.Network`. */
  namespace: string;
  /** Type/name pairs from the top-level resource down, e.g. virtualNetworks/v, subnets/s. */
  segments: ResourceIdSegment[];
  /** Full type, e.g. `Microsoft.Network/virtualNetworks/subnets` (caller's spelling). */
  type: string;
  /** Name of the innermost resource. */
  name: string;
  /** The id re-assembled from its parts (canonical keywords, caller's spelling of names). */
  id: string;
}

export interface VmResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const GENERIC_SHAPE =
  '/subscriptions/{subscription GUID}/resourceGroups/{resource group}/providers/{Namespace}/{type}/{name}[/{child type}/{child name}]';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Resource group names: letters/digits (any script), '_', '-', '.', '(', ')'; at most 90; not ending in '.'.
const RESOURCE_GROUP_NAME = /^[\p{L}\p{N}_\-.()]{1,90}$/u;
const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/;
const TYPE_SEGMENT = /^[A-Za-z][A-Za-z0-9]*$/;
// Names of the resources we handle (VMs, disks, snapshots, NICs, NSGs, rules, IPs, VNets, subnets) share
// one shape: start with a letter or digit, then letters, digits, '_', '.', '-', ending in a letter, digit or '_'.
const RESOURCE_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const DEFAULT_MAX_NAME_LENGTH = 80;
// Azure caps VM resource names at 64 characters (the Windows computer name limit of 15 is a separate setting).
const MAX_NAME_LENGTH: Record<string, number> = { 'microsoft.compute/virtualmachines': 64 };

/** True for a subscription id in ARM's GUID form. */
export function isSubscriptionId(value: string): boolean {
  return GUID.test(value);
}

/**
 * Parses any ARM resource id below a resource group. With `expectedType` (e.g. `ResourceTypes.subnet`),
 * anything else is rejected; the type comparison ignores case, as ARM does.
 */
export function parseResourceId(input: string, expectedType?: string): ParsedResourceId {
  const expected = expectedType ? shapeFor(expectedType) : GENERIC_SHAPE;
  const fail = (problem: ResourceIdProblem, detail: string): never => {
    throw new ResourceIdError(
      `Invalid ARM resource id ${JSON.stringify(truncate(input))}: ${detail}. Expected ${expected}.`,
      problem,
      input,
      expected,
    );
  };

  if (typeof input !== 'string' || input.trim() === '') fail('empty', 'the id is empty');
  const id = input.trim();
  if (!id.startsWith('/')) fail('notAbsolute', "an ARM id starts with '/subscriptions/'");
  const parts = id.slice(1).split('/');
  parts.forEach((part, index) => {
    if (part === '') fail('emptySegment', `segment ${index + 1} is empty (double or trailing '/')`);
    if (part === '.' || part === '..') fail('dotSegment', `'${part}' segments are not allowed`);
  });

  if (parts[0]?.toLowerCase() !== 'subscriptions' || parts.length < 2) {
    fail('notAbsolute', "an ARM id starts with '/subscriptions/{subscription GUID}'");
  }
  const subscriptionId = parts[1]!;
  if (!isSubscriptionId(subscriptionId)) {
    fail('badSubscription', `subscription id ${JSON.stringify(subscriptionId)} is not a GUID`);
  }
  if (parts[2]?.toLowerCase() !== 'resourcegroups' || parts.length < 4) {
    fail('missingResourceGroup', "the id has no '/resourceGroups/{name}' part");
  }
  const resourceGroup = parts[3]!;
  if (!RESOURCE_GROUP_NAME.test(resourceGroup) || resourceGroup.endsWith('.')) {
    fail(
      'badResourceGroupName',
      `resource group name ${JSON.stringify(resourceGroup)} is not valid (1-90 letters, digits, '_', '-', '.', '(', ')'; ` +
        `not ending in '.')`,
    );
  }
  if (parts[4]?.toLowerCase() !== 'providers' || parts.length < 6) {
    fail('missingProvider', "the id has no '/providers/{Namespace}' part");
  }
  const namespace = parts[5]!;
  if (!NAMESPACE.test(namespace)) {
    fail('badNamespace', `${JSON.stringify(namespace)} is not a resource provider namespace like Microsoft.Compute`);
  }

  const rest = parts.slice(6);
  if (rest.length === 0) fail('missingName', 'the id names no resource type and name');
  if (rest.length % 2 !== 0) fail('missingName', `resource type '${rest[rest.length - 1]}' has no name after it`);

  const segments: ResourceIdSegment[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    const type = rest[i]!;
    const name = rest[i + 1]!;
    if (!TYPE_SEGMENT.test(type)) fail('badTypeSegment', `${JSON.stringify(type)} is not a resource type segment`);
    segments.push({ type, name });
  }
  const type = [namespace, ...segments.map((s) => s.type)].join('/');

  if (expectedType && type.toLowerCase() !== expectedType.toLowerCase()) {
    fail('wrongType', `it is a ${type} id, not a ${expectedType} id`);
  }

  const maxLength = MAX_NAME_LENGTH[type.toLowerCase()] ?? DEFAULT_MAX_NAME_LENGTH;
  for (const segment of segments) {
    if (segment.name.length > maxLength || !RESOURCE_NAME.test(segment.name)) {
      fail(
        'badName',
        `${segment.type} name ${JSON.stringify(truncate(segment.name))} is not a valid Azure resource name ` +
          `(1-${maxLength} letters, digits, '_', '.', '-'; starting with a letter or digit; not ending in '.' or '-')`,
      );
    }
  }

  const name = segments[segments.length - 1]!.name;
  return {
    subscriptionId,
    resourceGroup,
    namespace,
    segments,
    type,
    name,
    id: formatResourceId({ subscriptionId, resourceGroup, namespace, segments }),
  };
}

/** Parses the id of a virtual machine (any case of `Microsoft.Compute/virtualMachines`); rejects anything else. */
export function parseVmResourceId(input: string): VmResourceId {
  const parsed = parseResourceId(input, ResourceTypes.virtualMachine);
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, name: parsed.name };
}

/** Builds an id from its parts. Names are inserted as-is: callers pass names that were validated or generated. */
export function formatResourceId(parts: {
  subscriptionId: string;
  resourceGroup: string;
  namespace: string;
  segments: ReadonlyArray<ResourceIdSegment>;
}): string {
  const tail = parts.segments.map((s) => `${s.type}/${s.name}`).join('/');
  return `/subscriptions/${parts.subscriptionId}/resourceGroups/${parts.resourceGroup}/providers/${parts.namespace}/${tail}`;
}

/** Formats the id of a top-level resource of a known type, e.g. `formatTypedResourceId(ResourceTypes.disk, sub, rg, 'd1')`. */
export function formatTypedResourceId(type: KnownResourceType, subscriptionId: string, resourceGroup: string, ...names: string[]): string {
  const [namespace, ...types] = type.split('/');
  if (names.length !== types.length) {
    throw new Error(`${type} needs ${types.length} name(s), got ${names.length}`);
  }
  return formatResourceId({
    subscriptionId,
    resourceGroup,
    namespace: namespace!,
    segments: types.map((t, i) => ({ type: t, name: names[i]! })),
  });
}

/** ARM ids are case-insensitive; a trailing '/' is not significant. Invalid input simply compares unequal. */
export function sameResourceId(a: string | undefined | null, b: string | undefined | null): boolean {
  if (!a || !b) return false;
  return normalise(a) === normalise(b);
}

function normalise(id: string): string {
  return id.trim().replace(/\/+$/, '').toLowerCase();
}

function shapeFor(type: string): string {
  const [namespace, ...types] = type.split('/');
  const tail = types.map((t) => `${t}/{${singular(t)} name}`).join('/');
  return `an id of type ${type}: /subscriptions/{subscription GUID}/resourceGroups/{resource group}/providers/${namespace}/${tail}`;
}

function singular(type: string): string {
  if (type.endsWith('Addresses')) return type.slice(0, -2);
  return type.endsWith('s') ? type.slice(0, -1) : type;
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}…` : value;
}
