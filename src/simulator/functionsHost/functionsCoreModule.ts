/**
 * SIMULATED: a stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker injects into
 * the app's process. `@azure/functions` requires it lazily (tryGetCoreApiLazy) and, when it is present, hands it
 * every registration (`registerFunction(metadata, handler)`), its programming model, its hooks and its system
 * log. Without it the library falls back to "test mode" and silently drops registrations, so this module is what
 * lets the simulator capture the app's real registrations.
 *
 * It is reached in two ways, both resolving the request '@azure/functions-core' to this file:
 *  - jest: `moduleNameMapper` (see the report / jest.config.js),
 *  - plain Node (the demo): installFunctionsCoreStandIn() in ./installFunctionsCoreStandIn.
 * Never registered as a function.
 */
import { type CoreFunctionMetadata, FunctionRegistry, type RegisteredHandler, type RegisteredHook } from './FunctionRegistry';

/** The registry of this process (of this jest module registry under jest) when no capture is active. */
export const functionRegistry = new FunctionRegistry();

// While a capture runs, registrations go to its registry instead: each simulated app gets its own, so two apps
// (each with its own dependencies) can live in one process. @azure/functions registers synchronously.
let capturing: FunctionRegistry | undefined;

function target(): FunctionRegistry {
  return capturing ?? functionRegistry;
}

/** Runs `register` with every registration it makes recorded into `into`. */
export function captureRegistrations(into: FunctionRegistry, register: () => void): void {
  const previous = capturing;
  capturing = into;
  try {
    register();
  } finally {
    capturing = previous;
  }
}

/** Mirrors the worker's version fields, which @azure/functions may log; the values say what this is. */
export const version = 'simulated';
export const hostVersion = 'simulated';

/** The worker's Disposable: what registerHook returns and @azure/functions hands to the app. */
export class Disposable {
  private disposed = false;

  constructor(private readonly callOnDispose: () => void) {}

  static from(...inputs: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => {
      for (const d of inputs) d.dispose();
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.callOnDispose();
  }
}

export function registerFunction(metadata: CoreFunctionMetadata, handler: RegisteredHandler): Disposable {
  const registry = target();
  const entry = registry.register(metadata, handler);
  // The real worker lets an app unregister before startup completes; mirror that with the same Disposable shape.
  return new Disposable(() => {
    if (registry.get(entry.name) === entry) registry.unregister(entry.name);
  });
}

export function setProgrammingModel(model: unknown): void {
  // @azure/functions sets it once per process; every capture after that inherits it (see registerFunctionApp).
  functionRegistry.setProgrammingModel(model);
  capturing?.setProgrammingModel(model);
}

export function getProgrammingModel(): unknown {
  return functionRegistry.programmingModel;
}

export function registerHook(hookName: string, callback: (...args: unknown[]) => unknown): Disposable {
  const hook: RegisteredHook = { hookName, callback };
  const registry = target();
  registry.addHook(hook);
  return new Disposable(() => registry.removeHook(hook));
}

/** The worker's system log; kept in memory so tests stay quiet and can still read it. */
export function log(level: string, category: string, message: string): void {
  functionRegistry.systemLogs.push({ level, category, message });
}
