import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ClientConfig,
  RateLimitConfig,
  RateLimitedEndpoint,
} from '@app/config';
import { REQUEST_RATE_LIMITER, RequestRateLimiter } from '@app/store';
import { RateLimited } from '../errors';

/**
 * Requests per window on the OAuth endpoints (RATE_LIMIT_*), shared by every replica through the
 * store: per source address for every request, before any work is done (the address hook), and
 * per client once the client has authenticated (ClientAuthenticator). Only authenticated
 * requests count against a client: an unauthenticated id is whatever a caller typed, and
 * counting it would let anyone spend a victim client's allowance by naming it. Failed
 * authentications have their own throttle (AUTH_FAILURES_PER_*).
 *
 * A check whose limit is 0 returns undefined without touching the store or allocating a promise:
 * with limits off, the hot path pays one property read.
 */
@Injectable()
export class RequestRateGate {
  private readonly limits: RateLimitConfig;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REQUEST_RATE_LIMITER) private readonly limiter: RequestRateLimiter,
  ) {
    this.limits = config.rateLimits;
  }

  /** Whether any endpoint is limited per address (the address hook is installed only then). */
  get limitsAddresses(): boolean {
    return Object.values(this.limits.endpoints).some((e) => e.perAddress > 0);
  }

  /** Counts a request from `address`; rejects with RateLimited (429) past the allowance. */
  address(endpoint: RateLimitedEndpoint, address: string): Promise<void> | undefined {
    const points = this.limits.endpoints[endpoint].perAddress;
    if (points === 0) return undefined;
    return this.count(endpoint, 'address', address, points);
  }

  /** Counts an authenticated client's request, at its own `rate_limit` when it registered one. */
  client(endpoint: RateLimitedEndpoint, client: ClientConfig): Promise<void> | undefined {
    const points = client.rateLimit?.[endpoint] ?? this.limits.endpoints[endpoint].perClient;
    if (points === 0) return undefined;
    return this.count(endpoint, 'client', client.clientId, points);
  }

  private async count(
    endpoint: RateLimitedEndpoint,
    by: 'client' | 'address',
    id: string,
    points: number,
  ): Promise<void> {
    const wait = await this.limiter.consume(
      { endpoint, by, id },
      { points, windowSeconds: this.limits.windowSeconds },
    );
    if (wait > 0) throw new RateLimited(wait);
  }
}
