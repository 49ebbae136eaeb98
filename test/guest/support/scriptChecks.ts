/**
 * Static checks of the guest scripts: the result-line protocol, the parameter contract, PowerShell 5.1
 * compatibility, read-only-ness of diagnose, and PLAYBOOK.md's errata. Each check takes script TEXT and returns
 * violations, so the same function that passes the real scripts is shown (in the tests) to flag broken ones.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { z } from 'zod';
import { RESULT_MARKER } from '../../../src/guest/resultProtocol';
import { GUEST_SCRIPT_PARAMETERS, POWERSHELL_BINDINGS, isOfflineScript, isReadOnlyScript } from '../../../src/guest/scriptCatalog';
import type { GuestScriptName } from '../../../src/guest/scriptContracts';
import { PARAMETER_RULES, type ParameterRule } from '../../../src/guest/scriptParameters';
import { GUEST_RESULT_SCHEMAS } from '../../../src/guest/scriptResults';
import {
  ancestors,
  codeWithoutComments,
  commandUses,
  definedFunctions,
  descendants,
  methodCalls,
  parsePowerShell,
  scriptParamBlock,
  stringLiterals,
  syntaxProblems,
  type CommandUse,
} from './powershellSyntax';

export interface Violation {
  rule: string;
  line: number;
  detail: string;
}

/**
 * Commands diagnose may run: readers, formatters and output. Its own functions are allowed too. Add-Type only
 * defines a type in the session (the socket owner lookup in common-read.ps1); it changes nothing on the guest.
 */
export const READ_ONLY_COMMANDS: ReadonlySet<string> = new Set(
  [
    'Add-Type',
    'ConvertTo-Json',
    'ForEach-Object',
    'Get-Acl',
    'Get-ChildItem',
    'Get-CimInstance',
    'Get-Item',
    'Get-NetFirewallPortFilter',
    'Get-NetFirewallRule',
    'Get-NetTCPConnection',
    'Get-Process',
    'Get-Service',
    'Join-Path',
    'Select-Object',
    'Sort-Object',
    'Test-Path',
    'Where-Object',
    'Write-Host',
    'Write-Output',
  ].map((c) => c.toLowerCase()),
);

/**
 * .NET methods diagnose may call: getters, conversions, the private-key probe (sign, then dispose), and
 * OpenSubKey/Close for a registry read (checkReadOnly holds OpenSubKey to its one-argument, read-only form).
 */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set(
  [
    'Close',
    'Contains',
    'Dispose',
    'GetAccessControl',
    'GetAccessRules',
    'GetBytes',
    'GetECDsaPrivateKey',
    'GetRSAPrivateKey',
    'GetValue',
    'IsNullOrEmpty',
    'ListenerOwners',
    'Min',
    'new',
    'OpenSubKey',
    'Replace',
    'SignData',
    'StartsWith',
    'Substring',
    'ToString',
    'ToUniversalTime',
    'ToUpperInvariant',
    'TryParse',
  ].map((m) => m.toLowerCase()),
);

/** Tools and cmdlets whose name showing up as a bare ARGUMENT means two commands were glued together. */
const COMMAND_WORDS = new Set(
  [
    'sc',
    'reg',
    'icacls',
    'takeown',
    'bcdedit',
    'netsh',
    'gpupdate',
    'netstat',
    'net',
    'cmd',
    'powershell',
    'wmic',
    'certutil',
    'shutdown',
  ].flatMap((n) => [n, `${n}.exe`]),
);
const CMDLET_SHAPE =
  /^(add|clear|copy|disable|enable|export|get|import|invoke|move|new|remove|rename|reset|restart|resume|set|start|stop|suspend|test|write)-[a-z]+$/i;

/** Commands no guest script may run: restarts belong to the orchestrator, text-to-code defeats typed params. */
const FORBIDDEN_EVERYWHERE = new Map<string, string>([
  ['restart-computer', 'the orchestrator restarts the VM once, after all fixes'],
  ['stop-computer', 'the orchestrator owns the VM power state'],
  ['shutdown', 'the orchestrator owns the VM power state'],
  ['shutdown.exe', 'the orchestrator owns the VM power state'],
  ['invoke-expression', 'values must stay parameters, never become code'],
  ['iex', 'values must stay parameters, never become code'],
  ['takeown', 'errata 9: no ownership rewrite of MachineKeys'],
  ['takeown.exe', 'errata 9: no ownership rewrite of MachineKeys'],
  ['bcdedit', 'errata 8: no BCD edits online; offline, the BCD WMI provider (its output is not localized text)'],
  ['bcdedit.exe', 'errata 8: no BCD edits online; offline, the BCD WMI provider (its output is not localized text)'],
]);

/** icacls switches that replace or rewrite instead of adding (errata 9). */
const ICACLS_FORBIDDEN_SWITCHES = /^\/(t|reset|setowner|grant:r|inheritance:r|remove(:[gd])?|deny)$/i;

function lower(s: string): string {
  return s.toLowerCase();
}

function isNamed(use: CommandUse, ...names: string[]): boolean {
  return !use.dynamic && names.map(lower).includes(lower(use.name));
}

// ---------------------------------------------------------------- individual checks (tree-based)

