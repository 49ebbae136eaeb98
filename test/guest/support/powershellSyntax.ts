/**
 * The PowerShell grammar (tree-sitter-powershell, as WebAssembly) and small queries over its syntax trees:
 * syntax problems, the script's param() block, the commands and methods it invokes, its string literals.
 * The static checks in scriptChecks.ts are built on these, never on regular expressions over raw text where
 * the syntax tree can answer.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';

let parserPromise: Promise<Parser> | undefined;

function grammarWasmPath(): string {
  // The package has no "exports" map, so its package.json resolves; the .wasm ships beside it.
  return join(dirname(require.resolve('tree-sitter-powershell/package.json')), 'tree-sitter-powershell.wasm');
}

export function powerShellParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    // Bytes, not a path: given a path, web-tree-sitter reads it through a dynamic import(), which jest's
    // CommonJS runtime refuses without --experimental-vm-modules.
    const language = await Language.load(new Uint8Array(readFileSync(grammarWasmPath())));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserPromise;
}

export async function parsePowerShell(text: string): Promise<Tree> {
  const tree = (await powerShellParser()).parse(text);
  if (tree === null) throw new Error('tree-sitter returned no tree');
  return tree;
}

/** Depth-first, document order. */
export function* descendants(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children) {
    if (child !== null) yield* descendants(child);
  }
}

export function ancestors(node: Node): Node[] {
  const out: Node[] = [];
  for (let p = node.parent; p !== null; p = p.parent) out.push(p);
  return out;
}

export interface SyntaxProblem {
  line: number;
  column: number;
  kind: 'ERROR' | 'MISSING';
  text: string;
}

/** Every ERROR node and every MISSING (inserted) token: a clean parse has none. */
export function syntaxProblems(tree: Tree): SyntaxProblem[] {
  const problems: SyntaxProblem[] = [];
  for (const node of descendants(tree.rootNode)) {
    if (node.isError || node.type === 'ERROR') {
      problems.push({
        line: node.startPosition.row + 1,
        column: node.startPosition.column + 1,
        kind: 'ERROR',
        text: node.text.slice(0, 60),
      });
    } else if (node.isMissing) {
      problems.push({ line: node.startPosition.row + 1, column: node.startPosition.column + 1, kind: 'MISSING', text: node.type });
    }
  }
  return problems;
}

/** The value of a string literal node: quotes removed, '' unescaped in verbatim strings. */
export function stringValue(node: Node): string {
  const raw = node.text;
  if (raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2) return raw.slice(1, -1).replace(/''/g, "'");
  if (raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2) return raw.slice(1, -1);
  if (raw.startsWith("@'") || raw.startsWith('@"'))
    return raw
      .slice(2, -2)
      .replace(/^\r?\n/, '')
      .replace(/\r?\n$/, '');
  return raw;
}

export interface StringLiteral {
  value: string;
  node: Node;
}

export function stringLiterals(root: Node): StringLiteral[] {
  return [...descendants(root)].filter((n) => n.type === 'string_literal').map((node) => ({ value: stringValue(node), node }));
}

// ---------------------------------------------------------------- param()

export interface DeclaredParameter {
  name: string;
  /** The type constraint, lower-cased (`string`, `int`), or null when untyped. */
  typeName: string | null;
  mandatory: boolean;
  validateSet: string[] | null;
  validatePattern: string | null;
  validateRange: [number, number] | null;
}

export interface ScriptParamBlock {
  cmdletBinding: boolean;
  parameters: DeclaredParameter[];
}

function attributeName(attribute: Node): string | null {
  const name = attribute.namedChildren.find((c) => c?.type === 'attribute_name');
  return name ? name.text.toLowerCase() : null;
}

function attributeArguments(attribute: Node): Node[] {
  const list = attribute.namedChildren.find((c) => c?.type === 'attribute_arguments');
  return list ? (list.namedChildren.filter((c) => c?.type === 'attribute_argument') as Node[]) : [];
}

function literalOf(argument: Node): string | number | null {
  for (const node of descendants(argument)) {
    if (node.type === 'string_literal') return stringValue(node);
    if (node.type === 'integer_literal') return Number(node.text);
  }
  return null;
}

