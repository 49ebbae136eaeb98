/**
 * The guest scripts as files, and the runtime mirror of their parameter contracts.
 *
 * The `.ps1` files are the source of truth for what runs on the VM; this module finds them at run time and
 * describes the parameters each one declares, typed against the *Params interfaces in scriptContracts.ts so
 * that adding, renaming or retyping a parameter there fails compilation here until the mirror follows.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GuestScriptName, GuestScripts } from './scriptContracts';

/** Every script, in the order a repair uses them. Checked below to cover GuestScriptName exactly. */
export const GUEST_SCRIPT_NAMES = [
  'diagnose',
  'fix-port-conflict',
  'renew-certificate',
  'enable-tls',
  'restore-group-policy',
  // Runs on a rescue VM against the attached copy of a broken VM's OS disk, not on the broken VM itself.
  'offline-repair',
  'boot-time',
] as const satisfies readonly GuestScriptName[];

// A name missing from GUEST_SCRIPT_NAMES makes this type `false` and the assignment below a compile error.
type CoversAllNames = Exclude<GuestScriptName, (typeof GUEST_SCRIPT_NAMES)[number]> extends never ? true : false;
const coversAllNames: CoversAllNames = true;
void coversAllNames;

/** Scripts that must never change the guest (statically checked by test/guest). */
export const READ_ONLY_SCRIPTS = ['diagnose', 'boot-time'] as const satisfies readonly GuestScriptName[];

/**
 * Scripts that run on a rescue VM against an attached copy of a broken VM's OS disk (statically held to the
 * offline rules by test/guest: no fixed drive letter or control set, hives unloaded in finally, ...).
 */
export const OFFLINE_SCRIPTS = ['offline-repair'] as const satisfies readonly GuestScriptName[];

export function isOfflineScript(name: GuestScriptName): boolean {
  return (OFFLINE_SCRIPTS as readonly GuestScriptName[]).includes(name);
}

export function isReadOnlyScript(name: GuestScriptName): boolean {
  return (READ_ONLY_SCRIPTS as readonly GuestScriptName[]).includes(name);
}

export function isGuestScriptName(value: string): value is GuestScriptName {
  return (GUEST_SCRIPT_NAMES as readonly string[]).includes(value);
}

/** The kind of TypeScript value a parameter carries (what callers pass to toRunCommandParameters). */
export type GuestParameterType = 'string' | 'int' | 'bool';

export interface GuestScriptParameter {
  readonly name: string;
  readonly type: GuestParameterType;
}

/** How each kind is declared in the script's param() block. */
export interface PowerShellBinding {
  /** The type constraint, e.g. `[int]`. */
  readonly typeName: 'string' | 'int';
  /** A ValidateSet the declaration must carry, when the kind needs one. */
  readonly validateSet?: readonly string[];
}

/**
 * Run Command hands every parameter value to the script as a string. Windows PowerShell 5.1 converts a string
 * to `[int]` during parameter binding, but refuses to bind "true"/"1" to `[bool]` ("Boolean parameters accept
 * only Boolean values and numbers") and a `[switch]` cannot be given a value as a named string parameter at
 * all. So a boolean travels as `[string]` restricted to 'true' | 'false' and the script compares it with 'true'.
 */
export const POWERSHELL_BINDINGS: Readonly<Record<GuestParameterType, PowerShellBinding>> = {
  string: { typeName: 'string' },
  int: { typeName: 'int' },
  bool: { typeName: 'string', validateSet: ['true', 'false'] },
};

type KindOf<T> = T extends boolean ? 'bool' : T extends number ? 'int' : T extends string ? 'string' : never;

/** For a *Params interface: every key, each mapped to the kind of its value; nothing more. */
type ParameterKinds<P> = { readonly [K in keyof P & string]: KindOf<P[K]> };

