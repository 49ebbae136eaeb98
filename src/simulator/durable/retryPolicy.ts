/**
 * SIMULATED: the host side of CallActivityWithRetry. In the real host the JS library only asks for a retried
 * activity; the extension turns the action into DurableTask.Core's RetryInterceptor, which schedules each attempt
 * and a durable timer between attempts. This module holds that interceptor's arithmetic (defaults from the
 * extension's RetryOptionsConverter / RetryOptions, delay formula from DurableTask.Core). Never registered as a
 * function.
 */
import type { WireRetryOptions } from './wire';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RetryPolicy {
  firstRetryIntervalMs: number;
  maxNumberOfAttempts: number;
  backoffCoefficient: number;
  maxRetryIntervalMs: number;
  /** Infinity when the orchestrator set none (TimeSpan.MaxValue in .NET). */
  retryTimeoutMs: number;
}

// .NET reads these JSON numbers with Value<int>() and TimeSpan.FromMilliseconds, i.e. whole milliseconds.
function wholeMs(value: number): number {
  return Math.round(value);
}

export function retryPolicyFrom(options: WireRetryOptions | undefined): RetryPolicy {
  if (!options || typeof options.firstRetryIntervalInMilliseconds !== 'number' || typeof options.maxNumberOfAttempts !== 'number') {
    // The extension's converter throws for these; the instance fails instead of retrying on a guess.
    throw new Error('CallActivityWithRetry action without firstRetryIntervalInMilliseconds/maxNumberOfAttempts.');
  }
  return {
    firstRetryIntervalMs: wholeMs(options.firstRetryIntervalInMilliseconds),
    maxNumberOfAttempts: Math.trunc(options.maxNumberOfAttempts),
    backoffCoefficient: options.backoffCoefficient ?? 1,
    maxRetryIntervalMs: options.maxRetryIntervalInMilliseconds !== undefined ? wholeMs(options.maxRetryIntervalInMilliseconds) : 6 * DAY_MS,
    retryTimeoutMs: options.retryTimeoutInMilliseconds !== undefined ? wholeMs(options.retryTimeoutInMilliseconds) : Infinity,
  };
}

/**
 * Delay before the retry that follows failed attempt `attemptIndex` (0-based), or 0 for "give up now".
 * Giving up because the retry timeout passed schedules NO timer; durable-functions 3.x still waits for one,
 * so such an orchestration hangs (azure-functions-durable-js#629). The emulator reproduces that.
 */
export function nextRetryDelayMs(policy: RetryPolicy, attemptIndex: number, firstAttemptAt: Date, now: Date): number {
  const expiresAt = firstAttemptAt.getTime() + policy.retryTimeoutMs;
  if (!(now.getTime() < expiresAt)) return 0;
  const delay = policy.firstRetryIntervalMs * policy.backoffCoefficient ** attemptIndex;
  return Math.round(Math.min(delay, policy.maxRetryIntervalMs));
}
