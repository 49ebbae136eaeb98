/**
 * SIMULATED: ARM's request throttling, on the virtual clock (off unless a SimulatedArm is given a model).
 *
 * Microsoft docs ("Understand how Azure Resource Manager throttles requests", regional throttling and token bucket
 * algorithm, since 2024): limits apply per region, per subscription (and per service principal, which is one here),
 * per operation type; a bucket holds at most its size in tokens and refills at its rate per second; a request finding
 * its bucket empty gets HTTP 429 with a Retry-After header (seconds). Subscription buckets: reads 250 / 25 per s,
 * deletes 200 / 10 per s, writes 200 / 10 per s.
 *
 * The same docs, "Network throttling": the Microsoft.Network resource provider applies write/delete (PUT) 1,000 per
 * 5 minutes and read (GET) 10,000 per 5 minutes. How that window moves is not documented; it is modelled as a token
 * bucket of the window's size refilled evenly over five minutes, which allows the same long-run rate and the same
 * worst-case burst. Compute's own per-resource limits are not modelled (unknown figures for most operation groups).
 *
 * The 429's body: ARM's subscription throttling answers with code `SubscriptionRequestsThrottled` and a message naming
 * the operation type and the wait ("Number of 'write' requests for subscription '...' actor '...' exceeded. Please
 * try again after '5' seconds after additional tokens are available."), as reported in public issue threads; the
 * exact wording is not documented. Retry-After is the whole seconds until the bucket holds a token again (at least 1).
 */

export type ThrottledKind = 'read' | 'write' | 'delete';

export interface BucketLimit {
  /** Tokens the bucket holds when full (the largest burst). */
  size: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface ThrottlingModel {
  subscription: Record<ThrottledKind, BucketLimit>;
  /** Microsoft.Network's own limits, on top of the subscription's. */
  network: { read: BucketLimit; write: BucketLimit };
}

export const ARM_THROTTLING: ThrottlingModel = Object.freeze({
  subscription: {
    read: { size: 250, refillPerSecond: 25 },
    write: { size: 200, refillPerSecond: 10 },
    delete: { size: 200, refillPerSecond: 10 },
  },
  network: {
    read: { size: 10_000, refillPerSecond: 10_000 / 300 },
    write: { size: 1_000, refillPerSecond: 1_000 / 300 },
  },
});

export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    readonly limit: BucketLimit,
    nowMs: number,
  ) {
    this.tokens = limit.size;
    this.updatedAtMs = nowMs;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.updatedAtMs) {
      this.tokens = Math.min(this.limit.size, this.tokens + ((nowMs - this.updatedAtMs) / 1000) * this.limit.refillPerSecond);
      this.updatedAtMs = nowMs;
    }
  }

  /** Whether a token is there now (without taking it). */
  has(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= 1;
  }

  take(nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= 1;
  }

  /** Milliseconds until a whole token is there again (0 when one is). */
  waitMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) / this.limit.refillPerSecond) * 1000;
  }
}

export interface Throttled {
  kind: ThrottledKind;
  scope: 'subscription' | 'Microsoft.Network';
  retryAfterSeconds: number;
}

export interface ThrottlingStats {
  throttled: number;
  byKind: Record<string, number>;
}

/** Buckets per subscription (one region: the simulated world's). */
export class ArmThrottle {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly counted: ThrottlingStats = { throttled: 0, byKind: {} };

  constructor(private readonly model: ThrottlingModel = ARM_THROTTLING) {}

  /**
   * Admits the request (taking one token from every bucket it draws on) or says why not. A refused request takes
   * nothing, so a client that waits out Retry-After is admitted.
   */
  admit(subscriptionId: string, kind: ThrottledKind, network: boolean, nowMs: number): Throttled | null {
    const needed: Array<{ bucket: TokenBucket; scope: Throttled['scope'] }> = [
      { bucket: this.bucket(`${subscriptionId}|${kind}`, this.model.subscription[kind], nowMs), scope: 'subscription' },
    ];
    if (network) {
      const networkKind = kind === 'read' ? 'read' : 'write';
      needed.push({
        bucket: this.bucket(`${subscriptionId}|network|${networkKind}`, this.model.network[networkKind], nowMs),
        scope: 'Microsoft.Network',
      });
    }
    const empty = needed.find((n) => !n.bucket.has(nowMs));
    if (empty) {
      this.counted.throttled += 1;
      const key = `${empty.scope} ${kind}`;
      this.counted.byKind[key] = (this.counted.byKind[key] ?? 0) + 1;
      return { kind, scope: empty.scope, retryAfterSeconds: Math.max(1, Math.ceil(empty.bucket.waitMs(nowMs) / 1000)) };
    }
    for (const n of needed) n.bucket.take(nowMs);
    return null;
  }

  stats(): ThrottlingStats {
    return { throttled: this.counted.throttled, byKind: { ...this.counted.byKind } };
  }

  private bucket(key: string, limit: BucketLimit, nowMs: number): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(limit, nowMs);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
