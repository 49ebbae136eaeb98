/**
 * Typed script parameters -> Run Command's `{ name, value }` string pairs, validated on the way.
 *
 * Values never become script text: Run Command passes them to the script's param() block, and each .ps1
 * repeats these rules as ValidatePattern / ValidateRange / ValidateSet attributes (a test keeps the two in
 * step), so a bad value is refused here with a clear error instead of on the VM with a binding error and no
 * result line.
 */
import type { GuestScriptName, GuestScripts } from './scriptContracts';
import { GUEST_SCRIPT_PARAMETERS, POWERSHELL_BINDINGS, type GuestScriptParameter } from './scriptCatalog';

export interface RunCommandParameter {
  name: string;
  value: string;
}

export class GuestScriptParameterError extends Error {
  override readonly name = 'GuestScriptParameterError';
  constructor(
    message: string,
    readonly script: GuestScriptName,
    /** The offending parameter, or null for a problem with the set as a whole. */
    readonly parameter: string | null,
  ) {
    super(message);
  }
}

/** A rule the script's param() declaration repeats as a PowerShell validation attribute. */
export type ParameterRule = { kind: 'pattern'; pattern: string; description: string } | { kind: 'range'; min: number; max: number };

// The scripts repeat these patterns in ValidatePattern, where .NET matches case-insensitively and lets `$` match
// before one trailing newline: the checks here (JavaScript, exact `$`) are the stricter gate, the script's the
// backstop for callers that bypass this module.

/** A Windows service name as `sc`/Get-Service accept it, without wildcard or quoting characters. */
const SERVICE_NAME_PATTERN = '^[A-Za-z0-9_.-]{1,256}$';
/**
 * An absolute directory on a drive (`C:\dir\sub`), at most 200 characters after the drive so the backup file
 * names still fit MAX_PATH. Only what such a directory needs: letters, digits, `_ . -` and `\` between
 * non-empty names that do not start with a dot. No space (Run Command hands parameters over a command line
 * that splits them), no cmd.exe metacharacters (`& | < > ^ % ! ( ) "`), no wildcard, colon, quote or control
 * character, no `..` (the directory must be the one named). The same text is the script's ValidatePattern.
 */
const WINDOWS_DIRECTORY_PATTERN = '^(?=.{4,203}$)[A-Za-z]:(\\\\[A-Za-z0-9_-][A-Za-z0-9_.-]*)+$';
const PORT_RANGE: ParameterRule = { kind: 'range', min: 1, max: 65535 };

/**
 * Per-parameter rules, keyed like GUEST_SCRIPT_PARAMETERS. `bool` parameters need none: their ValidateSet
 * comes from POWERSHELL_BINDINGS.
 */
export const PARAMETER_RULES: { readonly [N in GuestScriptName]: { readonly [K in keyof GuestScripts[N]['params']]?: ParameterRule } } = {
  diagnose: {},
  'fix-port-conflict': {
    ServiceName: {
      kind: 'pattern',
      pattern: SERVICE_NAME_PATTERN,
      description: 'a service name (letters, digits, _ . -; 1-256 characters)',
    },
    RdpPort: PORT_RANGE,
    FallbackPort: PORT_RANGE,
  },
  'renew-certificate': {
    BackupDirectory: {
      kind: 'pattern',
      pattern: WINDOWS_DIRECTORY_PATTERN,
      description:
        'an absolute Windows directory (C:\\dir\\sub) of at most 200 characters: letters, digits, _ . - and \\ only, no ' +
        'name starting with a dot',
    },
  },
  'enable-tls': {},
  // Service start types: 2 automatic, 3 manual, 4 disabled (0 and 1 are for drivers, never gpsvc).
  'restore-group-policy': { PreviousStart: { kind: 'range', min: 2, max: 4 } },
  'offline-repair': {
    // Azure data disk LUNs are 0-63 (the largest sizes allow 64 data disks).
    Lun: { kind: 'range', min: 0, max: 63 },
    // Managed disks are at most 32,767 GiB.
    DiskSizeGiB: { kind: 'range', min: 1, max: 32767 },
    Generation: { kind: 'range', min: 1, max: 2 },
    // It becomes part of a registry key name (the loaded hives) and of a folder name: letters, digits, dash.
    RunId: { kind: 'pattern', pattern: '^[A-Za-z0-9-]{1,36}$', description: 'letters, digits and dashes (1-36 characters)' },
  },
  'boot-time': {},
};

