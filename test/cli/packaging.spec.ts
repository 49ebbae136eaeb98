/** The bin is wired to the compiled CLI, and README's exit code table is the one the CLI uses. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_CODE_TABLE } from '../../src/cli/exitCodes';

const ROOT = path.join(__dirname, '..', '..');

describe('the rdp-autorepair bin', () => {
  it('points at the compiled src/cli/main.ts, which starts with a node shebang', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const outDir = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8')).compilerOptions.outDir;
    expect(path.normalize(pkg.bin['rdp-autorepair'])).toBe(path.join(outDir, 'src', 'cli', 'main.js'));
    expect(fs.readFileSync(path.join(ROOT, 'src', 'cli', 'main.ts'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(Object.keys(pkg.dependencies)).toContain('commander');
  });

  it("is documented in README with the CLI's own exit code table", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('## Operator CLI');
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    const rows = [...section.matchAll(/^\| (\d+) \| (.+) \|$/gm)].map((m) => [Number(m[1]), m[2]]);
    expect(rows).toEqual(EXIT_CODE_TABLE.map(([code, meaning]) => [code, meaning]));
  });
});
