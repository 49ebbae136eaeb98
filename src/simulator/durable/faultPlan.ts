/**
 * SIMULATED: injected activity failures ("the next N executions of activity X throw E"), so tests can drive the
 * retry and error paths of the real orchestrator without a broken dependency. Never registered as a function.
 */

export interface ActivityFault {
  times: number;
  error?: Error | string;
}

/**
 * A fresh Error per execution (durable-functions may rewrite an activity error's message in place), keeping the
 * class and extra fields (statusCode, code) a test gave it.
 */
function freshCopy(error: Error): Error {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as Error;
  // message and stack are own but non-enumerable on Errors, so Object.assign alone would drop them.
  return Object.assign(copy, error, { message: error.message, stack: error.stack });
}

export class FaultPlan {
  private readonly remaining = new Map<string, { left: number; error: Error | string }>();

  failActivity(name: string, fault: ActivityFault): void {
    if (!Number.isInteger(fault.times) || fault.times < 1)
      throw new Error(`failActivity: times must be a positive integer, got ${fault.times}.`);
    this.remaining.set(name.toLowerCase(), {
      left: fault.times,
      error: fault.error ?? `Injected failure of activity '${name}'.`,
    });
  }

  /** The error the next execution of `name` must throw, consuming one injection; undefined when none is left. */
  take(name: string): Error | undefined {
    const key = name.toLowerCase();
    const fault = this.remaining.get(key);
    if (!fault) return undefined;
    fault.left--;
    if (fault.left === 0) this.remaining.delete(key);
    return typeof fault.error === 'string' ? new Error(fault.error) : freshCopy(fault.error);
  }

  pending(name: string): number {
    return this.remaining.get(name.toLowerCase())?.left ?? 0;
  }
}
