/**
 * Parsing of the one resource id a caller gives us. It is the key of everything (instance id, scope check,
 * cooldown), so it is parsed strictly here, with messages that say what was expected, before anything runs.
 * ARM ids are case-insensitive: comparisons use `key` (identity.ts, ARM's own rule), never the raw string.
 */
import { echoInput, quoteInput } from './echo';
import { identityKey, sameIdentity } from './identity';
export interface VmResourceId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** Canonical spelling: provider and type in ARM's casing, names as given. */
  id: string;
  /** identityKey of the id (ASCII lower-cased): the identity used for comparisons and the instance id. */
  key: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Resource group names: 1-90 of letters, digits, '_', '-', '.', '(', ')'; not ending in '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_\-.()]{1,90}$/u;
// Virtual machine resource names: 1-64 of letters, digits, '_', '-', '.'; start alphanumeric; not ending in '.' or '-'.
const VM_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function parseVmResourceId(raw: unknown): ParseResult<VmResourceId> {
  if (typeof raw !== 'string') return { ok: false, message: 'must be a string (the ARM id of the virtual machine)' };
  const text = raw.trim();
  if (text.length === 0) return { ok: false, message: 'must not be empty' };
  if (text.length > 512) return { ok: false, message: 'is longer than any ARM virtual machine id (512 characters at most)' };
  if (!text.startsWith('/')) {
    return { ok: false, message: 'must be an ARM id starting with /subscriptions/ (not a name or a portal URL)' };
  }
  const segments = text.slice(1).split('/');
  if (segments.some((s) => s === '')) return { ok: false, message: 'contains an empty path segment (// or a trailing /)' };
  if (segments.some((s) => s === '.' || s === '..')) return { ok: false, message: "must not contain '.' or '..' segments" };
  if (segments.some((s) => /[\s?#%\\]/.test(s) || /\p{Cc}/u.test(s))) {
    return { ok: false, message: 'contains characters that cannot appear in an ARM id (whitespace, ?, #, %, \\ or control characters)' };
  }
  const expected =
    'must look like /subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/virtualMachines/{vmName}';
  if (segments.length < 8) return { ok: false, message: expected };
  const [subs, subscriptionId, rgs, resourceGroup, providers, namespace, type, name] = segments;
  if (!sameIdentity(subs, 'subscriptions') || !sameIdentity(rgs, 'resourceGroups') || !sameIdentity(providers, 'providers')) {
    return { ok: false, message: expected };
  }
  if (!sameIdentity(namespace, 'Microsoft.Compute') || !sameIdentity(type, 'virtualMachines')) {
    return { ok: false, message: `must be a Microsoft.Compute/virtualMachines id, got a ${echoInput(`${namespace}/${type}`)} id` };
  }
  if (segments.length > 8) {
    return {
      ok: false,
      message: `points below the virtual machine (${echoInput(`/${segments.slice(8).join('/')}`)}); give the VM's own id`,
    };
  }
  if (!GUID.test(subscriptionId)) return { ok: false, message: `subscription id ${quoteInput(subscriptionId)} is not a GUID` };
  if (!RESOURCE_GROUP.test(resourceGroup) || resourceGroup.endsWith('.')) {
    return { ok: false, message: `resource group name ${quoteInput(resourceGroup)} is not a valid Azure resource group name` };
  }
  if (!VM_NAME.test(name) || name.endsWith('.') || name.endsWith('-')) {
    return { ok: false, message: `virtual machine name ${quoteInput(name)} is not a valid Azure VM name` };
  }
  const id = `/subscriptions/${subscriptionId.toLowerCase()}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
  return { ok: true, value: { subscriptionId: subscriptionId.toLowerCase(), resourceGroup, name, id, key: identityKey(id) } };
}
