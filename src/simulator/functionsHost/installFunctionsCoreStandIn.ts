/**
 * SIMULATED: makes `require('@azure/functions-core')` resolve to the stand-in in plain Node (the demo, benches),
 * where jest's moduleNameMapper is not there to do it. Only that exact request is redirected; every other
 * resolution goes through Node's own resolver untouched. Never registered as a function.
 *
 * Order matters: @azure/functions looks the core module up once, on its first registration, and caches a miss
 * forever ("test mode"). Install before the app's registration modules run; loadFunctionApp does it for you and
 * checks afterwards that the library really talked to the stand-in.
 */
import Module = require('node:module');
import * as path from 'node:path';
import { FunctionRegistry } from './FunctionRegistry';

const CORE_REQUEST = '@azure/functions-core';

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
// _resolveFilename is Node's internal resolution hook; it is not in @types/node, hence the narrow cast.
const moduleInternals = Module as unknown as { _resolveFilename: ResolveFilename };

let installedTarget: string | undefined;

/** Idempotent. Returns the absolute path the core request now resolves to. */
export function installFunctionsCoreStandIn(): string {
  if (installedTarget) return installedTarget;
  // Resolved relative to this file, so it works from ts sources (ts-node/tsx) and from compiled dist alike.
  const target = require.resolve('./functionsCoreModule');
  const original = moduleInternals._resolveFilename;
  moduleInternals._resolveFilename = function resolveWithStandIn(this: unknown, request, parent, isMain, options) {
    if (request === CORE_REQUEST) return target;
    return original.call(this, request, parent, isMain, options);
  };
  installedTarget = target;
  return target;
}

/** The registry the stand-in records into (the same module instance `@azure/functions` receives). */
export function standInRegistry(): FunctionRegistry {
  return standInCore().functionRegistry;
}

function standInCore(): typeof import('./functionsCoreModule') {
  installFunctionsCoreStandIn();
  let core: typeof import('./functionsCoreModule');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    core = require(CORE_REQUEST) as typeof import('./functionsCoreModule');
  } catch (err) {
    // Under jest, Node's resolver is bypassed: only moduleNameMapper can point the request at the stand-in.
    throw new Error(
      `'${CORE_REQUEST}' does not resolve to the stand-in (${(err as Error).message}). Under jest, map it in ` +
        `moduleNameMapper: '^@azure/functions-core$': '<rootDir>/src/simulator/functionsHost/functionsCoreModule.ts'.`,
    );
  }
  return core;
}

const TEST_MODE_MESSAGE =
  '@azure/functions never reached the functions-core stand-in: it was used before installFunctionsCoreStandIn() ' +
  ('ran and is now in "test mode". Call loadFunctionApp/registerFunctionApp/installFunctionsCoreStandIn before anything ' +
    'registers functions.');

/**
 * Runs an app's registration function (e.g. registerApp with the simulator's dependencies) and returns a registry
 * of its own holding exactly what it registered: the way the simulator loads the app through its composition root.
 */
export function registerFunctionApp(register: () => void): FunctionRegistry {
  const core = standInCore();
  const registry = new FunctionRegistry();
  core.captureRegistrations(registry, register);
  if (registry.programmingModel === undefined) {
    const model = core.getProgrammingModel();
    if (model === undefined) throw new Error(TEST_MODE_MESSAGE);
    registry.setProgrammingModel(model);
  }
  return registry;
}

/**
 * Installs the stand-in, requires the app's registration modules (paths absolute or relative to the current
 * directory) and returns the registry they filled.
 */
export function loadFunctionApp(modulePaths: string[]): FunctionRegistry {
  const registry = standInRegistry();
  for (const modulePath of modulePaths) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.resolve(process.cwd(), modulePath));
  }
  if (modulePaths.length > 0 && registry.programmingModel === undefined) {
    // @azure/functions calls setProgrammingModel before its first registerFunction; if it never did, it found
    // no core module (it was first used before the stand-in was installed) and dropped every registration.
    throw new Error(TEST_MODE_MESSAGE);
  }
  return registry;
}
