/**
 * SIMULATED: what a worker restart does to module state. A new Node.js worker process loads every module afresh,
 * so whatever the app kept in memory (caches, counters, injected dependencies) is gone. `ModuleIsolation` runs a
 * load so that every module it requires is a fresh instance: under jest that is jest.isolateModules (jest's own
 * module registry ignores the require cache), in plain Node it is an emptied require cache.
 * Never registered as a function.
 */

export type ModuleIsolation = (load: () => void) => void;

/** Plain Node (demo, bench): forget every loaded module, so `load` loads them all again. */
export const freshRequireCache: ModuleIsolation = (load) => {
  if (process.env.JEST_WORKER_ID !== undefined) {
    throw new Error(
      'Under jest the require cache cannot be emptied (jest keeps its own module registry); pass isolateModules: ' +
        '(load) => jest.isolateModules(load) instead.',
    );
  }
  // Modules already in use keep working through the references their users hold; only new requires reload.
  for (const key of Object.keys(require.cache)) delete require.cache[key];
  load();
};
