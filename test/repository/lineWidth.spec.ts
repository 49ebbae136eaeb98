/**
 * No line is longer than the formatter's width (biome.json `lineWidth`). The formatter wraps code but never a
 * comment or a string, so this test holds those to it too. Exempt, as max-len linters do: a regex literal on a
 * line of its own, and literals without whitespace (resource ids, URLs), which cannot be broken where they stand.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const WIDTH: number = JSON.parse(fs.readFileSync(path.join(ROOT, 'biome.json'), 'utf8')).formatter.lineWidth;

function trackedTypeScript(): string[] {
  const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '--', 'src/*.ts', 'test/*.ts', 'scripts/*.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out.split('\n').filter((f) => f && fs.existsSync(path.join(ROOT, f)));
}

/** The line as the rule measures it: unbreakable literals (no whitespace inside) removed. */
function measuredLength(line: string): number {
  const trimmed = line.trim();
  if (trimmed.startsWith('/') && !trimmed.startsWith('//') && !trimmed.startsWith('/*')) return 0;
  return line.replace(/(['"`])(?:\\.|(?!\1)[^\s\\])*\1/g, '').length;
}

describe('line width', () => {
  it('measures comments and breakable strings, not ids or regexes', () => {
    expect(measuredLength(`  '${'a'.repeat(200)}';`)).toBe(3);
    expect(measuredLength(`  /^${'x'.repeat(200)}$/,`)).toBe(0);
    expect(measuredLength(`  // ${'word '.repeat(40)}`)).toBeGreaterThan(WIDTH);
    expect(measuredLength(`  '${'word '.repeat(40)}'`)).toBeGreaterThan(WIDTH);
  });

  it(`keeps every line of src/, test/ and scripts/ within ${WIDTH} characters`, () => {
    const long: string[] = [];
    for (const file of trackedTypeScript()) {
      fs.readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (measuredLength(line) > WIDTH) long.push(`${file}:${i + 1} (${line.length})`);
        });
    }
    expect(long).toEqual([]);
  });
});