export function checkSyntax(tree: Tree): Violation[] {
  return syntaxProblems(tree).map((p) => ({ rule: 'syntax', line: p.line, detail: `${p.kind} at column ${p.column}: ${p.text}` }));
}

/** Windows PowerShell 5.1 reads a BOM-less .ps1 in the ANSI code page: anything but ASCII may be mangled. */
export function checkAscii(text: string): Violation[] {
  const out: Violation[] = [];
  text.split('\n').forEach((line, i) => {
    const bad = [...line].find((ch) => ch.charCodeAt(0) > 0x7e || (ch.charCodeAt(0) < 0x20 && ch !== '\t' && ch !== '\r'));
    if (bad !== undefined)
      out.push({ rule: 'ascii', line: i + 1, detail: `non-ASCII character U+${bad.charCodeAt(0).toString(16).padStart(4, '0')}` });
  });
  return out;
}

/** PowerShell 7-only syntax that the 5.1 on Windows Server 2016+ cannot run. */
export function checkPowerShell51(tree: Tree): Violation[] {
  const out: Violation[] = [];
  for (const node of descendants(tree.rootNode)) {
    if (node.type === 'pipeline_chain_tail') {
      out.push({
        rule: 'ps51',
        line: node.startPosition.row + 1,
        detail: `pipeline chain operator ${node.text.slice(0, 2)} is PowerShell 7 only`,
      });
    }
  }
  for (const use of commandUses(tree.rootNode)) {
    for (const arg of use.args) {
      if (arg.kind === 'parameter' && /^-(parallel|throttlelimit)$/i.test(arg.text) && isNamed(use, 'ForEach-Object', '%', 'foreach')) {
        out.push({ rule: 'ps51', line: use.line, detail: 'ForEach-Object -Parallel is PowerShell 7 only' });
      }
    }
  }
  return out;
}

/** Two statements on one line, or a tool/cmdlet name passed as an argument (errata 5 and 6). */
export function checkGluedCommands(tree: Tree): Violation[] {
  const out: Violation[] = [];
  for (const node of descendants(tree.rootNode)) {
    if (node.type !== 'statement_list') continue;
    const statements = node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
    for (let i = 1; i < statements.length; i += 1) {
      const previous = statements[i - 1]!;
      const current = statements[i]!;
      if (previous.endPosition.row === current.startPosition.row) {
        out.push({
          rule: 'glued',
          line: current.startPosition.row + 1,
          detail: `two statements on one line: ${previous.text.slice(0, 40)} | ${current.text.slice(0, 40)}`,
        });
      }
    }
  }
  for (const use of commandUses(tree.rootNode)) {
    for (const arg of use.args) {
      if (arg.kind !== 'bare') continue;
      if (COMMAND_WORDS.has(lower(arg.text)) || CMDLET_SHAPE.test(arg.text)) {
        out.push({
          rule: 'glued',
          line: use.line,
          detail: `"${arg.text}" is a command, passed as an argument of ${use.name}: two commands glued together?`,
        });
      }
    }
  }
  return out;
}

/**
 * The last top-level statement prints the marker + ConvertTo-ResultJson of the result (common-read.ps1: compact
 * ASCII JSON, capped by serialized size), after a try/catch; the composed script's ConvertTo-Json is compact,
 * of depth 6.
 */
export function checkResultLine(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const body = tree.rootNode.namedChildren.find((c) => c?.type === 'statement_list');
  const statements = body ? body.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment') : [];
  const last = statements[statements.length - 1];
  if (!last) return [{ rule: 'result-line', line: 1, detail: 'the script has no statements' }];
  const uses = commandUses(last);
  const writer = uses.find((u) => isNamed(u, 'Write-Output'));
  const capped = uses.find((u) => isNamed(u, 'ConvertTo-ResultJson'));
  const json = commandUses(tree.rootNode).find((u) => isNamed(u, 'ConvertTo-Json'));
  const marker = stringLiterals(last).find((s) => s.value === RESULT_MARKER);
  const line = last.startPosition.row + 1;
  if (!writer || uses[0] !== writer) out.push({ rule: 'result-line', line, detail: 'the last statement is not Write-Output' });
  if (!marker) out.push({ rule: 'result-line', line, detail: `the last statement does not print the marker ${RESULT_MARKER}` });
  if (!capped?.args.some((a) => /^\$result$/i.test(a.text))) {
    out.push({
      rule: 'result-line',
      line,
      detail: 'the last statement does not print ConvertTo-ResultJson -Result $result (the size-capped, ASCII result)',
    });
  }
  if (!json) {
    out.push({ rule: 'result-line', line, detail: 'the script does not use ConvertTo-Json' });
  } else {
    const args = json.args.map((a) => a.text.toLowerCase());
    if (!args.includes('-compress')) out.push({ rule: 'result-line', line, detail: 'ConvertTo-Json without -Compress' });
    const depthAt = args.indexOf('-depth');
    if (depthAt < 0 || args[depthAt + 1] !== '6') out.push({ rule: 'result-line', line, detail: 'ConvertTo-Json without -Depth 6' });
  }
  const hasTry = statements
    .slice(0, -1)
    .some((s) => s.type === 'try_statement' && s.namedChildren.some((c) => c?.type === 'catch_clauses'));
  if (!hasTry)
    out.push({ rule: 'result-line', line, detail: 'no top-level try/catch before the result line: a failure would print no result' });
  const stop = statements.some((s) => /^\$ErrorActionPreference\s*=\s*'Stop'$/i.test(s.text.trim()));
  if (!stop) out.push({ rule: 'result-line', line: 1, detail: "no top-level $ErrorActionPreference = 'Stop'" });
  return out;
}