/** The script-level param() block (not a function's), with each parameter's type and validation attributes. */
export function scriptParamBlock(tree: Tree): ScriptParamBlock | null {
  const block = tree.rootNode.namedChildren.find((c) => c?.type === 'param_block');
  if (!block) return null;
  const blockAttributes = block.namedChildren.find((c) => c?.type === 'attribute_list');
  const cmdletBinding = blockAttributes
    ? blockAttributes.namedChildren.some((a) => a !== null && a.type === 'attribute' && attributeName(a) === 'cmdletbinding')
    : false;
  const list = block.namedChildren.find((c) => c?.type === 'parameter_list');
  const parameters: DeclaredParameter[] = [];
  for (const parameter of list ? list.namedChildren : []) {
    if (parameter === null || parameter.type !== 'script_parameter') continue;
    const variable = parameter.namedChildren.find((c) => c?.type === 'variable');
    const declared: DeclaredParameter = {
      name: variable ? variable.text.replace(/^\$/, '') : '',
      typeName: null,
      mandatory: false,
      validateSet: null,
      validatePattern: null,
      validateRange: null,
    };
    const attributes = parameter.namedChildren.find((c) => c?.type === 'attribute_list');
    for (const attribute of attributes ? attributes.namedChildren : []) {
      if (attribute === null || attribute.type !== 'attribute') continue;
      const typeLiteral = attribute.namedChildren.find((c) => c?.type === 'type_literal');
      if (typeLiteral) {
        declared.typeName = typeLiteral.text.replace(/^\[|\]$/g, '').toLowerCase();
        continue;
      }
      const name = attributeName(attribute);
      const args = attributeArguments(attribute);
      if (name === 'parameter') {
        declared.mandatory = args.some((a) => /^mandatory\s*(=\s*\$true)?$/i.test(a.text.trim()));
      } else if (name === 'validateset') {
        declared.validateSet = args.map((a) => String(literalOf(a)));
      } else if (name === 'validatepattern') {
        const value = args.length > 0 ? literalOf(args[0]!) : null;
        declared.validatePattern = typeof value === 'string' ? value : null;
      } else if (name === 'validaterange') {
        const [min, max] = args.map((a) => literalOf(a));
        declared.validateRange = typeof min === 'number' && typeof max === 'number' ? [min, max] : null;
      }
    }
    parameters.push(declared);
  }
  return { cmdletBinding, parameters };
}

// ---------------------------------------------------------------- commands and methods

export interface CommandArgument {
  /** parameter: -Name; bare: an unquoted word (generic token); string: a quoted literal; other: an expression. */
  kind: 'parameter' | 'bare' | 'string' | 'variable' | 'other';
  text: string;
  node: Node;
}

export interface CommandUse {
  /** As written (e.g. `Get-Item`, `icacls.exe`); for `& $x` / `. $x`, the operator and the expression. */
  name: string;
  /** Invoked through `&` or `.` rather than by name. */
  viaOperator: boolean;
  /** The target is not a literal command name (a variable, a script block, an expression). */
  dynamic: boolean;
  args: CommandArgument[];
  line: number;
  node: Node;
}

/** Classifies one command element; a quoted literal's text is its value (quotes removed). */
function commandArgument(node: Node): CommandArgument {
  if (node.type === 'command_parameter') return { kind: 'parameter', text: node.text, node };
  if (node.type === 'generic_token') return { kind: 'bare', text: node.text, node };
  // Expressions arrive wrapped in single-child precedence nodes; the argument is a plain literal or variable
  // only when that leaf spans the whole element.
  const leaf = [...descendants(node)].find((n) => n.type === 'string_literal' || n.type === 'variable');
  if (leaf && leaf.text === node.text) {
    return leaf.type === 'variable' ? { kind: 'variable', text: leaf.text, node } : { kind: 'string', text: stringValue(leaf), node };
  }
  return { kind: 'other', text: node.text, node };
}

export function commandUses(root: Node): CommandUse[] {
  const uses: CommandUse[] = [];
  for (const node of descendants(root)) {
    if (node.type !== 'command') continue;
    const operator = node.namedChildren.find((c) => c?.type === 'command_invokation_operator');
    const nameExpr = node.namedChildren.find((c) => c?.type === 'command_name_expr');
    const direct = node.namedChildren.find((c) => c?.type === 'command_name');
    const nameNode = direct ?? nameExpr?.namedChildren.find((c) => c?.type === 'command_name') ?? null;
    const target = nameNode ?? nameExpr ?? null;
    const elements = node.namedChildren.find((c) => c?.type === 'command_elements');
    const args: CommandArgument[] = [];
    for (const element of elements ? elements.namedChildren : []) {
      if (element === null || element.type === 'command_argument_sep' || element.type === 'redirection' || element.type === 'comment')
        continue;
      args.push(commandArgument(element));
    }
    uses.push({
      name: target ? target.text : (node.text.split(/\s/)[0] ?? ''),
      viaOperator: operator !== undefined && operator !== null,
      dynamic: nameNode === null,
      args,
      line: node.startPosition.row + 1,
      node,
    });
  }
  return uses;
}

export interface MethodCall {
  name: string;
  /** `::` (static) or `.` (instance). */
  isStatic: boolean;
  line: number;
  node: Node;
}

export function methodCalls(root: Node): MethodCall[] {
  const calls: MethodCall[] = [];
  for (const node of descendants(root)) {
    if (node.type !== 'invokation_expression') continue;
    const member = node.namedChildren.find((c) => c?.type === 'member_name');
    if (!member) continue;
    const isStatic = node.children.some((c) => c?.type === '::');
    calls.push({ name: member.text, isStatic, line: node.startPosition.row + 1, node });
  }
  return calls;
}

/** Names of the functions the script defines (their bodies are checked like the rest of the script). */
export function definedFunctions(root: Node): string[] {
  return [...descendants(root)]
    .filter((n) => n.type === 'function_statement')
    .map((n) => n.namedChildren.find((c) => c?.type === 'function_name')?.text ?? '')
    .filter((name) => name !== '');
}

/** The text with every comment blanked out (same length and line numbers), for checks on code only. */
export function codeWithoutComments(tree: Tree, text: string): string {
  const chars = text.split('');
  for (const node of descendants(tree.rootNode)) {
    if (node.type !== 'comment') continue;
    for (let i = node.startIndex; i < node.endIndex; i += 1) {
      if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = ' ';
    }
  }
  return chars.join('');
}
