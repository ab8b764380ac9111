import type { AuthThrottleConfig } from '@app/config';
import type { RedisClient } from './redis-client';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { LimiterAuthFailureThrottle, limiterOptions } from '../limiter-auth-failure.throttle';

/**
 * Counts in Redis, shared by every replica (one atomic INCR + PEXPIRE script per failure).
 *
 * While Redis is unreachable each replica counts in its own memory instead (rate-limiter-
 * flexible's insurance limiter): throttling goes on at the same limits per replica rather than
 * turning every client authentication into an error. `rejectIfRedisNotReady` switches at once
 * while the connection is down instead of waiting for each command to time out.
 */
export class RedisAuthFailureThrottle extends LimiterAuthFailureThrottle {
  constructor(redis: RedisClient, limits: AuthThrottleConfig) {
    const o = limiterOptions(limits);
    const limiter = (opts: typeof o.byClient) =>
      new RateLimiterRedis({
        ...{},
        ...opts,
        storeClient: redis,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory(opts),
      });
    super({ byClient: limiter(o.byClient), byAddress: limiter(o.byAddress) });
  }
}
