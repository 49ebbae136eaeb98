/**
 * SIMULATED: running one scheduled activity the way the host does, and turning its outcome into what the
 * extension records: TaskCompleted with the JSON result, or TaskFailed with Reason "Activity function 'X'
 * failed: <message>" and a serialized .NET exception in Details (TaskActivityShim + RpcException). The JS
 * library then hands a caught failure to the orchestrator as `new Error(`${Reason} \n ${Details}`)`.
 * Never registered as a function.
 */
import type { InvocationContext } from '@azure/functions';

export type ActivityRunResult = { ok: true; result: unknown } | { ok: false; error: Error };

export type ActivityCompletion = { ok: true; resultText: string | null } | { ok: false; reason: string; details: string };

/**
 * What the activity handler receives for the action's input token. The library JSON-encodes string inputs once
 * more (Utils.processInput) precisely so that the extension's string hand-off plus the worker's JSON.parse give
 * the original string back; objects and numbers arrive as parsed JSON; no input arrives as undefined.
 */
export function activityInputFromToken(token: unknown): unknown {
  if (token === undefined || token === null) return undefined;
  if (typeof token === 'string') {
    try {
      return JSON.parse(token);
    } catch {
      return token;
    }
  }
  return JSON.parse(JSON.stringify(token));
}

function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : JSON.stringify(err));
}

export async function runActivityHandler(
  handler: (...args: unknown[]) => unknown,
  input: unknown,
  context: InvocationContext,
  injected: Error | undefined,
): Promise<ActivityRunResult> {
  try {
    // An injected fault replaces the handler call, so no side effect happens on a "crashed" execution.
    if (injected) throw injected;
    return { ok: true, result: await handler(input, context) };
  } catch (err) {
    return { ok: false, error: asError(err) };
  }
}

export function toCompletion(activityName: string, run: ActivityRunResult): ActivityCompletion {
  if (run.ok) {
    // The worker sends the return value as JSON; a value JSON cannot express becomes "no result".
    const text = run.result === undefined ? undefined : JSON.stringify(run.result);
    return { ok: true, resultText: text === undefined ? null : text };
  }
  const { message, stack } = run.error;
  // The host wraps the worker's failure as "Result: Failure\nException: <message>\nStack: <stack>" and the
  // extension keeps what follows "Exception:", leading space included, hence the double space below.
  const friendly = ` ${message}`;
  const rpcMessage = `Result: Failure\nException: ${message}\nStack: ${stack ?? ''}`;
  const details = JSON.stringify({
    $type: 'System.Exception, System.Private.CoreLib',
    ClassName: 'System.Exception',
    Message: friendly,
    InnerException: {
      $type: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException, Microsoft.Azure.WebJobs.Script',
      ClassName: 'Microsoft.Azure.WebJobs.Script.Workers.Rpc.RpcException',
      Message: rpcMessage,
      RemoteMessage: message,
      RemoteStackTrace: stack ?? null,
    },
  });
  return { ok: false, reason: `Activity function '${activityName}' failed: ${friendly}`, details };
}