function bindingFor(type: 'string' | 'int' | 'bool') {
  return POWERSHELL_BINDINGS[type];
}

/** The param() block equals GUEST_SCRIPT_PARAMETERS (names, order, types) and repeats PARAMETER_RULES. */
export function checkParamContract(name: GuestScriptName, tree: Tree): Violation[] {
  const out: Violation[] = [];
  const block = scriptParamBlock(tree);
  if (!block) return [{ rule: 'params', line: 1, detail: 'no script-level param() block' }];
  if (!block.cmdletBinding) out.push({ rule: 'params', line: 1, detail: 'param() without [CmdletBinding()]' });
  const expected = GUEST_SCRIPT_PARAMETERS[name];
  const declaredNames = block.parameters.map((p) => p.name);
  const expectedNames = expected.map((p) => p.name);
  if (JSON.stringify(declaredNames) !== JSON.stringify(expectedNames)) {
    out.push({
      rule: 'params',
      line: 1,
      detail: `declares [${declaredNames.join(', ')}], the contract says [${expectedNames.join(', ')}]`,
    });
  }
  const rules = PARAMETER_RULES[name] as Readonly<Record<string, ParameterRule | undefined>>;
  for (const spec of expected) {
    const declared = block.parameters.find((p) => p.name === spec.name);
    if (!declared) continue;
    const binding = bindingFor(spec.type);
    if (declared.typeName !== binding.typeName) {
      out.push({
        rule: 'params',
        line: 1,
        detail: `${spec.name} is [${declared.typeName ?? 'untyped'}], a ${spec.type} parameter must be [${binding.typeName}]`,
      });
    }
    if (!declared.mandatory) out.push({ rule: 'params', line: 1, detail: `${spec.name} is not Mandatory` });
    const wantSet = binding.validateSet ? [...binding.validateSet] : null;
    if (JSON.stringify(declared.validateSet) !== JSON.stringify(wantSet)) {
      out.push({
        rule: 'params',
        line: 1,
        detail: `${spec.name} ValidateSet ${JSON.stringify(declared.validateSet)}, expected ${JSON.stringify(wantSet)}`,
      });
    }
    const rule = rules[spec.name];
    const wantPattern = rule?.kind === 'pattern' ? rule.pattern : null;
    if (declared.validatePattern !== wantPattern) {
      out.push({
        rule: 'params',
        line: 1,
        detail: `${spec.name} ValidatePattern ${JSON.stringify(declared.validatePattern)}, expected ${JSON.stringify(wantPattern)}`,
      });
    }
    const wantRange = rule?.kind === 'range' ? [rule.min, rule.max] : null;
    if (JSON.stringify(declared.validateRange) !== JSON.stringify(wantRange)) {
      out.push({
        rule: 'params',
        line: 1,
        detail: `${spec.name} ValidateRange ${JSON.stringify(declared.validateRange)}, expected ${JSON.stringify(wantRange)}`,
      });
    }
  }
  return out;
}

/** diagnose: every command and method is on the read-only allow-lists; nothing is invoked dynamically. */
export function checkReadOnly(tree: Tree): Violation[] {
  const out: Violation[] = [];
  const own = new Set(definedFunctions(tree.rootNode).map(lower));
  for (const use of commandUses(tree.rootNode)) {
    if (use.dynamic || use.viaOperator) {
      out.push({ rule: 'read-only', line: use.line, detail: `dynamic invocation ${use.node.text.slice(0, 40)} cannot be checked` });
    } else if (!READ_ONLY_COMMANDS.has(lower(use.name)) && !own.has(lower(use.name))) {
      out.push({ rule: 'read-only', line: use.line, detail: `${use.name} is not on the read-only allow-list` });
    }
  }
  for (const call of methodCalls(tree.rootNode)) {
    if (!READ_ONLY_METHODS.has(lower(call.name))) {
      out.push({ rule: 'read-only', line: call.line, detail: `method ${call.name}() is not on the read-only allow-list` });
    } else if (lower(call.name) === 'opensubkey' && /,/.test(call.node.text.slice(call.node.text.indexOf('(')))) {
      out.push({ rule: 'read-only', line: call.line, detail: 'OpenSubKey with a second argument may open the key writable' });
    }
  }
  return out;
}

function isUnderLegacyTlsBranch(node: Node): boolean {
  // The literal must sit in the first block of an `if` whose condition tests $AllowLegacyTls (not an else).
  let child: Node = node;
  for (const parent of ancestors(node)) {
    if (parent.type === 'if_statement') {
      const condition = parent.childForFieldName('condition') ?? parent.namedChildren.find((c) => c?.type === 'pipeline') ?? null;
      const firstBlock = parent.namedChildren.find((c) => c?.type === 'statement_block') ?? null;
      const testsFlag =
        condition !== null && [...descendants(condition)].some((n) => n.type === 'variable' && n.text.toLowerCase() === '$allowlegacytls');
      if (testsFlag && firstBlock !== null && child.id === firstBlock.id) return true;
    }
    child = parent;
  }
  return false;
}

