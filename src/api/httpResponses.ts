/** JSON responses in one shape: `{error: {code, message, details}}` for every failure. */
import type { HttpResponseInit } from '@azure/functions';

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return { status, jsonBody: body, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers } };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  details: unknown = null,
  headers: Record<string, string> = {},
): HttpResponseInit {
  return jsonResponse(status, { error: { code, message, details } }, headers);
}

type Handler<Req, Ctx> = (request: Req, context: Ctx) => Promise<HttpResponseInit>;

/** Last line of defence: an unexpected failure becomes a JSON 500 with an error id, never a stack trace. */
export function withErrorBoundary<Req, Ctx extends { invocationId: string; error(...args: unknown[]): void }>(
  handler: Handler<Req, Ctx>,
): Handler<Req, Ctx> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (err) {
      context.error('unhandled error', err);
      return errorResponse(
        500,
        'InternalError',
        `The request failed unexpectedly; quote invocation ${context.invocationId} when reporting it.`,
      );
    }
  };
}
