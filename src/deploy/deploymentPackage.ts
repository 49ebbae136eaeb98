/**
 * The deployment zip for `az functionapp deploy --type zip` (or the template's packageUri): what the Functions
 * host needs and nothing else. Production packages are read from package-lock.json, whose `dev`/`devOptional`
 * flags are npm's own answer to "is this needed at run time", so no second list drifts from the lockfile and the
 * already installed node_modules are reused (no npm run, no network, no Core Tools).
 */
import { createWriteStream, existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { ZipFile } from 'yazl';

export interface PackageFile {
  /** Path inside the zip, with forward slashes. */
  zipPath: string;
  absolutePath: string;
  mode: number;
}

export class PackageError extends Error {}

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  link?: boolean;
}

/** Lockfile keys of the packages the app needs at run time ("node_modules/a", "node_modules/a/node_modules/b"). */
export function productionPackagePaths(lock: { packages?: Record<string, LockEntry> }): string[] {
  if (!lock.packages) throw new PackageError('package-lock.json has no "packages" map (lockfileVersion 2 or later is needed)');
  return Object.entries(lock.packages)
    .filter(([key, entry]) => key.startsWith('node_modules/') && !entry.dev && !entry.devOptional && !entry.link)
    .map(([key]) => key)
    .sort();
}

function toZipPath(root: string, absolutePath: string): string {
  return relative(root, absolutePath).split(sep).join(posix.sep);
}

/** Regular files under dir; nested node_modules are skipped because each nested package has its own lockfile key. */
function filesUnder(root: string, dir: string, skip: (absolutePath: string) => boolean): PackageFile[] {
  const files: PackageFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const absolutePath = join(dir, name);
    if (skip(absolutePath)) continue;
    const stat = lstatSync(absolutePath);
    if (stat.isDirectory()) files.push(...filesUnder(root, absolutePath, skip));
    else if (stat.isFile()) files.push({ zipPath: toZipPath(root, absolutePath), absolutePath, mode: stat.mode });
    // Symbolic links are left out: a zip deployment does not keep them, and npm's only links here are .bin shims.
  }
  return files;
}

/**
 * Every file of the package, in a stable order: package.json and host.json (the host reads both), the compiled
 * app (dist/, without this packager), the guest scripts (scriptCatalog.ts finds them in src/guest/scripts next to
 * dist/), and the production node_modules. Refuses to package an app that was not built.
 */
export function selectPackageFiles(root: string): PackageFile[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main?: string };
  if (!pkg.main) throw new PackageError('package.json has no "main": the Functions host would find no functions');
  if (!existsSync(join(root, pkg.main))) {
    throw new PackageError(`${pkg.main} does not exist: build the app first (npm run build)`);
  }
  const lockPath = join(root, 'package-lock.json');
  if (!existsSync(lockPath)) throw new PackageError('package-lock.json is missing: run npm install first');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages?: Record<string, LockEntry> };

  const files: PackageFile[] = [];
  for (const name of ['package.json', 'host.json']) {
    const absolutePath = join(root, name);
    if (!existsSync(absolutePath)) throw new PackageError(`${name} is missing`);
    files.push({ zipPath: name, absolutePath, mode: lstatSync(absolutePath).mode });
  }
  const tool = join(root, 'dist', 'src', 'deploy');
  files.push(...filesUnder(root, join(root, 'dist'), (p) => p === tool));
  const scripts = join(root, 'src', 'guest', 'scripts');
  if (!existsSync(scripts)) throw new PackageError('src/guest/scripts is missing: the repair scripts would not be found');
  files.push(...filesUnder(root, scripts, () => false));

  for (const key of productionPackagePaths(lock)) {
    const dir = join(root, ...key.split('/'));
    if (!existsSync(dir)) {
      // An optional dependency for another platform is legitimately absent; anything else is a broken install.
      if (lock.packages?.[key]?.optional) continue;
      throw new PackageError(`${key} is in package-lock.json but not installed: run npm ci first`);
    }
    files.push(...filesUnder(root, dir, (p) => p.endsWith(`${sep}node_modules`)));
  }
  return files;
}

/** Writes the files into a zip at outFile; resolves with the number of entries once the file is complete. */
export function writeZip(files: PackageFile[], outFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const zip = new ZipFile();
    const out = createWriteStream(outFile);
    out.on('error', reject);
    out.on('close', () => resolve(files.length));
    zip.outputStream.on('error', reject);
    zip.outputStream.pipe(out);
    // A fixed time keeps the zip byte-identical for identical inputs.
    const mtime = new Date('2000-01-01T00:00:00Z');
    for (const file of files) zip.addFile(file.absolutePath, file.zipPath, { mtime, mode: file.mode });
    zip.end();
  });
}
