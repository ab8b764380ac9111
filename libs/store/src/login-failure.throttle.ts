import type { LoginAppConfig } from '@app/config';
import type { RedisClient } from './redis/redis-client';
import {
  RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { RedisKeys } from './keys';
import { LoginFailureThrottle } from './login-failure.port';

export type LoginFailureLimits = Pick<
  LoginAppConfig,
  'failuresPerUsername' | 'failureWindowSeconds'
>;

/**
 * LoginFailureThrottle on rate-limiter-flexible, like the throttle of failed client
 * authentications: counted in Redis when there is one (each replica falling back to its own
 * memory while Redis is unreachable, at the same limits), in this process otherwise.
 */
export class LimiterLoginFailureThrottle implements LoginFailureThrottle {
  private constructor(private readonly limiter: RateLimiterAbstract) {}

  static create(
    redis: RedisClient | null,
    limits: LoginFailureLimits,
  ): LimiterLoginFailureThrottle {
    // keyPrefix '': every key is built in keys.ts. A fixed window: the count starts at the first
    // attempt and is forgotten when its window ends.
    const options = {
      keyPrefix: '',
      duration: limits.failureWindowSeconds,
      points: limits.failuresPerUsername,
    };
    const memory = new RateLimiterMemory(options);
    return new LimiterLoginFailureThrottle(
      redis
        ? new RateLimiterRedis({
            ...{},
            ...options,
            storeClient: redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory,
    );
  }

  async attempt(username: string): Promise<number> {
    try {
      await this.limiter.consume(key(username));
      return 0;
    } catch (refused) {
      // rate-limiter-flexible rejects with the limiter's state when the points are used up.
      if (refused instanceof RateLimiterRes) return Math.max(1, refused.msBeforeNext);
      throw refused;
    }
  }

  async forget(username: string): Promise<void> {
    await this.limiter.delete(key(username));
  }
}

const key = (username: string) => RedisKeys.loginFailuresByUsername(username);