// `satisfies` checks both directions for each script: a missing key is an error (the mapped type requires
// it), an extra key is an error (excess property check), and a wrong kind is an error (literal mismatch).
// Key order is the order the .ps1 param() blocks declare them (a test compares the two).
const PARAMETER_KINDS = {
  diagnose: {},
  'fix-port-conflict': { ServiceName: 'string', RdpPort: 'int', FallbackPort: 'int' },
  'renew-certificate': { BackupDirectory: 'string' },
  'enable-tls': { AllowLegacyTls: 'bool' },
  'restore-group-policy': { PreviousStart: 'int' },
  'offline-repair': { Lun: 'int', DiskSizeGiB: 'int', Generation: 'int', RunId: 'string', DetectOnly: 'bool', AllowLegacyTls: 'bool' },
  'boot-time': {},
} as const satisfies { readonly [N in GuestScriptName]: ParameterKinds<GuestScripts[N]['params']> };

function toParameterList(kinds: Readonly<Record<string, GuestParameterType>>): readonly GuestScriptParameter[] {
  return Object.freeze(Object.entries(kinds).map(([name, type]) => Object.freeze({ name, type })));
}

/** Each script's param() block as data: names (exact case) and kinds, in declaration order. */
export const GUEST_SCRIPT_PARAMETERS: Readonly<Record<GuestScriptName, readonly GuestScriptParameter[]>> = Object.freeze({
  diagnose: toParameterList(PARAMETER_KINDS.diagnose),
  'fix-port-conflict': toParameterList(PARAMETER_KINDS['fix-port-conflict']),
  'renew-certificate': toParameterList(PARAMETER_KINDS['renew-certificate']),
  'enable-tls': toParameterList(PARAMETER_KINDS['enable-tls']),
  'restore-group-policy': toParameterList(PARAMETER_KINDS['restore-group-policy']),
  'offline-repair': toParameterList(PARAMETER_KINDS['offline-repair']),
  'boot-time': toParameterList(PARAMETER_KINDS['boot-time']),
});

/**
 * Where the .ps1 files are. Tests and ts-node run from src/guest, next to scripts/. Compiled code runs from
 * dist/src/guest, and tsc does not copy .ps1 files, so the second place is the source tree three levels up
 * (dist/src/guest -> repository root). The deployment package must therefore include src/guest/scripts.
 */
export function guestScriptDirectories(baseDir: string = __dirname): string[] {
  return [join(baseDir, 'scripts'), resolve(baseDir, '..', '..', '..', 'src', 'guest', 'scripts')];
}

export class GuestScriptNotFoundError extends Error {
  override readonly name = 'GuestScriptNotFoundError';
  constructor(
    readonly script: string,
    readonly searched: readonly string[],
  ) {
    super(`guest script ${script}.ps1 not found; looked in ${searched.join(', ')}`);
  }
}

/**
 * The line each script carries, right after its param() block and preferences, where loadGuestScript inserts
 * the shared helpers. PowerShell only accepts comments before param(), so the helpers cannot simply be put in
 * front of the script text; and Run Command sends ONE script, so they cannot be dot-sourced from a file either.
 */
export const COMMON_HELPERS_MARKER = '# rdp-autorepair: common helpers go here';

/**
 * The helper files (in src/guest/scripts, without .ps1) inserted at the marker, in order. common-read holds
 * read-only helpers only and goes into every script; common-write (change recording, registry writes, service
 * starts) goes only into scripts that may change the guest, so a READ_ONLY_SCRIPTS script never carries it.
 */
export const COMMON_HELPER_FILES = ['common-read', 'common-write'] as const;
export type CommonHelperFile = (typeof COMMON_HELPER_FILES)[number];

export function commonHelpersFor(name: GuestScriptName): readonly CommonHelperFile[] {
  return isReadOnlyScript(name) ? ['common-read'] : COMMON_HELPER_FILES;
}

