/**
 * Activities throw only transient failures (so durable retry re-runs them) and return permanent ones as data,
 * so the orchestrator turns "403 AuthorizationFailed" into an outcome without burning retries on it.
 */
export interface PermanentFailure {
  code: string;
  message: string;
  statusCode: number | null;
  operation: string;
}

export type ActivityResult<T> = { ok: true; value: T } | { ok: false; failure: PermanentFailure };
