import { RateLimiterMemory } from 'rate-limiter-flexible';
import { LimiterRequestRateLimiter } from '../limiter-request-rate.limiter';

/** Counts in this process only: for `npm start`, and the fallback of the Redis adapter. */
export class MemoryRequestRateLimiter extends LimiterRequestRateLimiter {
  constructor() {
    super((options) => new RateLimiterMemory(options));
  }
}
