/**
 * One error type for everything that goes wrong talking to Azure, with the one decision the orchestrator
 * needs: is it worth trying again later (`transient`) or will retrying only repeat the failure (`permanent`)?
 *
 * The SDK has already retried what its retry policy retries (408, 5xx, 429/503 with Retry-After, socket
 * errors) by the time an error reaches us, so `transient` here means "retry at the orchestration level, after
 * a durable timer", not "retry immediately".
 */
export type AzureErrorKind = 'transient' | 'permanent';

/** Structured facts about a failure. Never contains tokens, headers or request bodies. */
export interface AzureErrorDetails {
  /** The service's message, with anything that looks like a credential redacted. */
  message: string;
  /** Codes of nested ARM errors (`error.details[].code`), outermost first. */
  innerCodes?: string[];
  /** `error.target` when ARM names the offending property. */
  target?: string;
  /** From `Retry-After` on the failing response. */
  retryAfterMs?: number;
  /** ARM request id (`x-ms-request-id`), which Azure support asks for. */
  requestId?: string;
  /** For AuthorizationFailed: the permission ARM says is missing, e.g. `Microsoft.Compute/virtualMachines/restart/action`. */
  missingPermission?: string;
  /** For AuthorizationFailed: the scope the permission was checked at. */
  scope?: string;
  /** True when the failure is the terminal state of a long-running operation (not the initial request). */
  longRunningOperationFailed?: boolean;
  /** Socket-level error code when no HTTP response arrived. */
  networkErrorCode?: string;
}

export class AzureOperationError extends Error {
  override readonly name = 'AzureOperationError';
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode: number | undefined,
    readonly kind: AzureErrorKind,
    readonly operation: string,
    readonly resourceId: string | undefined,
    readonly details: AzureErrorDetails,
  ) {
    super(message);
  }

  get transient(): boolean {
    return this.kind === 'transient';
  }

  /** Plain data for the orchestration status and logs. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      statusCode: this.statusCode,
      kind: this.kind,
      operation: this.operation,
      resourceId: this.resourceId,
      details: this.details,
    };
  }
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'REQUEST_SEND_ERROR',
]);

/** 409 codes that describe a momentary state (another operation holds the resource), not a wrong request. */
const RETRYABLE_CONFLICT_CODES = new Set([
  'Conflict',
  'RetryableError',
  'AnotherOperationInProgress',
  'OperationPreempted',
  'ResourceBusy',
  'InUseSubnetCannotBeDeleted',
]);

/** Codes with which a long-running operation can end Failed that are worth a later retry. */
const RETRYABLE_LRO_CODES = new Set([
  ...RETRYABLE_CONFLICT_CODES,
  'InternalExecutionError',
  'InternalOperationError',
  'InternalServerError',
  'ServiceUnavailable',
  'ServerTimeout',
  'OperationTimedOut',
  'GatewayTimeout',
  'TooManyRequests',
  // Capacity can free up; starting a deallocated VM later (or elsewhere) often succeeds.
  'AllocationFailed',
  'ZonalAllocationFailed',
  'OverconstrainedAllocationRequest',
]);

/**
 * The SDK's RestError, recognised by name as core-rest-pipeline's own `isRestError` does. Not importing that
 * function keeps this module free of runtime SDK imports, so anything can classify errors without loading the
 * HTTP pipeline.
 */
function isRestError(err: unknown): err is RestErrorLike {
  return err instanceof Error && err.name === 'RestError';
}

