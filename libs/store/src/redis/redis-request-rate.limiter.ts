import type { RedisClient } from './redis-client';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { LimiterRequestRateLimiter } from '../limiter-request-rate.limiter';

/**
 * Counts in Redis, shared by every replica: one atomic script (INCR, PEXPIRE on the first
 * request of a window) per counted request, the one round trip a shared limit costs.
 *
 * `inMemoryBlockOnConsumed`: a counter past its allowance is refused from this process's memory
 * until its window ends, so a flood that is already refused costs no Redis round trip at all.
 * While Redis is unreachable each replica counts in its own memory at the same allowance (the
 * insurance limiter) rather than refusing or failing every request; `rejectIfRedisNotReady`
 * switches at once instead of waiting for each command to time out.
 */
export class RedisRequestRateLimiter extends LimiterRequestRateLimiter {
  constructor(redis: RedisClient) {
    super(
      (options) =>
        new RateLimiterRedis({
          ...{},
          ...options,
          storeClient: redis,
          rejectIfRedisNotReady: true,
          inMemoryBlockOnConsumed: options.points,
          insuranceLimiter: new RateLimiterMemory(options),
        }),
    );
  }
}
