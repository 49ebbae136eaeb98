import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Under jest __dirname is the source tree; compiled elsewhere (measureProbe) the fixtures stay in the repo.
export const FIXTURES =
  [join(__dirname, '..', '..', 'fixtures', 'rdp'), join(process.cwd(), 'test', 'fixtures', 'rdp')].find((dir) =>
    existsSync(join(dir, 'valid-cert.pem')),
  ) ?? join(__dirname, '..', '..', 'fixtures', 'rdp');
export const fixturePath = (name: string): string => join(FIXTURES, name);
export const fixture = (name: string): Buffer => readFileSync(fixturePath(name));
