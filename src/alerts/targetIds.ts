/**
 * What a resource id an alert names is: a VM (parses as one), another well-formed ARM resource (a storage
 * account, a connection monitor, a resource group), or malformed. A malformed id rejects the whole alert: the
 * alert then says nothing reliable about what it is about, and reading the VM from another field instead (the
 * dimensions) could start a repair of a different VM than the one the alert's author targeted.
 */
import { echoInput } from '../domain/echo';
import { identityKey, sameIdentity } from '../domain/identity';
import { parseVmResourceId } from '../domain/vmResourceId';

export type TargetIdKind = { kind: 'vm'; id: string } | { kind: 'otherResource'; id: string } | { kind: 'malformed'; message: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BAD_CHARACTERS = /[\s?#%\\]|\p{Cc}/u;
/** ARM ids are far shorter; anything longer is not one. */
const MAX_ID_CHARS = 2048;

/** Why `text` is not a well-formed ARM id (subscription, resource group, or resource under a provider), or undefined. */
function shapeProblem(text: string): string | undefined {
  if (text.length > MAX_ID_CHARS) return `is longer than any ARM id (${MAX_ID_CHARS} characters)`;
  if (!text.startsWith('/')) return 'does not start with /subscriptions/';
  const segments = text.slice(1).split('/');
  if (segments.some((s) => s === '')) return 'contains an empty path segment';
  if (segments.some((s) => s === '.' || s === '..')) return "contains a '.' or '..' segment";
  if (segments.some((s) => BAD_CHARACTERS.test(s))) return 'contains characters that cannot appear in an ARM id';
  if (!sameIdentity(segments[0], 'subscriptions') || !GUID.test(segments[1] ?? ''))
    return 'does not start with /subscriptions/{subscription GUID}';
  let rest = segments.slice(2);
  if (rest.length >= 2 && sameIdentity(rest[0], 'resourceGroups')) rest = rest.slice(2);
  else if (rest.length === 1) return 'has a dangling segment after the subscription';
  if (rest.length === 0) return undefined;
  // providers/{namespace}/{type}/{name}[/{type}/{name}]...
  if (!sameIdentity(rest[0], 'providers') || rest.length < 4 || (rest.length - 2) % 2 !== 0) {
    return 'does not continue with /providers/{namespace}/{type}/{name}';
  }
  return undefined;
}

export function classifyTargetId(raw: unknown): TargetIdKind {
  if (typeof raw !== 'string') return { kind: 'malformed', message: `${echoInput(raw)} is not a string` };
  const text = raw.trim();
  const shape = shapeProblem(text);
  if (shape) return { kind: 'malformed', message: `'${echoInput(text)}' ${shape}` };
  const vm = parseVmResourceId(text);
  if (vm.ok) return { kind: 'vm', id: text };
  // Well-formed, and under a VM (an extension, a run command) or a VM with an impossible name: the alert is
  // about something this app cannot take for the VM, and must not guess.
  if (identityKey(text).includes('/providers/microsoft.compute/virtualmachines/')) {
    return { kind: 'malformed', message: `'${echoInput(text)}' is not a virtual machine id: ${vm.message}` };
  }
  return { kind: 'otherResource', id: text };
}
