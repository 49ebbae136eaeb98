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
] as const satisfies readonly GuestScriptName[];

// A name missing from GUEST_SCRIPT_NAMES makes this type `false` and the assignment below a compile error.
type CoversAllNames = Exclude<GuestScriptName, (typeof GUEST_SCRIPT_NAMES)[number]> extends never ? true : false;
const coversAllNames: CoversAllNames = true;
void coversAllNames;

/** Scripts that must never change the guest (statically checked by test/guest). */
export const READ_ONLY_SCRIPTS = ['diagnose'] as const satisfies readonly GuestScriptName[];

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

const scriptTextCache = new Map<GuestScriptName, string>();

/** The script's text, exactly as it is on disk except for a leading byte-order mark. */
export function loadGuestScript(name: GuestScriptName): string {
  if (!isGuestScriptName(name)) {
    // The type already forbids this; the check protects callers that pass untyped input (e.g. from JSON).
    throw new GuestScriptNotFoundError(String(name), []);
  }
  const cached = scriptTextCache.get(name);
  if (cached !== undefined) return cached;
  const candidates = guestScriptDirectories().map((dir) => join(dir, `${name}.ps1`));
  const found = candidates.find((file) => existsSync(file));
  if (found === undefined) throw new GuestScriptNotFoundError(name, candidates);
  const text = readFileSync(found, 'utf8').replace(/^\uFEFF/, '');
  scriptTextCache.set(name, text);
  return text;
}
