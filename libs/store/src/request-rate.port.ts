/** What a request is counted against: one endpoint, and one client or one source address. */
export interface RequestCounter {
  readonly endpoint: string;
  readonly by: 'client' | 'address';
  /** The client id or the address. */
  readonly id: string;
}

/** Requests allowed per fixed window. */
export interface RequestAllowance {
  readonly points: number;
  readonly windowSeconds: number;
}

/**
 * Requests per client and per address on the OAuth endpoints, counted in a fixed window shared
 * by every replica (RATE_LIMIT_*). Every request is counted before it is served, atomically, so
 * replicas serving in parallel cannot let more through than the allowance.
 */
export interface RequestRateLimiter {
  /**
   * Counts one request: 0 when it may be served, otherwise the milliseconds until the counter's
   * window ends (the request is refused, and refused requests are counted too).
   */
  consume(counter: RequestCounter, allowance: RequestAllowance): Promise<number>;
}

export const REQUEST_RATE_LIMITER = Symbol('RequestRateLimiter');
