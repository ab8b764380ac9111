import type { LoginAppConfig } from '@app/config';
import type Redis from 'ioredis';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { RedisKeys } from './keys';
import { waitOf } from './limiter-auth-failure.throttle';
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

  static create(redis: Redis | null, limits: LoginFailureLimits): LimiterLoginFailureThrottle {
    // keyPrefix '': every key is built in keys.ts. A fixed window: the count starts at the first
    // failure and is forgotten when its window ends.
    const options = {
      keyPrefix: '',
      duration: limits.failureWindowSeconds,
      points: limits.failuresPerUsername,
    };
    const memory = new RateLimiterMemory(options);
    return new LimiterLoginFailureThrottle(
      redis
        ? new RateLimiterRedis({
            ...options,
            storeClient: redis,
            rejectIfRedisNotReady: true,
            insuranceLimiter: memory,
          })
        : memory,
    );
  }

  async retryAfter(username: string): Promise<number> {
    return waitOf(this.limiter, await this.limiter.get(key(username)));
  }

  async recordFailure(username: string): Promise<void> {
    // penalty() counts without refusing: refusing is retryAfter's job, before any check is made.
    await this.limiter.penalty(key(username), 1);
  }

  async forget(username: string): Promise<void> {
    await this.limiter.delete(key(username));
  }
}

const key = (username: string) => RedisKeys.loginFailuresByUsername(username);
