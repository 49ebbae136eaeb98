/**
 * The one place an activity's Azure error becomes either a thrown transient failure (durable retry runs the
 * activity again) or a returned permanent failure (the orchestrator ends with a reason).
 */
import { classifyAzureError } from '../azure/errors';
import type { ActivityResult } from '../domain/activityResult';

export function settleAzureError<T>(err: unknown, operation: string, resourceId?: string): ActivityResult<T> {
  const classified = classifyAzureError(err, operation, resourceId);
  if (classified.kind === 'transient') throw classified;
  return {
    ok: false,
    failure: { code: classified.code, message: classified.message, statusCode: classified.statusCode ?? null, operation },
  };
}

export function ok<T>(value: T): ActivityResult<T> {
  return { ok: true, value };
}
