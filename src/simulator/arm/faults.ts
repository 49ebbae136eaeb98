/**
 * SIMULATED: injectable failures.
 *
 * `inject` answers matching requests with an error status (or a socket error) instead of handling them, `times`
 * times; the SDK's retry policy sees exactly what it would see from Azure (a 429 with `Retry-After`, a 503, a 409,
 * a 403 AuthorizationFailed naming the missing permission). `failNextLro` lets the next matching long-running
 * operation be accepted normally and then end `Failed` with the given code when it completes. `dropNextAction`
 * lets a VM action (restart, ...) be accepted and its operation end Succeeded while nothing happens to the VM:
 * how often Azure does that is not documented; it is the pessimistic case of a restart that never happened.
 */

export type NetworkErrorCode = 'ECONNRESET' | 'ETIMEDOUT' | 'ECONNREFUSED';

export interface FaultSpec {
  /** HTTP method to match (any if omitted). */
  method?: string;
  /** Regular expression (or its source) tested against the request path. */
  pathPattern?: RegExp | string;
  /** Operation name to match, e.g. `virtualMachines.restart` (see the request log). */
  operation?: string;
  /** HTTP status to answer with; omit only with `networkError`. */
  status?: number;
  /** ARM error code; defaults by status (429 TooManyRequests, 403 AuthorizationFailed, 409 Conflict, ...). */
  code?: string;
  message?: string;
  /** How many matching requests fail (default 1; `Infinity` for all). */
  times?: number;
  /**
   * `Retry-After` (seconds), which the SDK's throttling policy honours for 429 and 503. A 429 carries one by default
   * (RETRY_AFTER.throttled in the latency model), as ARM's always does; `null` leaves it out.
   */
  retryAfterSeconds?: number | null;
  /**
   * Adds `retry-after-ms`, which the SDK prefers over `Retry-After`: a fast test takes the same throttling path
   * without waiting the real seconds (ARM itself does not send it).
   */
  retryAfterMs?: number;
  /** Throw this socket error instead of answering (no HTTP response at all). */
  networkError?: NetworkErrorCode;
}

export interface LroFailureSpec {
  pathPattern?: RegExp | string;
  operation?: string;
  code: string;
  message: string;
  times?: number;
}

export interface DroppedActionSpec {
  pathPattern?: RegExp | string;
  /** e.g. `virtualMachines.restart`. */
  operation?: string;
  times?: number;
}

export interface FaultHandle {
  /** Matching requests still to fail. */
  remaining(): number;
  cancel(): void;
}

interface Armed<T> {
  spec: T;
  remaining: number;
  pattern?: RegExp;
}

export interface RequestDescription {
  method: string;
  path: string;
  operation: string;
}

const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'InvalidAuthenticationToken',
  403: 'AuthorizationFailed',
  404: 'ResourceNotFound',
  408: 'RequestTimeout',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export class FaultInjector {
  private readonly faults: Array<Armed<FaultSpec>> = [];
  private readonly lroFailures: Array<Armed<LroFailureSpec>> = [];
  private readonly droppedActions: Array<Armed<DroppedActionSpec>> = [];

  inject(spec: FaultSpec): FaultHandle {
    if (spec.status === undefined && spec.networkError === undefined) {
      throw new Error('SIMULATED ARM fault needs a status or a networkError');
    }
    return arm(this.faults, spec);
  }

  failNextLro(spec: LroFailureSpec): FaultHandle {
    return arm(this.lroFailures, spec);
  }

  dropNextAction(spec: DroppedActionSpec): FaultHandle {
    return arm(this.droppedActions, spec);
  }

  /** Consumes the planned drop of the VM action this request asks for; true when it is to be dropped. */
  takeDroppedAction(request: RequestDescription): boolean {
    return take(this.droppedActions, request, () => true) !== undefined;
  }

  /** Consumes and returns the first armed fault matching this request. */
  takeFault(request: RequestDescription): FaultSpec | undefined {
    return take(this.faults, request, (spec) => !spec.method || spec.method.toUpperCase() === request.method);
  }

  /** Consumes and returns the failure planned for a long-running operation starting with this request. */
  takeLroFailure(request: RequestDescription): LroFailureSpec | undefined {
    return take(this.lroFailures, request, () => true);
  }

  clear(): void {
    this.faults.length = 0;
    this.lroFailures.length = 0;
    this.droppedActions.length = 0;
  }

  /** Faults and LRO failures still armed. */
  pending(): number {
    return this.faults.length + this.lroFailures.length + this.droppedActions.length;
  }
}

export function defaultCodeFor(status: number): string {
  return DEFAULT_CODES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequest');
}

function arm<T extends { pathPattern?: RegExp | string; times?: number }>(list: Array<Armed<T>>, spec: T): FaultHandle {
  const times = spec.times ?? 1;
  if (!(times > 0)) throw new Error('SIMULATED ARM fault: times must be positive');
  const armed: Armed<T> = {
    spec,
    remaining: times,
    ...(spec.pathPattern !== undefined
      ? { pattern: spec.pathPattern instanceof RegExp ? spec.pathPattern : new RegExp(spec.pathPattern, 'i') }
      : {}),
  };
  list.push(armed);
  return {
    remaining: () => armed.remaining,
    cancel: () => {
      const index = list.indexOf(armed);
      if (index >= 0) list.splice(index, 1);
      armed.remaining = 0;
    },
  };
}

function take<T extends { operation?: string }>(
  list: Array<Armed<T>>,
  request: RequestDescription,
  extra: (spec: T) => boolean,
): T | undefined {
  const armed = list.find(
    (a) => (!a.pattern || a.pattern.test(request.path)) && (!a.spec.operation || a.spec.operation === request.operation) && extra(a.spec),
  );
  if (!armed) return undefined;
  armed.remaining -= 1;
  if (armed.remaining <= 0) list.splice(list.indexOf(armed), 1);
  return armed.spec;
}
