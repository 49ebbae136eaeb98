/**
 * SIMULATED: the record of what the app registered with the Functions host. The functions-core stand-in fills it
 * as `@azure/functions` (and durable-functions on top of it) call `registerFunction`; tests read it to assert the
 * bindings, the demo and the durable host emulator read it to find handlers. Never registered as a function.
 */
import { matchHttpRoute } from './httpRoute';

export type BindingDirection = 'in' | 'out' | 'inout';

/** One binding as @azure/functions' toCoreFunctionMetadata hands it to the worker (trigger options spread in). */
export interface CoreBindingInfo {
  type: string;
  direction: BindingDirection;
  name?: string;
  [property: string]: unknown;
}

/** The metadata object @azure/functions passes to `registerFunction`. */
export interface CoreFunctionMetadata {
  name: string;
  bindings: Record<string, CoreBindingInfo>;
  retryOptions?: unknown;
  [property: string]: unknown;
}

/**
 * The handler exactly as @azure/functions passed it: the user's `(request, context)` for HTTP, durable-functions'
 * wrapped orchestrator `(orchestrationTrigger, context)`, the wrapped activity `(input, context)`, and so on.
 * Typed loosely because the worker calls it with whatever the trigger binding produced.
 */
export type RegisteredHandler = (...args: unknown[]) => unknown;

export interface RegisteredFunction {
  name: string;
  metadata: CoreFunctionMetadata;
  handler: RegisteredHandler;
  /** The trigger binding's key in `metadata.bindings` and its value, found once at registration. */
  triggerBindingName: string;
  trigger: CoreBindingInfo;
}

export interface RegisteredHook {
  hookName: string;
  callback: (...args: unknown[]) => unknown;
}

export interface SystemLogEntry {
  level: string;
  category: string;
  message: string;
}

export interface HttpMatch {
  fn: RegisteredFunction;
  params: Record<string, string>;
}

function findTrigger(metadata: CoreFunctionMetadata): [string, CoreBindingInfo] {
  const entries = Object.entries(metadata.bindings ?? {});
  // The worker treats the binding whose type ends in "trigger" as the trigger (see @azure/functions isTrigger).
  const trigger = entries.find(([, b]) => typeof b.type === 'string' && b.type.toLowerCase().endsWith('trigger'));
  if (!trigger) {
    throw new Error(`Function "${metadata.name}" has no trigger binding; the Functions host would refuse to index it.`);
  }
  return trigger;
}

export class FunctionRegistry {
  private readonly functions = new Map<string, RegisteredFunction>();
  private readonly hookList: RegisteredHook[] = [];
  private model: unknown;
  /** Messages @azure/functions sends to the worker's system log (`coreApi.log`). */
  readonly systemLogs: SystemLogEntry[] = [];

  register(metadata: CoreFunctionMetadata, handler: RegisteredHandler): RegisteredFunction {
    if (!metadata || typeof metadata.name !== 'string' || metadata.name.length === 0) {
      throw new Error('registerFunction was called without a function name.');
    }
    if (typeof handler !== 'function') {
      throw new Error(`registerFunction for "${metadata.name}" was called without a handler function.`);
    }
    // Function names are case-insensitive in the host; a second registration is an error there too.
    const key = metadata.name.toLowerCase();
    if (this.functions.has(key)) {
      throw new Error(`A function with the name "${metadata.name}" has already been registered.`);
    }
    const [triggerBindingName, trigger] = findTrigger(metadata);
    const entry: RegisteredFunction = { name: metadata.name, metadata, handler, triggerBindingName, trigger };
    this.functions.set(key, entry);
    return entry;
  }

  unregister(name: string): void {
    this.functions.delete(name.toLowerCase());
  }

  all(): RegisteredFunction[] {
    return [...this.functions.values()];
  }

  get(name: string): RegisteredFunction | undefined {
    return this.functions.get(name.toLowerCase());
  }

  /** Like get, but a missing function is a clear error naming what is registered. */
  getOrThrow(name: string): RegisteredFunction {
    const fn = this.get(name);
    if (!fn) {
      const known =
        this.all()
          .map((f) => f.name)
          .join(', ') || '(none)';
      throw new Error(`No function named "${name}" is registered. Registered: ${known}.`);
    }
    return fn;
  }

  byTrigger(type: string): RegisteredFunction[] {
    const wanted = type.toLowerCase();
    return this.all().filter((f) => f.trigger.type.toLowerCase() === wanted);
  }

  /**
   * The HTTP function serving `method` on `route` (relative to the host's route prefix, e.g. "repairs/abc").
   * Literal routes win over templated ones, as in ASP.NET routing.
   */
  http(route: string, method: string): RegisteredFunction | undefined {
    return this.matchHttp(route, method)?.fn;
  }

  matchHttp(route: string, method: string): HttpMatch | undefined {
    const verb = method.toUpperCase();
    let best: { match: HttpMatch; literalSegments: number } | undefined;
    for (const fn of this.byTrigger('httpTrigger')) {
      const methods = Array.isArray(fn.trigger.methods) ? (fn.trigger.methods as string[]) : ['GET', 'POST'];
      if (!methods.map((m) => m.toUpperCase()).includes(verb)) continue;
      const template = typeof fn.trigger.route === 'string' && fn.trigger.route.length > 0 ? fn.trigger.route : fn.name;
      const result = matchHttpRoute(template, route);
      if (!result) continue;
      if (!best || result.literalSegments > best.literalSegments) {
        best = { match: { fn, params: result.params }, literalSegments: result.literalSegments };
      }
    }
    return best?.match;
  }

  addHook(hook: RegisteredHook): void {
    this.hookList.push(hook);
  }

  removeHook(hook: RegisteredHook): void {
    const index = this.hookList.indexOf(hook);
    if (index >= 0) this.hookList.splice(index, 1);
  }

  hooks(hookName?: string): RegisteredHook[] {
    return hookName === undefined ? [...this.hookList] : this.hookList.filter((h) => h.hookName === hookName);
  }

  setProgrammingModel(model: unknown): void {
    this.model = model;
  }

  get programmingModel(): unknown {
    return this.model;
  }

  /**
   * Forget registrations, hooks and logs (a test that loads several apps into one process). The programming model
   * stays: @azure/functions sets it once per process and never again.
   */
  clear(): void {
    this.functions.clear();
    this.hookList.length = 0;
    this.systemLogs.length = 0;
  }
}
