/**
 * The simulator is a witness, not a mirror: it must never run the product's decisions to decide what happens
 * (a bug in the product's NSG reasoning, say, would then be mirrored and no test would see it). This test reads
 * every import under src/simulator/ with the TypeScript parser and fails on any runtime import of product code
 * that is not one of the few reviewed edges below. Type-only imports are fine: they decide nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', '..', 'src');
const SIMULATOR = path.join(SRC, 'simulator');

/** Product rooms whose code decides: never imported at run time by the simulator, whatever the file. */
const DECISION_ROOMS = ['orchestration', 'api', 'alerts', 'domain', 'activities', 'functions'];

/**
 * Reviewed runtime edges from the simulator into product code: wiring the real app into the simulation, and
 * protocol pieces that are witnessed elsewhere. Each says why it is not a mirror. Keys: importer (relative to
 * src/simulator) -> product module (relative to src, no extension).
 */
const REVIEWED: Record<string, Record<string, string>> = {
  'simulatedRepairApp.ts': {
    'functions/registerApp':
      "wiring: the app's composition root, handed the simulation's settings, clock, emulator client and activity dependencies",
    'rdp/probe': 'wiring: the real probe is what the activities run',
    'watch/watchPublisher': "wiring: the app's own Event Grid sender, pointed at the simulated topic as its httpClient",
    'activities/deps':
      "wiring: the app's own serial console clients (@azure/arm-serialconsole, Key Vault's SecretClient) on the simulated ARM and vault",
  },
  'demo.ts': { 'runtime/requireSupportedNode': 'wiring: the entry point refuses an unsupported Node before anything runs' },
  'bench.ts': { 'runtime/requireSupportedNode': 'wiring: the entry point refuses an unsupported Node before anything runs' },
  'arm/clients.ts': {
    'azure/clients': "wiring: the real SDK clients built by the app's own factory, pointed at the simulated ARM",
  },
  'rdpEndpoint.ts': {
    'rdp/x224': "protocol codec for the simulated server's side; the codec itself is witnessed by real xrdp in test/rdp/probe.xrdp.spec.ts",
    'rdp/tpktFrameReader': 'protocol framing, witnessed by real xrdp like rdp/x224',
  },
  'arm/handlers/virtualMachineCreate.ts': {
    'azure/resourceId': 'formats ARM ids; the id grammar is checked against ARM examples in test/azure/resourceId.spec.ts',
  },
  'arm/handlers/snapshots.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'arm/handlers/disks.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'arm/world/world.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'guest/parameterBinding.ts': {
    'guest/scriptCatalog': 'the .ps1 param() declarations, which test/guest/scripts.static.spec.ts keeps identical to the scripts',
    'guest/scriptParameters': 'the .ps1 ValidateRange/ValidatePattern rules, kept identical to the scripts by test/guest',
  },
  'bench/armDriver.ts': {
    'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)',
    'guest/runCommandChannel':
      "the baselines' operator runs the same scripts through the real Run Command channel, as a person following the article " +
      'would; it decides nothing about the simulated guest, which the simulator alone models',
    'guest/scriptCatalog': 'the script texts and their parameters, handed to Run Command by the baselines (see runCommandChannel)',
    'guest/scriptParameters': 'the parameter encoding the scripts expect (see runCommandChannel)',
    'guest/scriptResults': 'reads the result line the scripts print (see runCommandChannel); the baselines use none of its judgement',
  },
  'bench/articleOrder.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'bench/azVmRepair.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'bench/offlineOps.ts': { 'azure/resourceId': 'formats ARM ids (see virtualMachineCreate.ts)' },
  'guest/scriptIdentity.ts': { 'guest/scriptCatalog': 'loads the real script text the guest is handed, to know which script it runs' },
};

interface ProductImport {
  importer: string;
  target: string;
  line: number;
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // `import './x'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** Every runtime module specifier in a file: imports, re-exports, require() and import(). */
function runtimeSpecifiers(file: string): Array<{ specifier: string; line: number }> {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: Array<{ specifier: string; line: number }> = [];
  const add = (literal: ts.Expression | undefined): void => {
    if (literal && ts.isStringLiteralLike(literal))
      found.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(literal.getStart()).line + 1 });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && !isTypeOnly(node))
      add(node.moduleSpecifier);
    if (ts.isImportEqualsDeclaration(node) && !node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference))
      add(node.moduleReference.expression);
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function productImports(): ProductImport[] {
  const result: ProductImport[] = [];
  for (const file of filesUnder(SIMULATOR)) {
    for (const { specifier, line } of runtimeSpecifiers(file)) {
      if (!specifier.startsWith('.')) continue;
      const resolved = path.resolve(path.dirname(file), specifier);
      const relativeToSrc = path.relative(SRC, resolved).split(path.sep).join('/');
      if (relativeToSrc.startsWith('simulator/') || relativeToSrc.startsWith('..')) continue;
      result.push({ importer: path.relative(SIMULATOR, file).split(path.sep).join('/'), target: relativeToSrc, line });
    }
  }
  return result;
}

describe('the simulator is a witness, not a mirror', () => {
  const imports = productImports();

  it('finds the product imports it is meant to police (the scan itself works)', () => {
    expect(imports.some((i) => i.importer === 'simulatedRepairApp.ts' && i.target === 'functions/registerApp')).toBe(true);
  });

  it('never imports a product decision at run time, not even in the harness', () => {
    const decisions = imports.filter((i) => {
      const room = i.target.split('/')[0] ?? '';
      return DECISION_ROOMS.includes(room) && !REVIEWED[i.importer]?.[i.target]?.startsWith('wiring:');
    });
    expect(decisions.map((i) => `${i.importer}:${i.line} imports ${i.target}`)).toEqual([]);
  });

  it('imports product code at run time only through the reviewed edges', () => {
    const unreviewed = imports.filter((i) => REVIEWED[i.importer]?.[i.target] === undefined);
    expect(unreviewed.map((i) => `${i.importer}:${i.line} imports ${i.target}`)).toEqual([]);
  });

  it('keeps no reviewed edge that is no longer used', () => {
    const used = new Set(imports.map((i) => `${i.importer} -> ${i.target}`));
    const stale = Object.entries(REVIEWED)
      .flatMap(([importer, targets]) => Object.keys(targets).map((t) => `${importer} -> ${t}`))
      .filter((edge) => !used.has(edge));
    expect(stale).toEqual([]);
  });

  it("writes the same result marker as every guest script's last line", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { SCRIPT_RESULT_MARKER } = require('../../src/simulator/guest/scriptModels') as { SCRIPT_RESULT_MARKER: string };
    const scripts = path.join(SRC, 'guest', 'scripts');
    const entryScripts = fs.readdirSync(scripts).filter((f) => f.endsWith('.ps1') && !f.startsWith('common-'));
    expect(entryScripts.length).toBeGreaterThan(0);
    for (const script of entryScripts) {
      const text = fs.readFileSync(path.join(scripts, script), 'utf8');
      const written = [...text.matchAll(/Write-Output \('([^']+)' \+ \((?:\$result|ConvertTo-ResultJson -Result \$result)/g)].map(
        (m) => m[1],
      );
      expect({ script, written }).toEqual({ script, written: [SCRIPT_RESULT_MARKER] });
    }
  });
});