/** Write scripts: "TLS 1.0" / "TLS 1.1" appear only inside `if (... $AllowLegacyTls ...) { }` (errata 10). */
export function checkLegacyTls(tree: Tree): Violation[] {
  return stringLiterals(tree.rootNode)
    .filter((s) => /TLS\s*1\.[01]\b/i.test(s.value) && !isUnderLegacyTlsBranch(s.node))
    .map((s) => ({ rule: 'legacy-tls', line: s.node.startPosition.row + 1, detail: `${s.value} outside an if on $AllowLegacyTls` }));
}

/** Errata 7, 8, 9, 11 and the forbidden commands, on the commands the script actually invokes. */
export function checkCommandErrata(tree: Tree, name: GuestScriptName): Violation[] {
  const out: Violation[] = [];
  const uses = commandUses(tree.rootNode);
  for (const use of uses) {
    const reason = use.dynamic ? undefined : FORBIDDEN_EVERYWHERE.get(lower(use.name));
    if (reason) out.push({ rule: 'forbidden-command', line: use.line, detail: `${use.name}: ${reason}` });
    // restore-group-policy may ask the SCM once, after the registry write, as a documented fallback.
    if (isNamed(use, 'Set-Service') && use.args.some((a) => /^-startuptype$/i.test(a.text)) && name !== 'restore-group-policy') {
      out.push({ rule: 'errata-11', line: use.line, detail: 'service start type changed through the SCM: use the registry Start value' });
    }
    if (isNamed(use, 'sc', 'sc.exe') && use.args.some((a) => /^config$/i.test(a.text))) {
      out.push({ rule: 'errata-11', line: use.line, detail: 'sc config may be refused on current Windows: use the registry Start value' });
    }
    if (isNamed(use, 'icacls', 'icacls.exe')) {
      for (const arg of use.args) {
        if (ICACLS_FORBIDDEN_SWITCHES.test(arg.text)) {
          out.push({ rule: 'errata-9', line: use.line, detail: `icacls ${arg.text} rewrites instead of adding (errata 9)` });
        }
      }
      const target = use.args[0];
      if (target && target.kind !== 'variable') {
        out.push({
          rule: 'errata-9',
          line: use.line,
          detail: `icacls target ${target.text} is not the variable holding the f686aace* files`,
        });
      }
    }
  }
  if (name === 'renew-certificate') out.push(...checkAclBackupTarget(tree, uses));
  if (isOfflineScript(name)) out.push(...checkOfflineAclBackup(tree, uses));
  return out;
}

/** The variable a `$x = ...` statement assigns, and the text of its value. */
function assignments(root: Node): { variable: string; value: string; line: number }[] {
  return [...descendants(root)]
    .filter((n) => n.type === 'assignment_expression')
    .map((n) => {
      const left = n.namedChildren.find((c) => c?.type === 'left_assignment_expression');
      const value = n.namedChildren[n.namedChildren.length - 1];
      return { variable: (left?.text ?? '').toLowerCase(), value: value?.text ?? '', line: n.startPosition.row + 1 };
    });
}

/**
 * Errata 7 and 9 for renew-certificate: the ACLs are saved (icacls /save) to a file built from
 * $BackupDirectory, that directory is created by the script, the save comes before the first grant, and the
 * grants target the RDP key container (f686aace*) only.
 */
function checkAclBackupTarget(tree: Tree, uses: CommandUse[]): Violation[] {
  const out: Violation[] = [];
  const icacls = uses.filter((u) => isNamed(u, 'icacls', 'icacls.exe'));
  const save = icacls.find((u) => u.args.some((a) => a.text.toLowerCase() === '/save'));
  const grant = icacls.find((u) => u.args.some((a) => a.text.toLowerCase() === '/grant'));
  const all = assignments(tree.rootNode);
  if (!save) {
    out.push({ rule: 'errata-7', line: 1, detail: 'no icacls /save before changing ACLs' });
  } else {
    const saveArgs = save.args.map((a) => a.text);
    const file = saveArgs[saveArgs.findIndex((a) => a.toLowerCase() === '/save') + 1] ?? '';
    const built = all.find((a) => a.variable === file.toLowerCase());
    if (!built || !/\$BackupDirectory\b/i.test(built.value)) {
      out.push({ rule: 'errata-7', line: save.line, detail: `icacls /save writes to ${file}, which is not built from $BackupDirectory` });
    }
    if (grant && grant.node.startIndex < save.node.startIndex) {
      out.push({ rule: 'errata-7', line: grant.line, detail: 'icacls /grant runs before the ACLs are saved' });
    }
  }
  const creates =
    methodCalls(tree.rootNode).some((c) => c.name === 'CreateDirectory' && /\(\s*\$BackupDirectory\s*\)/i.test(c.node.text)) ||
    uses.some(
      (u) =>
        isNamed(u, 'New-Item') &&
        u.args.some((a) => /^\$BackupDirectory$/i.test(a.text)) &&
        u.args.some((a) => /^directory$/i.test(a.text)),
    );
  if (!creates) out.push({ rule: 'errata-7', line: 1, detail: 'the script does not create $BackupDirectory before writing into it' });
  const filtersRdpKey = uses.some((u) => isNamed(u, 'Get-ChildItem')) && stringLiterals(tree.rootNode).some((s) => s.value === 'f686aace*');
  if (!filtersRdpKey) out.push({ rule: 'errata-9', line: 1, detail: "the key files are not selected with the 'f686aace*' filter" });
  // Each build's own set (src/simulator/guest/windowsBuilds.ts [M]): SYSTEM F, NETWORK SERVICE R, and
  // Administrators R up to 14393 or NT SERVICE\SessionEnv F from 17763. Administrators F ships on no build.
  const allowed = [
    ['*S-1-5-18:(F)', '*S-1-5-20:(R)', '*S-1-5-32-544:(R)'],
    ['*S-1-5-18:(F)', '*S-1-5-20:(R)', '*S-1-5-80-4022436659-1090538466-1613889075-870485073-3428993833:(F)'],
  ].map((set) => JSON.stringify(set));
  for (const use of icacls.filter((u) => u.args.some((a) => a.text.toLowerCase() === '/grant'))) {
    const granted = use.args.filter((a) => a.kind === 'string').map((a) => a.text);
    if (!allowed.includes(JSON.stringify(granted))) {
      out.push({
        rule: 'errata-9',
        line: use.line,
        detail: `grants ${granted.join(' ')}, expected exactly one build's set: ${allowed.join(' or ')}`,
      });
    }
  }
  return out;
}

