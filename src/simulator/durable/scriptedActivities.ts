/**
 * SIMULATED: activities that answer from a script instead of doing I/O, so a real orchestrator can be replayed by
 * the durable host emulator against chosen results (a routing decision tested without any simulated Azure).
 * Each activity name maps to a value (returned on every call) or a function of the input and the call number
 * (1-based, per activity) that returns a value or throws. Every call is recorded. An activity the orchestrator
 * calls but the script does not name throws, is recorded as unscripted, and makes `assertAllScripted` fail: a
 * test never passes because the orchestrator retried its way around a missing answer.
 * Never registered as a function in the app.
 */
import { type CoreFunctionMetadata, FunctionRegistry, type RegisteredFunction } from '../functionsHost/FunctionRegistry';

export type ScriptedAnswer<I = unknown, O = unknown> = O | ((input: I, call: number) => O | Promise<O>);

export type ActivityScript<Name extends string> = Partial<Record<Name, ScriptedAnswer>>;

export interface ScriptedCall {
  name: string;
  input: unknown;
  /** 1-based call number of this activity. */
  call: number;
  outcome: 'returned' | 'threw' | 'unscripted';
  /** The value returned, or the message thrown. */
  result: unknown;
}

/** An answer that throws `error` (what an activity's transient failure looks like to the orchestrator). */
export function throws(error: Error | string): (input: unknown, call: number) => never {
  return () => {
    throw typeof error === 'string' ? new Error(error) : error;
  };
}

/** Answers in order, one per call; the last one repeats. */
export function inSequence<I, O>(...answers: ScriptedAnswer<I, O>[]): (input: I, call: number) => O | Promise<O> {
  if (answers.length === 0) throw new Error('inSequence needs at least one answer.');
  return (input, call) => {
    const answer = answers[Math.min(call, answers.length) - 1];
    return typeof answer === 'function' ? (answer as (i: I, c: number) => O | Promise<O>)(input, call) : (answer as O);
  };
}

function activityMetadata(name: string): CoreFunctionMetadata {
  // The shape @azure/functions hands the worker for df.app.activity (toCoreFunctionMetadata).
  return { name, bindings: { [`${name}Trigger`]: { type: 'activityTrigger', direction: 'in', name: `${name}Trigger` } } };
}

export class ScriptedActivities<Name extends string> {
  readonly calls: ScriptedCall[] = [];
  private readonly counts = new Map<string, number>();

  constructor(
    private readonly names: readonly Name[],
    private readonly script: ActivityScript<Name>,
  ) {
    for (const key of Object.keys(script)) {
      if (!names.includes(key as Name))
        throw new Error(`The script names '${key}', which is not one of the activities: ${names.join(', ')}.`);
    }
  }

  /** A registry holding `orchestrators` (as registered by df.app.orchestration) and the scripted activities. */
  registry(orchestrators: readonly RegisteredFunction[]): FunctionRegistry {
    const registry = new FunctionRegistry();
    for (const fn of orchestrators) registry.register(fn.metadata, fn.handler);
    for (const name of this.names) registry.register(activityMetadata(name), (input: unknown) => this.answer(name, input));
    return registry;
  }

  /** The activity names called, in order (each call once). */
  calledNames(): string[] {
    return this.calls.map((c) => c.name);
  }

  callsOf(name: Name): ScriptedCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  unscripted(): ScriptedCall[] {
    return this.calls.filter((c) => c.outcome === 'unscripted');
  }

  assertAllScripted(): void {
    const missing = this.unscripted();
    if (missing.length === 0) return;
    const list = missing.map((c) => `${c.name}(${JSON.stringify(c.input)})`).join('; ');
    throw new Error(`The orchestrator called activities the script does not answer: ${list}.`);
  }

  private async answer(name: Name, input: unknown): Promise<unknown> {
    const call = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, call);
    const record: ScriptedCall = { name, input, call, outcome: 'returned', result: undefined };
    this.calls.push(record);
    if (!Object.hasOwn(this.script, name)) {
      record.outcome = 'unscripted';
      record.result = `no scripted answer for ${name}`;
      throw new Error(`No scripted answer for activity '${name}' (call ${call}).`);
    }
    const answer = this.script[name];
    try {
      const value = typeof answer === 'function' ? await (answer as (i: unknown, c: number) => unknown)(input, call) : answer;
      record.result = value;
      return value;
    } catch (err) {
      record.outcome = 'threw';
      record.result = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }
}