function fail(script: GuestScriptName, parameter: string | null, message: string): never {
  throw new GuestScriptParameterError(`${script}: ${message}`, script, parameter);
}

function ruleFor(script: GuestScriptName, parameter: string): ParameterRule | undefined {
  return (PARAMETER_RULES[script] as Readonly<Record<string, ParameterRule | undefined>>)[parameter];
}

function encodeValue(script: GuestScriptName, spec: GuestScriptParameter, value: unknown): string {
  const rule = ruleFor(script, spec.name);
  switch (spec.type) {
    case 'bool': {
      if (typeof value !== 'boolean') fail(script, spec.name, `${spec.name} must be a boolean, got ${describe(value)}`);
      const encoded = value ? 'true' : 'false';
      // The same set the script's ValidateSet accepts.
      if (!POWERSHELL_BINDINGS.bool.validateSet?.includes(encoded)) fail(script, spec.name, `${spec.name} cannot be encoded`);
      return encoded;
    }
    case 'int': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
        fail(script, spec.name, `${spec.name} must be an integer, got ${describe(value)}`);
      }
      if (rule?.kind === 'range' && (value < rule.min || value > rule.max)) {
        fail(script, spec.name, `${spec.name} must be between ${rule.min} and ${rule.max}, got ${value}`);
      }
      return String(value);
    }
    case 'string': {
      if (typeof value !== 'string') fail(script, spec.name, `${spec.name} must be a string, got ${describe(value)}`);
      if (rule?.kind === 'pattern' && !new RegExp(rule.pattern).test(value)) {
        fail(script, spec.name, `${spec.name} must be ${rule.description}, got ${JSON.stringify(value.slice(0, 80))}`);
      }
      return value;
    }
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value;
}

/** Checks that need more than one parameter. */
function checkCombination(name: GuestScriptName, params: Readonly<Record<string, unknown>>): void {
  if (name === 'fix-port-conflict' && params.RdpPort === params.FallbackPort) {
    fail(name, 'FallbackPort', 'FallbackPort must differ from RdpPort');
  }
}

/**
 * The Run Command `parameters` array for a script, in declaration order. Throws GuestScriptParameterError
 * for a missing, unknown, mistyped or out-of-range value (the inputs may come from JSON at run time, so the
 * static types are not trusted).
 */
export function toRunCommandParameters<N extends GuestScriptName>(name: N, params: GuestScripts[N]['params']): RunCommandParameter[] {
  const specs = GUEST_SCRIPT_PARAMETERS[name];
  if (specs === undefined) throw new GuestScriptParameterError(`unknown guest script ${JSON.stringify(name)}`, name, null);
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    fail(name, null, `parameters must be an object, got ${describe(params)}`);
  }
  const given = params as Readonly<Record<string, unknown>>;
  const known = new Set(specs.map((s) => s.name));
  for (const key of Object.keys(given)) {
    if (!known.has(key)) fail(name, key, `unknown parameter ${key} (expected: ${[...known].join(', ') || 'none'})`);
  }
  const out: RunCommandParameter[] = [];
  for (const spec of specs) {
    if (!Object.hasOwn(given, spec.name) || given[spec.name] === undefined) {
      fail(name, spec.name, `missing parameter ${spec.name}`);
    }
    out.push({ name: spec.name, value: encodeValue(name, spec, given[spec.name]) });
  }
  checkCombination(name, given);
  return out;
}
