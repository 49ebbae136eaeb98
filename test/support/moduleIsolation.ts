/** Under jest a restarted simulated worker gets fresh modules from jest's own isolated module registry. */
import type { ModuleIsolation } from '../../src/simulator/functionsHost';

export const jestModuleIsolation: ModuleIsolation = (load) => jest.isolateModules(load);
