/**
 * SIMULATED: the polling endpoints named in `Azure-AsyncOperation` and `Location` headers.
 *  - status (Azure-AsyncOperation): 200 `{ name, status: InProgress|Succeeded|Failed, startTime, endTime?, error? }`;
 *  - result (Location): 202 while in progress, then 200 with the operation's result (or no body), or the error.
 * In-progress answers carry the provider's `Retry-After`. Both count as reads. Polling is what completes short
 * operations (see operationTracker.ts).
 */
import { ArmHttpError } from '../http/armErrors';
import type { Route, RouteContext } from '../http/router';
import type { HandlerResult } from '../http/responses';
import type { SimOperation } from '../lro/operationTracker';
import type { HandlerDeps } from './common';

const BASE = '/subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}';

export function operationStatusRoutes(deps: HandlerDeps): Route[] {
  const route = (collection: string, operation: string, result: (context: RouteContext) => boolean): Route => ({
    method: 'GET',
    path: `${BASE}/${collection}/{operationId}`,
    operation,
    kind: 'read',
    // Any reader may poll an operation it started.
    permission: '*/read',
    handle: (context) => {
      const op = deps.operations.observe(context.params.operationId!);
      if (!op || op.subscriptionId.toLowerCase() !== context.params.subscriptionId!.toLowerCase()) {
        throw new ArmHttpError(404, 'NotFound', `Operation ${context.params.operationId} was not found.`);
      }
      const response = result(context) ? resultResponse(op, context) : statusResponse(op);
      // ARM repeats Retry-After on every poll of an operation still running.
      return op.status === 'InProgress'
        ? { ...response, headers: { ...response.headers, ...deps.operations.retryAfterHeader(op) } }
        : response;
    },
  });
  const monitor = (context: RouteContext): boolean => context.query.get('monitor') === 'true';
  return [
    route('operations', 'operations.poll', monitor),
    route('DiskOperations', 'operations.poll', monitor),
    route('operationResults', 'operations.result', () => true),
  ];
}

function statusResponse(op: SimOperation): HandlerResult {
  return {
    status: 200,
    body: {
      name: op.id,
      status: op.status,
      startTime: new Date(op.startedAtMs).toISOString(),
      ...(op.endedAtMs !== undefined ? { endTime: new Date(op.endedAtMs).toISOString() } : {}),
      ...(op.error ? { error: { code: op.error.code, message: op.error.message } } : {}),
    },
  };
}

function resultResponse(op: SimOperation, context: RouteContext): HandlerResult {
  switch (op.status) {
    case 'InProgress':
      return { status: 202, headers: { location: context.url.toString() } };
    case 'Succeeded':
      return op.resultBody !== undefined ? { status: 200, body: op.resultBody } : { status: 200 };
    case 'Failed':
      throw new ArmHttpError(400, op.error?.code ?? 'OperationFailed', op.error?.message ?? 'The operation failed.');
  }
}