const LRO_FAILURE = /^The long-running operation has failed(?:\. ([^\s.]+)\. ([\s\S]*))?/;
const AUTHZ_DETAIL = /perform action '([^']+)' over scope '([^']+)'/;

/**
 * Turns whatever the SDK threw into an AzureOperationError.
 * @param operation what we were doing, in words an operator understands ("restart VM", "create snapshot").
 */
export function classifyAzureError(err: unknown, operation: string, resourceId?: string): AzureOperationError {
  if (err instanceof AzureOperationError) return err;

  if (isRestError(err)) return fromRestError(err, operation, resourceId);

  if (err instanceof Error) {
    const lro = LRO_FAILURE.exec(err.message);
    if (lro) return fromLroFailure(lro, operation, resourceId);

    const systemCode = (err as { code?: unknown }).code;
    if (typeof systemCode === 'string' && NETWORK_ERROR_CODES.has(systemCode)) {
      return networkError(systemCode, err.message, operation, resourceId);
    }
    if (err.name === 'TimeoutError') {
      return build('Timeout', undefined, 'transient', operation, resourceId, { message: sanitize(err.message) }, 'timed out');
    }
    if (err.name === 'AbortError' || err.message === 'Operation was canceled') {
      return build('Canceled', undefined, 'permanent', operation, resourceId, { message: sanitize(err.message) }, 'was canceled');
    }
    if (err.name === 'CredentialUnavailableError' || err.name === 'AuthenticationError') {
      // The managed identity is missing or misconfigured: retrying will not conjure one.
      return build(
        'AuthenticationFailed',
        undefined,
        'permanent',
        operation,
        resourceId,
        { message: sanitize(err.message) },
        'could not get an access token (is a managed identity assigned to the function app?)',
      );
    }
    return build(
      'UnexpectedError',
      undefined,
      'permanent',
      operation,
      resourceId,
      { message: sanitize(err.message) },
      'failed unexpectedly',
    );
  }

  return build('UnexpectedError', undefined, 'permanent', operation, resourceId, { message: sanitize(String(err)) }, 'failed unexpectedly');
}

/** True when `err` (classified or not) is worth retrying later. */
export function isTransientAzureError(err: unknown, operation = 'azure call'): boolean {
  return classifyAzureError(err, operation).kind === 'transient';
}

interface RestErrorLike {
  message: string;
  code?: string;
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
  details?: unknown;
}

function fromRestError(err: RestErrorLike, operation: string, resourceId?: string): AzureOperationError {
  const status = err.statusCode;
  const body = armErrorBody(err);
  const code = body?.code ?? err.code ?? (status ? `Http${status}` : 'REQUEST_SEND_ERROR');
  const message = sanitize(body?.message ?? err.message);

  if (status === undefined) {
    return networkError(code, message, operation, resourceId);
  }

  const details: AzureErrorDetails = { message };
  const innerCodes = body?.details?.map((d) => d.code).filter((c): c is string => typeof c === 'string');
  if (innerCodes?.length) details.innerCodes = innerCodes;
  if (body?.target) details.target = body.target;
  const retryAfterMs = parseRetryAfter(err.response?.headers?.get('retry-after'));
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  const requestId = err.response?.headers?.get('x-ms-request-id');
  if (requestId) details.requestId = requestId;

  if (status === 401 || status === 403) {
    const authz = AUTHZ_DETAIL.exec(message);
    if (authz) {
      details.missingPermission = authz[1];
      details.scope = authz[2];
    }
    const summary = authz
      ? `was refused: the app's identity lacks permission '${authz[1]}' on '${authz[2]}'; grant it a role that includes ` +
        `that action (e.g. the app's custom role)`
      : status === 401
        ? 'was refused: the access token was not accepted'
        : `was refused: the app's identity is not authorized (${code})`;
    return build(code, status, 'permanent', operation, resourceId, details, summary);
  }

  const kind = kindForStatus(status, code, message);
  return build(code, status, kind, operation, resourceId, details, `failed with HTTP ${status} ${code}`);
}

function kindForStatus(status: number, code: string, message: string): AzureErrorKind {
  if (status === 408 || status === 429) return 'transient';
  // 501 Not Implemented and 505 HTTP Version Not Supported will answer the same way every time.
  if (status >= 500) return status === 501 || status === 505 ? 'permanent' : 'transient';
  if (status === 409) {
    if (RETRYABLE_CONFLICT_CODES.has(code)) return 'transient';
    // OperationNotAllowed also covers quota and state errors; only "another operation in progress" passes.
    if (code === 'OperationNotAllowed' && /another operation|operation is in progress|in progress/i.test(message)) {
      return 'transient';
    }
    return 'permanent';
  }
  return 'permanent';
}

function fromLroFailure(match: RegExpExecArray, operation: string, resourceId?: string): AzureOperationError {
  const code = match[1] ?? 'LongRunningOperationFailed';
  const message = sanitize(match[2] ?? match[0]);
  const transient = RETRYABLE_LRO_CODES.has(code) || (code === 'OperationNotAllowed' && /in progress/i.test(message));
  return build(
    code,
    undefined,
    transient ? 'transient' : 'permanent',
    operation,
    resourceId,
    { message, longRunningOperationFailed: true },
    `ended Failed (${code})`,
  );
}

function networkError(code: string, message: string, operation: string, resourceId?: string): AzureOperationError {
  return build(
    code,
    undefined,
    'transient',
    operation,
    resourceId,
    { message: sanitize(message), networkErrorCode: code },
    `got no response (${code})`,
  );
}

function build(
  code: string,
  statusCode: number | undefined,
  kind: AzureErrorKind,
  operation: string,
  resourceId: string | undefined,
  details: AzureErrorDetails,
  summary: string,
): AzureOperationError {
  const target = resourceId ? ` on ${resourceId}` : '';
  const text = `${operation}${target} ${summary}: ${details.message}`;
  return new AzureOperationError(text, code, statusCode, kind, operation, resourceId, details);
}

interface ArmErrorBody {
  code?: string;
  message?: string;
  target?: string;
  details?: Array<{ code?: string }>;
}

/** ARM error bodies are `{ error: { code, message, target?, details? } }`; the SDK keeps the parsed form or the text. */
function armErrorBody(err: RestErrorLike): ArmErrorBody | undefined {
  const fromDetails = extractError(err.details);
  if (fromDetails) return fromDetails;
  const text = err.response?.bodyAsText;
  if (typeof text === 'string' && text.length > 0) {
    try {
      return extractError(JSON.parse(text));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function extractError(value: unknown): ArmErrorBody | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const inner = (record.error && typeof record.error === 'object' ? record.error : record) as Record<string, unknown>;
  if (typeof inner.code !== 'string' && typeof inner.message !== 'string') return undefined;
  const result: ArmErrorBody = {};
  if (typeof inner.code === 'string') result.code = inner.code;
  if (typeof inner.message === 'string') result.message = inner.message;
  if (typeof inner.target === 'string') result.target = inner.target;
  if (Array.isArray(inner.details)) result.details = inner.details as Array<{ code?: string }>;
  return result;
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Redacts bearer tokens, JWTs and SAS/query secrets that some error messages echo back. */
export function sanitize(message: string): string {
  return message
    .replace(/Bearer\s+[A-Za-z0-9\-_.~+/]+=*/gi, 'Bearer [REDACTED]')
    .replace(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g, '[REDACTED-JWT]')
    .replace(/\b(sig|signature|access_token|client_secret|password)=([^&\s"']+)/gi, '$1=[REDACTED]');
}