export class GuestScriptCompositionError extends Error {
  override readonly name = 'GuestScriptCompositionError';
  constructor(
    readonly script: string,
    readonly problem: 'marker-missing' | 'marker-repeated' | 'marker-in-helper',
    detail: string,
  ) {
    super(`guest script ${script}.ps1 cannot be composed: ${detail}`);
  }
}

function isMarkerLine(line: string): boolean {
  return line.replace(/\r$/, '') === COMMON_HELPERS_MARKER;
}

/**
 * The script with its marker line replaced by the helpers' texts (each ending in a newline). The marker must
 * stand alone on exactly one line of the script and on no line of a helper.
 */
export function composeGuestScript(name: string, scriptText: string, helpers: readonly { file: string; text: string }[]): string {
  for (const helper of helpers) {
    if (helper.text.split('\n').some(isMarkerLine)) {
      throw new GuestScriptCompositionError(
        name,
        'marker-in-helper',
        `${helper.file}.ps1 contains the marker line "${COMMON_HELPERS_MARKER}"`,
      );
    }
  }
  const lines = scriptText.split('\n');
  const at = lines.flatMap((line, index) => (isMarkerLine(line) ? [index] : []));
  if (at.length === 0) {
    throw new GuestScriptCompositionError(
      name,
      'marker-missing',
      `no line "${COMMON_HELPERS_MARKER}" (after the param() block) to insert the common helpers at`,
    );
  }
  if (at.length > 1) {
    throw new GuestScriptCompositionError(
      name,
      'marker-repeated',
      `the line "${COMMON_HELPERS_MARKER}" appears ${at.length} times (lines ${at.map((i) => i + 1).join(', ')}); it must appear once`,
    );
  }
  const eol = lines[at[0]!]!.endsWith('\r') ? '\r\n' : '\n';
  // Lines keep the script's line ending; the last inserted line gets the `\r` the marker line had, if any.
  const inserted =
    helpers
      .map((h) =>
        h.text
          .replace(/\r?\n$/, '')
          .split(/\r?\n/)
          .join(eol),
      )
      .join(eol + eol) + (eol === '\r\n' ? '\r' : '');
  return [...lines.slice(0, at[0]!), inserted, ...lines.slice(at[0]! + 1)].join('\n');
}

function readScriptFile(file: string, directories: readonly string[]): string {
  const candidates = directories.map((dir) => join(dir, `${file}.ps1`));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) throw new GuestScriptNotFoundError(file, candidates);
  return readFileSync(found, 'utf8').replace(/^\uFEFF/, '');
}

const scriptTextCache = new Map<GuestScriptName, string>();

export interface LoadGuestScriptOptions {
  /** Where to look for the .ps1 files instead of guestScriptDirectories() (tests); such texts are not cached. */
  readonly directories?: readonly string[];
}

/**
 * The script's text as Run Command receives it: the file as it is on disk (less a leading byte-order mark),
 * with its marker line replaced by the common helpers (commonHelpersFor). One self-contained text; values
 * still travel only as parameters. Throws GuestScriptNotFoundError for a missing file and
 * GuestScriptCompositionError for a missing or repeated marker.
 */
export function loadGuestScript(name: GuestScriptName, options: LoadGuestScriptOptions = {}): string {
  if (!isGuestScriptName(name)) {
    // The type already forbids this; the check protects callers that pass untyped input (e.g. from JSON).
    throw new GuestScriptNotFoundError(String(name), []);
  }
  const useCache = options.directories === undefined;
  const cached = useCache ? scriptTextCache.get(name) : undefined;
  if (cached !== undefined) return cached;
  const directories = options.directories ?? guestScriptDirectories();
  const scriptText = readScriptFile(name, directories);
  const helpers = commonHelpersFor(name).map((file) => ({ file, text: readScriptFile(file, directories) }));
  const text = composeGuestScript(name, scriptText, helpers);
  if (useCache) scriptTextCache.set(name, text);
  return text;
}
