import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidBearerToken } from '@app/oauth';

const REALM = 'metrics';

/**
 * Who may read `GET /metrics`: anyone who reaches it, or, with METRICS_TOKEN set, only a scraper
 * presenting that token as a bearer token (RFC 6750 §2.1). Only its digest is kept, and digests
 * of equal length are compared in constant time: no timing tells how much of a guess matched.
 */
export class MetricsAccess {
  private readonly digest: Buffer | undefined;

  constructor(token: string | undefined) {
    this.digest = token === undefined ? undefined : sha256(token);
  }

  /** Throws InvalidBearerToken (401 with a Bearer challenge) unless the request may read. */
  check(authorization: string | undefined): void {
    if (!this.digest) return;
    if (authorization === undefined)
      throw new InvalidBearerToken('the metrics need a bearer token', REALM, false);
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization);
    if (!match || !timingSafeEqual(sha256(match[1]!), this.digest))
      throw new InvalidBearerToken('the bearer token is not the metrics token', REALM, true);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
