/**
 * SIMULATED: builds the InvocationContext the Node.js worker would give a registered function: the real class
 * from @azure/functions, with functionName, a fresh invocationId, options derived from the registered bindings
 * (trigger, return, extra inputs/outputs) and a log handler that goes to a sink instead of the console.
 * Never registered as a function.
 */
import { randomUUID } from 'node:crypto';
import {
  type FunctionInput,
  type FunctionOutput,
  type FunctionTrigger,
  InvocationContext,
  type LogLevel,
  type TriggerMetadata,
} from '@azure/functions';
import type { CoreBindingInfo, RegisteredFunction } from './FunctionRegistry';

export interface FunctionLogEntry {
  level: LogLevel;
  functionName: string;
  invocationId: string;
  message: string;
  /** Whatever the caller wants to correlate by, e.g. the orchestration instance id. */
  tags?: Record<string, string>;
}

export type FunctionLogSink = (entry: FunctionLogEntry) => void;

export interface CreateInvocationContextOptions {
  logSink?: FunctionLogSink;
  invocationId?: string;
  triggerMetadata?: TriggerMetadata;
  tags?: Record<string, string>;
}

function formatArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.name}: ${a.message}` : safeJson(a))).join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function withName(name: string, binding: CoreBindingInfo): CoreBindingInfo & { name: string } {
  return { ...binding, name: typeof binding.name === 'string' ? binding.name : name };
}

export function createInvocationContext(fn: RegisteredFunction, options: CreateInvocationContextOptions = {}): InvocationContext {
  const invocationId = options.invocationId ?? randomUUID();
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  let returnBinding: FunctionOutput | undefined;
  for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
    if (name === fn.triggerBindingName) continue;
    if (name === '$return') returnBinding = withName(name, binding) as FunctionOutput;
    else if (binding.direction === 'in') extraInputs.push(withName(name, binding) as FunctionInput);
    else extraOutputs.push(withName(name, binding) as FunctionOutput);
  }
  const sink = options.logSink;
  return new InvocationContext({
    functionName: fn.name,
    invocationId,
    triggerMetadata: options.triggerMetadata,
    options: {
      trigger: withName(fn.triggerBindingName, fn.trigger) as FunctionTrigger,
      return: returnBinding,
      extraInputs,
      extraOutputs,
    },
    // Default: swallow. A test or the demo passes a sink when it wants the logs.
    logHandler: (level, ...args) => sink?.({ level, functionName: fn.name, invocationId, message: formatArgs(args), tags: options.tags }),
  });
}