/** Text patterns from the errata, on code only (comments may explain what not to do). */
export function checkErrataText(tree: Tree, text: string, name: GuestScriptName): Violation[] {
  const code = codeWithoutComments(tree, text);
  const patterns: [string, RegExp, string][] = [
    ['errata-2', /\.hiv\b/i, 'the hive file has no .hiv extension'],
    ['errata-1', /(?<![\d.])8080(?![\d.])/, 'port 8080: RDP uses PortNumber'],
    ['errata-3', /ControlSet00\d/i, 'hard-coded ControlSet00x: use CurrentControlSet (or Select\\Current offline)'],
    ['errata-6', /remove-module\s+psreadline/i, 'remove-module psreadline is a typo from the article'],
    ['errata-7', /c:\\temp/i, 'a hard-coded c:\\temp: write where the script created its directory'],
  ];
  if (isReadOnlyScript(name))
    patterns.push(['read-only', /\breg(\.exe)?\s+(add|delete|import|load|unload|restore|copy)\b/i, 'registry write in a read-only script']);
  const out: Violation[] = [];
  code.split('\n').forEach((line, i) => {
    for (const [rule, pattern, detail] of patterns) {
      if (pattern.test(line)) out.push({ rule, line: i + 1, detail });
    }
  });
  return out;
}

// ---------------------------------------------------------------- result JSON keys vs the zod schemas

interface HashLiteral {
  keys: string[];
  /** Entry values, by key, as nodes (to follow `key = $variable`). */
  values: Map<string, Node>;
  /** The variable the literal is assigned to (`$x = [ordered]@{...}`), lower-case, or null. */
  assignedTo: string | null;
  /** The literal's value for `script`, when it is a string literal. */
  script: string | null;
  line: number;
}

function hashLiterals(root: Node): HashLiteral[] {
  const out: HashLiteral[] = [];
  for (const node of descendants(root)) {
    if (node.type !== 'hash_literal_expression') continue;
    const body = node.namedChildren.find((c) => c?.type === 'hash_literal_body');
    const keys: string[] = [];
    const values = new Map<string, Node>();
    for (const entry of body ? body.namedChildren : []) {
      if (entry === null || entry.type !== 'hash_entry') continue;
      const key = entry.namedChildren.find((c) => c?.type === 'key_expression');
      const value = entry.namedChildren.find((c) => c?.type === 'pipeline' || c?.type === 'statement' || c?.type === 'command');
      if (!key) continue;
      // A quoted key ('TLS 1.0' = ...) is its string value.
      const quoted = stringLiterals(key)[0];
      const keyText = quoted && quoted.node.text === key.text.trim() ? quoted.value : key.text;
      keys.push(keyText);
      if (value) values.set(keyText, value);
    }
    const assignment = ancestors(node).find((a) => a.type === 'assignment_expression');
    const left = assignment?.namedChildren.find((c) => c?.type === 'left_assignment_expression');
    // Only a literal that IS the assigned value (possibly cast), not one nested deeper inside it.
    const direct = assignment && ancestors(node).indexOf(assignment) <= 4 && left && /^\$[A-Za-z_]\w*$/.test(left.text);
    const scriptValue = values.get('script');
    const literal = scriptValue
      ? stringLiterals(scriptValue).find((l) => l.node.text === scriptValue.text || scriptValue.text.trim() === l.node.text)
      : undefined;
    out.push({
      keys,
      values,
      assignedTo: direct ? left!.text.toLowerCase() : null,
      script: literal ? literal.value : null,
      line: node.startPosition.row + 1,
    });
  }
  return out;
}

function objectShape(schema: unknown): Record<string, unknown> | null {
  return schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : null;
}

