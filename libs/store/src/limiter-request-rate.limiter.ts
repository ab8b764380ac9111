import { RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisKeys } from './keys';
import { RequestAllowance, RequestCounter, RequestRateLimiter } from './request-rate.port';

/** Builds the rate-limiter-flexible limiter of one allowance (the adapters differ only here). */
export type LimiterFactory = (options: LimiterOptions) => RateLimiterAbstract;

export interface LimiterOptions {
  readonly keyPrefix: '';
  readonly points: number;
  readonly duration: number;
}

/**
 * RequestRateLimiter on rate-limiter-flexible, like the throttles of failed authentications.
 * A limiter holds one allowance, and a client may register its own: one limiter per distinct
 * allowance, made on first use (there are as many as distinct figures in the configuration).
 */
export class LimiterRequestRateLimiter implements RequestRateLimiter {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  /**
   * Client keys, built once: their id is digested (keys.ts), a SHA-256 that costs more than the
   * in-memory count itself. Only authenticated, registered clients are counted by client, so the
   * cache is bounded by the registry; addresses are not digested and not cached.
   */
  private readonly clientKeys = new Map<string, string>();

  constructor(private readonly create: LimiterFactory) {}

  async consume(counter: RequestCounter, allowance: RequestAllowance): Promise<number> {
    try {
      await this.limiter(allowance).consume(this.key(counter));
      return 0;
    } catch (refused) {
      // rate-limiter-flexible rejects with the counter's state when the points are used up.
      if (refused instanceof RateLimiterRes) return Math.max(1, refused.msBeforeNext);
      throw refused;
    }
  }

  private key({ endpoint, by, id }: RequestCounter): string {
    if (by === 'address') return RedisKeys.requestsByAddress(endpoint, id);
    const cached = `${endpoint} ${id}`;
    let key = this.clientKeys.get(cached);
    if (key === undefined) {
      key = RedisKeys.requestsByClient(endpoint, id);
      this.clientKeys.set(cached, key);
    }
    return key;
  }

  private limiter({ points, windowSeconds }: RequestAllowance): RateLimiterAbstract {
    const id = `${points}/${windowSeconds}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      // keyPrefix '': every key is built in keys.ts. A fixed window: the count starts at the
      // first request and is forgotten when its window ends.
      limiter = this.create({ keyPrefix: '', points, duration: windowSeconds });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
