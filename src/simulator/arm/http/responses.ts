/**
 * SIMULATED: building core-rest-pipeline responses from handler results.
 */
import { createHttpHeaders, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function toPipelineResponse(request: PipelineRequest, result: HandlerResult, requestId: string): PipelineResponse {
  const headers = createHttpHeaders({
    'x-ms-request-id': requestId,
    'x-ms-correlation-request-id': requestId,
    'cache-control': 'no-cache',
    ...(result.body !== undefined ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...result.headers,
  });
  return {
    request,
    status: result.status,
    headers,
    ...(result.body !== undefined ? { bodyAsText: JSON.stringify(result.body) } : {}),
  };
}

export function ok(body: unknown, headers?: Record<string, string>): HandlerResult {
  return { status: 200, body, ...(headers ? { headers } : {}) };
}
