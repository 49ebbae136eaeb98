/** Which Node.js releases the app accepts, that package.json says the same, and that every entry point checks first. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { SUPPORTED_NODE_RANGE, unsupportedNodeMessage } from '../../src/runtime/nodeVersion';

const root = join(__dirname, '..', '..');

describe('unsupportedNodeMessage', () => {
  it.each(['v22.10.0', 'v22.23.5', 'v23.11.0', 'v24.0.0', 'v24.11.1', '22.12.0'])('%s is supported', (version) => {
    expect(unsupportedNodeMessage(version)).toBeNull();
  });

  it.each(['v20.20.2', 'v18.19.0', 'v22.9.0', 'v22.0.0', 'v25.0.0', 'v26.1.0'])(
    '%s is refused with the range and what to do',
    (version) => {
      expect(unsupportedNodeMessage(version)).toBe(
        `Node.js ${version} is not supported: this app needs Node.js >=22.10 <25 (22 LTS from 22.10, or 24 LTS); install ` +
          `one and run again (.nvmrc names 22)`,
      );
    },
  );

  it('an unreadable version is refused, not guessed', () => {
    expect(unsupportedNodeMessage('banana')).toMatch(/^Node\.js version "banana" cannot be read: this app needs Node\.js >=22\.10 <25/);
  });
});

describe('the declared range', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };

  it('package.json engines says what the check enforces', () => {
    expect(pkg.engines.node).toBe(SUPPORTED_NODE_RANGE);
  });

  it('.npmrc makes npm refuse an unsupported Node (engine-strict)', () => {
    expect(readFileSync(join(root, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m);
  });

  it('.nvmrc names a supported line', () => {
    const major = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
    expect(unsupportedNodeMessage(`v${major}.99.0`)).toBeNull();
  });
});

describe('entry points', () => {
  /** The module specifier of a file's first import, so nothing loads before the check. */
  function firstImport(file: string): string | null {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.ES2022);
    const statement = source.statements.find(ts.isImportDeclaration);
    return statement && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
  }

  it.each([
    ['src/simulator/demo.ts', '../runtime/requireSupportedNode'],
    ['src/simulator/bench.ts', '../runtime/requireSupportedNode'],
    ['src/rdp/probeCli.ts', '../runtime/requireSupportedNode'],
    ['src/cli/main.ts', '../runtime/requireSupportedNode'],
    ['test/rdp/support/measureProbe.ts', '../../../src/runtime/requireSupportedNode'],
  ])('%s checks the Node version before importing anything else', (file, guard) => {
    expect(firstImport(file)).toBe(guard);
  });
});
