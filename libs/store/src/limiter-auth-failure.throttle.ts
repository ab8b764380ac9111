import type { AuthThrottleConfig } from '@app/config';
import type { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisKeys } from './keys';
import { AuthAttempt, AuthFailureThrottle } from './store.ports';

/** The two counters of failed authentications: one per client id, one per source address. */
export interface FailureLimiters {
  readonly byClient: RateLimiterAbstract;
  readonly byAddress: RateLimiterAbstract;
}

/** The options both adapters give rate-limiter-flexible for the two counters. */
export function limiterOptions(limits: AuthThrottleConfig) {
  // keyPrefix '': every key is built in keys.ts. Fixed windows: a key's count starts at its
  // first failure and is forgotten when its window ends.
  const base = { keyPrefix: '', duration: limits.windowSeconds };
  return {
    byClient: { ...{}, ...base, points: limits.failuresPerClient },
    byAddress: { ...{}, ...base, points: limits.failuresPerAddress },
  };
}

/**
 * AuthFailureThrottle on rate-limiter-flexible: the Redis and in-memory adapters differ only in
 * the limiters they hand over, so they cannot differ in behaviour.
 */
export class LimiterAuthFailureThrottle implements AuthFailureThrottle {
  constructor(private readonly limiters: FailureLimiters) {}

  async retryAfter(attempt: AuthAttempt): Promise<number> {
    const checks = this.counters(attempt).map(async ([limiter, key]) =>
      waitOf(limiter, await limiter.get(key)),
    );
    return Math.max(0, ...(await Promise.all(checks)));
  }

  async recordFailure(attempt: AuthAttempt): Promise<void> {
    // penalty() counts without refusing: refusing is retryAfter's job, before any work is done.
    await Promise.all(this.counters(attempt).map(([limiter, key]) => limiter.penalty(key, 1)));
  }

  private counters(attempt: AuthAttempt): [RateLimiterAbstract, string][] {
    const { byClient, byAddress } = this.limiters;
    const counters: [RateLimiterAbstract, string][] = [
      [byAddress, RedisKeys.authFailuresByAddress(attempt.address)],
    ];
    if (attempt.clientId !== undefined)
      counters.push([byClient, RedisKeys.authFailuresByClient(attempt.clientId)]);
    return counters;
  }
}

/** A key that has used up its allowance waits until its window ends. */
function waitOf(limiter: RateLimiterAbstract, res: RateLimiterRes | null): number {
  if (!res || res.consumedPoints < limiter.points || res.msBeforeNext <= 0) return 0;
  return res.msBeforeNext;
}
