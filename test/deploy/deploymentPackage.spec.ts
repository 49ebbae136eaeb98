import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { open as openZip } from 'yauzl';
import { PackageError, productionPackagePaths, selectPackageFiles, writeZip } from '../../src/deploy/deploymentPackage';

const repoRoot = join(__dirname, '..', '..');

function zipEntries(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    openZip(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: { fileName: string }) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names.sort()));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

function write(root: string, path: string, text = 'x'): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

describe('deployment package', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'rdp-autorepair-package-'));
    write(root, 'package.json', JSON.stringify({ name: 'app', main: 'dist/src/functions/app.js' }));
    write(root, 'host.json', '{}');
    write(root, 'local.settings.json', '{"secret": true}');
    write(root, 'dist/src/functions/app.js');
    write(root, 'dist/src/deploy/packageCli.js');
    write(root, 'src/guest/scripts/diagnose.ps1');
    write(root, 'src/guest/scripts/common-read.ps1');
    write(root, 'src/domain/config.ts');
    write(root, 'test/a.spec.ts');
    write(root, 'node_modules/prod-a/index.js');
    write(root, 'node_modules/prod-a/node_modules/prod-b/index.js');
    write(root, 'node_modules/dev-tool/index.js');
    write(root, 'node_modules/dev-tool/node_modules/dev-nested/index.js');
    write(root, 'node_modules/dev-optional/index.js');
    write(root, 'node_modules/.package-lock.json', '{}');
    const packages = {
      '': { name: 'app' },
      'node_modules/prod-a': { version: '1.0.0' },
      'node_modules/prod-a/node_modules/prod-b': { version: '1.0.0' },
      'node_modules/dev-tool': { version: '1.0.0', dev: true },
      'node_modules/dev-tool/node_modules/dev-nested': { version: '1.0.0', dev: true },
      'node_modules/dev-optional': { version: '1.0.0', devOptional: true },
      'node_modules/other-platform': { version: '1.0.0', optional: true },
    };
    write(root, 'package-lock.json', JSON.stringify({ lockfileVersion: 3, packages }));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('holds dist/, the guest scripts, package.json, host.json and the production node_modules, nothing else', async () => {
    const out = join(root, 'out.zip');
    const count = await writeZip(selectPackageFiles(root), out);
    const entries = await zipEntries(out);
    expect(entries).toEqual([
      'dist/src/functions/app.js',
      'host.json',
      'node_modules/prod-a/index.js',
      'node_modules/prod-a/node_modules/prod-b/index.js',
      'package.json',
      'src/guest/scripts/common-read.ps1',
      'src/guest/scripts/diagnose.ps1',
    ]);
    expect(count).toBe(entries.length);
  });

  it('refuses an app that was not built, and an install missing a production package', () => {
    rmSync(join(root, 'dist'), { recursive: true });
    expect(() => selectPackageFiles(root)).toThrow(
      new PackageError('dist/src/functions/app.js does not exist: build the app first (npm run build)'),
    );
    write(root, 'dist/src/functions/app.js');
    rmSync(join(root, 'node_modules/prod-a'), { recursive: true });
    expect(() => selectPackageFiles(root)).toThrow(/node_modules\/prod-a is in package-lock.json but not installed/);
  });

  it("selects from this repository's lockfile every runtime dependency and no development tool", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const selected = productionPackagePaths(JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')));
    for (const name of Object.keys(pkg.dependencies)) expect(selected).toContain(`node_modules/${name}`);
    for (const name of Object.keys(pkg.devDependencies)) expect(selected).not.toContain(`node_modules/${name}`);
    expect(selected.some((p) => /\/(jest|typescript|ts-jest|@biomejs\/biome)$/.test(p))).toBe(false);
  });
});
