/** `npm run package`: builds deploy/rdp-autorepair.zip (or the path given) from the built app. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PackageError, selectPackageFiles, writeZip } from './deploymentPackage';

async function main(): Promise<number> {
  const root = resolve(__dirname, '..', '..', '..');
  const outFile = resolve(process.argv[2] ?? join(root, 'deploy', 'rdp-autorepair.zip'));
  try {
    const files = selectPackageFiles(root);
    mkdirSync(dirname(outFile), { recursive: true });
    const count = await writeZip(files, outFile);
    const mb = (statSync(outFile).size / 1024 / 1024).toFixed(1);
    console.log(`${outFile}: ${count} files, ${mb} MB`);
    console.log(`deploy it: az functionapp deploy -g <resource-group> -n <app-name> --src-path ${outFile} --type zip`);
    return 0;
  } catch (error) {
    if (error instanceof PackageError) {
      console.error(`package: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

main().then((code) => {
  process.exitCode = code;
});