function sameKeys(actual: string[], expected: string[]): boolean {
  return JSON.stringify([...actual].sort()) === JSON.stringify([...expected].sort());
}

/**
 * The `$result = [ordered]@{...}` literals carry exactly the contract's keys (case-sensitive: JSON keeps the
 * case PowerShell ignores), `script` names the script, `$result.key = ...` only sets contract keys, the
 * nested objects diagnose builds in variables match their schemas, and every recorded change has exactly
 * path/name/before/after. Only diagnose may also print the bare failure shape { script, ok, message }.
 */
export function checkResultKeys(tree: Tree, name: GuestScriptName): Violation[] {
  const out: Violation[] = [];
  const shape = objectShape(GUEST_RESULT_SCHEMAS[name])!;
  const expected = Object.keys(shape);
  const literals = hashLiterals(tree.rootNode);
  const results = literals.filter((h) => h.assignedTo === '$result');
  if (results.length === 0) return [{ rule: 'result-keys', line: 1, detail: 'no $result = [ordered]@{...} literal' }];
  let complete = 0;
  for (const literal of results) {
    if (literal.script !== name)
      out.push({ rule: 'result-keys', line: literal.line, detail: `script = ${JSON.stringify(literal.script)}, expected '${name}'` });
    if (sameKeys(literal.keys, expected)) {
      complete += 1;
    } else if (!(isReadOnlyScript(name) && sameKeys(literal.keys, ['script', 'ok', 'message']))) {
      out.push({
        rule: 'result-keys',
        line: literal.line,
        detail: `$result keys [${literal.keys.join(', ')}] differ from the contract's [${expected.join(', ')}]`,
      });
    }
  }
  if (complete === 0) out.push({ rule: 'result-keys', line: 1, detail: 'no $result literal carries the complete contract' });

  // $result.key = value: only contract keys.
  for (const node of descendants(tree.rootNode)) {
    if (node.type !== 'left_assignment_expression') continue;
    const match = /^\$result\.([A-Za-z_]\w*)$/i.exec(node.text);
    if (match && !expected.includes(match[1]!)) {
      out.push({ rule: 'result-keys', line: node.startPosition.row + 1, detail: `$result.${match[1]} is not in the contract` });
    }
  }

  // Nested objects built in variables (diagnose): `rdp = $rdp` and `$rdp = [ordered]@{...}` must agree.
  for (const literal of results.filter((r) => sameKeys(r.keys, expected))) {
    for (const [key, value] of literal.values) {
      const nested = objectShape(shape[key]);
      const variable = /^\$[A-Za-z_]\w*$/.test(value.text.trim()) ? value.text.trim().toLowerCase() : null;
      if (!nested || !variable) continue;
      for (const built of literals.filter((h) => h.assignedTo === variable)) {
        if (!sameKeys(built.keys, Object.keys(nested))) {
          out.push({
            rule: 'result-keys',
            line: built.line,
            detail: `${variable} keys [${built.keys.join(', ')}] differ from ${key}'s [${Object.keys(nested).join(', ')}]`,
          });
        }
      }
    }
  }

  // Recorded changes.
  for (const literal of literals.filter((h) => h.keys.includes('before') || h.keys.includes('after'))) {
    if (!sameKeys(literal.keys, ['path', 'name', 'before', 'after'])) {
      out.push({
        rule: 'result-keys',
        line: literal.line,
        detail: `a change record has keys [${literal.keys.join(', ')}], expected path, name, before, after`,
      });
    }
  }
  return out;
}

/** Every check for one script. */
export async function checkGuestScript(name: GuestScriptName, text: string): Promise<Violation[]> {
  const tree = await parsePowerShell(text);
  const out = [
    ...checkSyntax(tree),
    ...checkAscii(text),
    ...checkPowerShell51(tree),
    ...checkGluedCommands(tree),
    ...checkResultLine(tree),
    ...checkParamContract(name, tree),
    ...checkCommandErrata(tree, name),
    ...checkErrataText(tree, text, name),
    ...checkResultKeys(tree, name),
  ];
  if (isReadOnlyScript(name)) out.push(...checkReadOnly(tree));
  else out.push(...checkLegacyTls(tree));
  if (isOfflineScript(name)) out.push(...checkOfflineRules(tree, text));
  return out;
}

// ---------------------------------------------------------------- offline scripts (run on a rescue VM)

/** Tools whose output is localized text: judged by exit code only, never parsed (diskpart not at all). */
const LOCALIZED_OUTPUT_TOOLS = new Set(['reg', 'reg.exe', 'bcdedit', 'bcdedit.exe', 'diskpart', 'diskpart.exe']);
/** Methods and commands that change the registry or the BCD store. */
const REGISTRY_WRITE_METHODS = new Set([
  'setvalue',
  'deletevalue',
  'deletesubkey',
  'deletesubkeytree',
  'setbooleanelement',
  'setintegerelement',
  'setstringelement',
  'deleteelement',
]);
const REGISTRY_WRITE_COMMANDS = new Set(['set-itemproperty', 'new-itemproperty', 'remove-itemproperty']);
/** What counts as reading the old value first, in the same function. */
const REGISTRY_READ_METHODS = new Set(['getvalue', 'getelement']);
const REGISTRY_READ_COMMANDS = new Set(['get-itemproperty', 'get-itempropertyvalue', 'get-hivevalue', 'get-bcdelement']);

