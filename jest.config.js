/** @type {import('jest').Config} */
const fs = require('node:fs');
const path = require('node:path');

// Some of the Azure SDK's transitive dependencies (the proxy agents) ship as ES modules only. Node 22 loads
// them from CommonJS natively; jest's module system does not, so jest compiles exactly those packages.
function esmOnlyPackages() {
  const root = path.join(__dirname, 'node_modules');
  const names = [];
  for (const entry of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    const dirs = entry.startsWith('@') ? fs.readdirSync(path.join(root, entry)).map((d) => `${entry}/${d}`) : [entry];
    for (const name of dirs) {
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, name, 'package.json'), 'utf8'));
        const exportsText = JSON.stringify(pkg.exports ?? {});
        if (pkg.type === 'module' && !exportsText.includes('"require"')) names.push(name);
      } catch {
        // not a package folder
      }
    }
  }
  return names;
}

const esm = esmOnlyPackages()
  .map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  .join('|');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }],
    ...(esm ? { [`/node_modules/(${esm})/.+\\.js$`]: ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] } : {}),
  },
  transformIgnorePatterns: esm ? [`/node_modules/(?!(${esm})/)`] : ['/node_modules/'],
  // The Functions host provides @azure/functions-core at run time; tests get the simulator's stand-in.
  moduleNameMapper: { '^@azure/functions-core$': '<rootDir>/src/simulator/functionsHost/functionsCoreModule.ts' },
  testTimeout: 30000,
  // Refuses an unsupported Node.js before any test runs (src/runtime/nodeVersion.ts).
  globalSetup: '<rootDir>/test/support/requireSupportedNodeForJest.ts',
};
