import type { AuthThrottleConfig } from '@app/config';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { LimiterAuthFailureThrottle, limiterOptions } from '../limiter-auth-failure.throttle';

/** Counts in this process only: for `npm start`, and the fallback of the Redis adapter. */
export class MemoryAuthFailureThrottle extends LimiterAuthFailureThrottle {
  constructor(limits: AuthThrottleConfig) {
    const o = limiterOptions(limits);
    super({
      byClient: new RateLimiterMemory(o.byClient),
      byAddress: new RateLimiterMemory(o.byAddress),
    });
  }
}