function enclosingFunction(node: Node): Node | null {
  return ancestors(node).find((a) => a.type === 'function_statement') ?? null;
}

/** Whether `use` is the whole body of a script block given to Invoke-Native (its output only becomes message text). */
function isInvokeNativeBlock(use: CommandUse): boolean {
  const block = ancestors(use.node).find((a) => a.type === 'script_block_expression');
  if (!block) return false;
  const caller = ancestors(block).find((a) => a.type === 'command');
  if (!caller) return false;
  const callerUse = commandUses(caller).find((u) => u.node.id === caller.id);
  return callerUse !== undefined && isNamed(callerUse, 'Invoke-Native');
}

/**
 * The offline rules: no fixed drive letter (the broken disk's letter is discovered), no CurrentControlSet (an
 * offline hive has none; Select\Current names the set), reg/bcdedit only by exit code and diskpart never,
 * every registry or BCD write preceded in its function by a read of the old value, and every `reg load` in the
 * try block of a top-level try whose finally unloads with garbage collection and retries.
 */
export function checkOfflineRules(tree: Tree, text: string): Violation[] {
  const out: Violation[] = [];
  for (const literal of stringLiterals(tree.rootNode)) {
    if (/(^|[^A-Za-z0-9.\\])[A-Za-z]:(\\|$)/.test(literal.value)) {
      out.push({
        rule: 'drive-letter',
        line: literal.node.startPosition.row + 1,
        detail: `${literal.value}: a fixed drive letter; discover the volume instead`,
      });
    }
  }
  const code = codeWithoutComments(tree, text);
  code.split('\n').forEach((line, i) => {
    if (/CurrentControlSet/i.test(line))
      out.push({
        rule: 'errata-3',
        line: i + 1,
        detail: 'an offline SYSTEM hive has no CurrentControlSet: use the set Select\\Current names',
      });
    if (/BROKENSYSTEM/i.test(line))
      out.push({
        rule: 'hive-name',
        line: i + 1,
        detail: 'a fixed hive name collides with an earlier run that left it loaded: use a name unique to the run',
      });
  });

  const uses = commandUses(tree.rootNode);
  for (const use of uses) {
    if (use.dynamic || !LOCALIZED_OUTPUT_TOOLS.has(lower(use.name))) continue;
    if (/^diskpart/i.test(use.name)) {
      out.push({ rule: 'localized-output', line: use.line, detail: 'diskpart speaks localized text only: use the Storage cmdlets' });
    } else if (!isInvokeNativeBlock(use)) {
      out.push({
        rule: 'localized-output',
        line: use.line,
        detail: `${use.name} outside Invoke-Native: its localized output could be parsed`,
      });
    }
    const verb = use.args[0]?.text.toLowerCase();
    if (/^reg/i.test(use.name) && verb !== undefined && ['add', 'delete', 'import', 'copy', 'restore'].includes(verb)) {
      out.push({
        rule: 'read-before-write',
        line: use.line,
        detail: `reg ${verb} writes without a typed read of the old value: use the registry API`,
      });
    }
  }
  // The free text Invoke-Native returns is for messages only.
  for (const node of descendants(tree.rootNode)) {
    if (node.type !== 'comparison_operator' && node.type !== 'comparison_expression') continue;
    if (
      node.type === 'comparison_expression' &&
      /\.output\b/i.test(node.text) &&
      /-(match|notmatch|like|notlike|split|replace|eq|ne|contains)\b/i.test(node.text)
    ) {
      out.push({
        rule: 'localized-output',
        line: node.startPosition.row + 1,
        detail: `a tool's localized output is compared: ${node.text.slice(0, 60)}`,
      });
    }
  }
  for (const use of uses) {
    if (/^select-string$/i.test(use.name) && /\.output\b/i.test(use.node.parent?.text ?? '')) {
      out.push({ rule: 'localized-output', line: use.line, detail: "a tool's localized output is searched with Select-String" });
    }
  }

  // Every write reads the old value first, in the same function.
  const writes: { node: Node; name: string; line: number }[] = [
    ...methodCalls(tree.rootNode)
      .filter((c) => REGISTRY_WRITE_METHODS.has(lower(c.name)))
      .map((c) => ({ node: c.node, name: c.name, line: c.line })),
    ...uses
      .filter((u) => !u.dynamic && REGISTRY_WRITE_COMMANDS.has(lower(u.name)))
      .map((u) => ({ node: u.node, name: u.name, line: u.line })),
  ];
  for (const write of writes) {
    const scope = enclosingFunction(write.node) ?? tree.rootNode;
    const readFirst =
      methodCalls(scope).some((c) => REGISTRY_READ_METHODS.has(lower(c.name)) && c.node.startIndex < write.node.startIndex) ||
      commandUses(scope).some((u) => !u.dynamic && REGISTRY_READ_COMMANDS.has(lower(u.name)) && u.node.startIndex < write.node.startIndex);
    if (!readFirst) out.push({ rule: 'read-before-write', line: write.line, detail: `${write.name} without reading the old value first` });
  }

  // Hives: loaded inside a top-level try, unloaded in its finally with GC and retries.
  const loads = uses.filter((u) => !u.dynamic && /^reg(\.exe)?$/i.test(u.name) && u.args[0]?.text.toLowerCase() === 'load');
  const topTries = (tree.rootNode.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? []).filter(
    (c): c is Node => c !== null && c.type === 'try_statement',
  );
  for (const load of loads) {
    const nameArg = load.args[1];
    if (nameArg && (nameArg.kind === 'string' || nameArg.kind === 'bare')) {
      out.push({ rule: 'hive-name', line: load.line, detail: `hive loaded under the fixed name ${nameArg.text}` });
    }
    const owner = topTries.find((t) => t.startIndex <= load.node.startIndex && load.node.endIndex <= t.endIndex);
    const finallyClause = owner?.namedChildren.find((c) => c?.type === 'finally_clause') ?? null;
    const tryBlock = owner?.namedChildren.find((c) => c?.type === 'statement_block') ?? null;
    const inTryBlock = tryBlock !== null && tryBlock.startIndex <= load.node.startIndex && load.node.endIndex <= tryBlock.endIndex;
    const unloads = finallyClause
      ? commandUses(finallyClause).filter((u) => !u.dynamic && /^reg(\.exe)?$/i.test(u.name) && u.args[0]?.text.toLowerCase() === 'unload')
      : [];
    if (!finallyClause || !inTryBlock || unloads.length === 0) {
      out.push({
        rule: 'hive-unload',
        line: load.line,
        detail: 'reg load outside the try block of a top-level try whose finally runs reg unload',
      });
      continue;
    }
    const finallyText = finallyClause.text;
    const retried = unloads.some((u) =>
      ancestors(u.node).some(
        (a) =>
          (a.type === 'foreach_statement' || a.type === 'for_statement' || a.type === 'while_statement') &&
          finallyClause.startIndex < a.startIndex &&
          a.endIndex <= finallyClause.endIndex,
      ),
    );
    if (!/\[System\.GC\]::Collect\(\)/i.test(finallyText) || !/WaitForPendingFinalizers/i.test(finallyText) || !retried) {
      out.push({
        rule: 'hive-unload',
        line: load.line,
        detail: 'the finally unloads without garbage collection and retries (an open handle makes reg unload fail)',
      });
    }
  }
  return out;
}

