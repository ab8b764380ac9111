import { KeyLike } from 'jose';
import { AccessTokenClaims } from './access-token.claims';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';

interface Verified {
  readonly claims: AccessTokenClaims;
  readonly key: KeyLike;
  readonly kid: string | undefined;
}

interface Cached {
  readonly claims: AccessTokenClaims;
  readonly kid: string;
  readonly key: KeyLike;
}

/**
 * Remembers tokens whose signature verified, so a token presented again skips the signature
 * check. Safe because the key is the whole token (identical bytes verify identically), the
 * lifetime is checked again on every hit, a result is dropped once the key that verified it is
 * no longer the one the issuer publishes under its `kid` (withdrawn, or replaced by new material
 * under the same `kid`), and revocation is checked by the caller on every request, cached or not.
 * Bounded: the oldest entries leave first.
 */
export class CachingJwtVerifier {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly verifier: JwtAccessTokenVerifier,
    /** Whether the issuer still publishes exactly `key` under `kid`. */
    private readonly keyPublished: (kid: string, key: KeyLike) => boolean,
    private readonly clockToleranceSeconds: number,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims | null> {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.cache.get(token);
    if (hit && this.keyPublished(hit.kid, hit.key)) {
      // nbf passed when the token first verified; only its expiry can change the answer.
      if (hit.claims.exp + this.clockToleranceSeconds > now) return hit.claims;
      this.cache.delete(token);
      return null;
    }
    const verified = await this.verifier.verifyWithKey(token);
    if (!verified) {
      this.cache.delete(token);
      return null;
    }
    this.remember(token, verified);
    return verified.claims;
  }

  /** `kid` from the header the verifier already parsed: the token is not decoded again. */
  private remember(token: string, { claims, key, kid }: Verified): void {
    if (kid === undefined) return;
    this.cache.delete(token);
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { claims, kid, key });
  }
}
