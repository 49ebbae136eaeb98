/**
 * SIMULATED: how Windows PowerShell 5.1 binds the named parameters Run Command passes to a guest script
 * ("passed to script as arguments ... like this - myscript.ps1 -publicParam1 publicParam1value", managed Run
 * Command docs). Every value arrives as a string.
 *
 * The declarations come from the app's own mirror of the scripts' param() blocks (GUEST_SCRIPT_PARAMETERS,
 * PARAMETER_RULES and POWERSHELL_BINDINGS, which test/guest keeps identical to the .ps1 files), so the model
 * binds exactly what the real script declares: every parameter Mandatory, [int] with ValidateRange, [string]
 * with ValidatePattern, booleans as [ValidateSet('true','false')][string]. A name the script does not declare,
 * a value that does not convert or validate, or a missing mandatory value (Run Command cannot answer a prompt)
 * stops the script before its first statement, with PowerShell's own wording.
 */
import { GUEST_SCRIPT_PARAMETERS, POWERSHELL_BINDINGS } from '../../guest/scriptCatalog';
import type { GuestScriptName, GuestScripts } from '../../guest/scriptContracts';
import { PARAMETER_RULES, type ParameterRule } from '../../guest/scriptParameters';
import type { RunCommandParameter } from '../arm/runCommand/runCommandState';

export type BindingErrorId =
  | 'NamedParameterNotFound'
  | 'AmbiguousParameter'
  | 'MissingMandatoryParameter'
  | 'ParameterArgumentTransformationError'
  | 'ParameterArgumentValidationError';

export class ParameterBindingError extends Error {
  constructor(
    message: string,
    readonly errorId: BindingErrorId,
  ) {
    super(message);
    this.name = 'ParameterBindingError';
  }
}

export function bindScriptParameters<N extends GuestScriptName>(
  script: N,
  given: readonly RunCommandParameter[],
): GuestScripts[N]['params'] {
  const declared = GUEST_SCRIPT_PARAMETERS[script];
  const bound: Record<string, string | number | boolean> = {};
  for (const parameter of given) {
    const spec = resolveName(parameter.name, declared);
    bound[spec.name] = convert(spec.name, spec.type, parameter.value, ruleFor(script, spec.name));
  }
  const missing = declared.filter((d) => !(d.name in bound)).map((d) => d.name);
  if (missing.length > 0) {
    throw new ParameterBindingError(
      `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`,
      'MissingMandatoryParameter',
    );
  }
  return bound as GuestScripts[N]['params'];
}

/** PowerShell matches a parameter name case-insensitively, and by any unambiguous prefix. */
function resolveName<T extends { name: string }>(given: string, declared: readonly T[]): T {
  const wanted = given.replace(/^-/, '').toLowerCase();
  const exact = declared.find((d) => d.name.toLowerCase() === wanted);
  if (exact) return exact;
  const prefixed = declared.filter((d) => wanted !== '' && d.name.toLowerCase().startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) {
    throw new ParameterBindingError(
      `Parameter cannot be processed because the parameter name '${given}' is ambiguous. Possible matches include: ` +
        `${prefixed.map((d) => `-${d.name}`).join(' ')}.`,
      'AmbiguousParameter',
    );
  }
  throw new ParameterBindingError(`A parameter cannot be found that matches parameter name '${given}'.`, 'NamedParameterNotFound');
}

function convert(name: string, type: 'string' | 'int' | 'bool', value: string, rule: ParameterRule | undefined): string | number | boolean {
  if (type === 'int') {
    const text = value.trim();
    const number = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(number) || number > 2_147_483_647 || number < -2_147_483_648) {
      throw new ParameterBindingError(
        `Cannot process argument transformation on parameter '${name}'. Cannot convert value "${value}" to type "System.Int32". ` +
          'Error: "Input string was not in a correct format."',
        'ParameterArgumentTransformationError',
      );
    }
    if (rule?.kind === 'range' && number > rule.max) {
      throw invalid(
        name,
        `The ${number} argument is greater than the maximum allowed range of ${rule.max}. Supply an argument that is ` +
          `less than or equal to ${rule.max} and then try the command again.`,
      );
    }
    if (rule?.kind === 'range' && number < rule.min) {
      throw invalid(
        name,
        `The ${number} argument is less than the minimum allowed range of ${rule.min}. Supply an argument that is ` +
          `greater than or equal to ${rule.min} and then try the command again.`,
      );
    }
    return number;
  }
  if (type === 'bool') {
    // Declared [ValidateSet('true','false')][string]; ValidateSet ignores case, and the script tests -eq 'true'.
    const set = POWERSHELL_BINDINGS.bool.validateSet ?? [];
    if (!set.some((member) => member.toLowerCase() === value.toLowerCase())) {
      throw invalid(
        name,
        `The argument "${value}" does not belong to the set "${set.join(',')}" specified by the ValidateSet attribute. ` +
          `Supply an argument that is in the set and then try the command again.`,
      );
    }
    return value.toLowerCase() === 'true';
  }
  // ValidatePattern matches case-insensitively.
  if (rule?.kind === 'pattern' && !new RegExp(rule.pattern, 'i').test(value)) {
    throw invalid(
      name,
      `The argument "${value}" does not match the "${rule.pattern}" pattern. Supply an argument that matches ` +
        `"${rule.pattern}" and try the command again.`,
    );
  }
  return value;
}

function invalid(name: string, detail: string): ParameterBindingError {
  return new ParameterBindingError(`Cannot validate argument on parameter '${name}'. ${detail}`, 'ParameterArgumentValidationError');
}

function ruleFor(script: GuestScriptName, parameter: string): ParameterRule | undefined {
  return (PARAMETER_RULES[script] as Readonly<Record<string, ParameterRule | undefined>>)[parameter];
}