/**
 * Errata 7 and 9 for the offline script: the ACLs are saved (icacls /save) into $restoreDir, a folder the script
 * creates, before any grant; grants go through one $grants variable that never gives Administrators or
 * Everyone full control, on files picked with the 'f686aace*' filter.
 */
function checkOfflineAclBackup(tree: Tree, uses: CommandUse[]): Violation[] {
  const out: Violation[] = [];
  const icacls = uses.filter((u) => isNamed(u, 'icacls', 'icacls.exe'));
  const save = icacls.find((u) => u.args.some((a) => a.text.toLowerCase() === '/save'));
  const grants = icacls.filter((u) => u.args.some((a) => a.text.toLowerCase() === '/grant'));
  const all = assignments(tree.rootNode);
  if (grants.length === 0) return out;
  if (!save) {
    out.push({ rule: 'errata-7', line: grants[0]!.line, detail: 'no icacls /save before changing ACLs' });
  } else {
    const saveArgs = save.args.map((a) => a.text);
    const file = saveArgs[saveArgs.findIndex((a) => a.toLowerCase() === '/save') + 1] ?? '';
    const built = all.find((a) => a.variable === file.toLowerCase());
    if (!built || !/\$restoreDir\b/i.test(built.value)) {
      out.push({ rule: 'errata-7', line: save.line, detail: `icacls /save writes to ${file}, which is not built from $restoreDir` });
    }
    for (const grant of grants) {
      if (grant.node.startIndex < save.node.startIndex)
        out.push({ rule: 'errata-7', line: grant.line, detail: 'icacls /grant runs before the ACLs are saved' });
    }
  }
  const creates = methodCalls(tree.rootNode).some((c) => c.name === 'CreateDirectory' && /\(\s*\$restoreDir\s*\)/i.test(c.node.text));
  if (!creates) out.push({ rule: 'errata-7', line: 1, detail: 'the script does not create $restoreDir before writing into it' });
  if (!stringLiterals(tree.rootNode).some((s) => s.value === 'f686aace*')) {
    out.push({ rule: 'errata-9', line: 1, detail: "the key files are not selected with the 'f686aace*' filter" });
  }
  for (const grant of grants) {
    const after = grant.args.slice(grant.args.findIndex((a) => a.text.toLowerCase() === '/grant') + 1);
    if (after.length !== 1 || after[0]!.text.toLowerCase() !== '$grants') {
      out.push({ rule: 'errata-9', line: grant.line, detail: 'icacls /grant takes anything but the per-build $grants list' });
    }
  }
  for (const literal of stringLiterals(tree.rootNode)) {
    if (/(S-1-5-32-544|S-1-1-0|S-1-5-11):\((F|M)\)/i.test(literal.value)) {
      out.push({
        rule: 'errata-9',
        line: literal.node.startPosition.row + 1,
        detail:
          `${literal.value}: no build ships Administrators, Everyone or Authenticated Users with full or modify rights on ` + `the RDP key`,
      });
    }
  }
  return out;
}
