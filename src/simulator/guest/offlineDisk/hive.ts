/**
 * SIMULATED: a registry hive as a key/value tree, the way a hive file loaded with `reg load` looks to the
 * offline script. Key and value names match case-insensitively and keep the case they were created with, as
 * in the Windows registry. A certificate's Blob is kept as the certificate's validity (the model has no DER
 * parser, and the script only needs NotAfter from it).
 */

export type HiveValue =
  | { kind: 'dword'; data: number }
  | { kind: 'string' | 'expand'; data: string }
  | { kind: 'binary'; data: string }
  | { kind: 'certificate'; notAfter: string };

export interface HiveKey {
  values: Record<string, HiveValue>;
  keys: Record<string, HiveKey>;
}

export function emptyKey(): HiveKey {
  return { values: {}, keys: {} };
}

function actualName(record: Record<string, unknown>, wanted: string): string | undefined {
  const lowered = wanted.toLowerCase();
  return Object.keys(record).find((name) => name.toLowerCase() === lowered);
}

function segments(path: string): string[] {
  return path.split('\\').filter((part) => part !== '');
}

/** The key at `path` (backslash-separated, relative to the hive root), created on the way when `create`. */
export function hiveKey(root: HiveKey, path: string, create = false): HiveKey | undefined {
  let key = root;
  for (const part of segments(path)) {
    const name = actualName(key.keys, part);
    if (name !== undefined) {
      key = key.keys[name]!;
    } else if (create) {
      key.keys[part] = emptyKey();
      key = key.keys[part]!;
    } else {
      return undefined;
    }
  }
  return key;
}

export function readValue(root: HiveKey, path: string, name: string): HiveValue | undefined {
  const key = hiveKey(root, path);
  if (!key) return undefined;
  const actual = actualName(key.values, name);
  return actual === undefined ? undefined : key.values[actual];
}

/** A DWORD's number, or null when the value is absent or not a DWORD. */
export function readDword(root: HiveKey, path: string, name: string): number | null {
  const value = readValue(root, path, name);
  return value?.kind === 'dword' ? value.data : null;
}

export function writeValue(root: HiveKey, path: string, name: string, value: HiveValue): void {
  const key = hiveKey(root, path, true)!;
  const actual = actualName(key.values, name) ?? name;
  key.values[actual] = value;
}

export function deleteValue(root: HiveKey, path: string, name: string): void {
  const key = hiveKey(root, path);
  const actual = key ? actualName(key.values, name) : undefined;
  if (key && actual !== undefined) delete key.values[actual];
}

export function deleteKey(root: HiveKey, parentPath: string, name: string): void {
  const parent = hiveKey(root, parentPath);
  const actual = parent ? actualName(parent.keys, name) : undefined;
  if (parent && actual !== undefined) delete parent.keys[actual];
}

export function subKeyNames(root: HiveKey, path: string): string[] | null {
  const key = hiveKey(root, path);
  return key ? Object.keys(key.keys) : null;
}

/** A tree from nested literals: `{ 'Control\\CrashControl': { CrashDumpEnabled: dword(7) } }`. */
export function buildHive(values: Record<string, Record<string, HiveValue>>): HiveKey {
  const root = emptyKey();
  for (const [path, entries] of Object.entries(values)) {
    hiveKey(root, path, true);
    for (const [name, value] of Object.entries(entries)) writeValue(root, path, name, value);
  }
  return root;
}

export const dword = (data: number): HiveValue => ({ kind: 'dword', data });
export const text = (data: string): HiveValue => ({ kind: 'string', data });
export const expandText = (data: string): HiveValue => ({ kind: 'expand', data });
