import { decodeProtectedHeader } from 'jose';
import { AccessTokenClaims } from './access-token.claims';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';

interface Cached {
  readonly claims: AccessTokenClaims;
  readonly kid: string;
}

/**
 * Remembers tokens whose signature verified, so a token presented again skips the signature
 * check. Safe because the key is the whole token (identical bytes verify identically), the
 * lifetime is checked again on every hit, a result is dropped once its key is withdrawn from the
 * issuer's set, and revocation is checked by the caller on every request, cached or not.
 * Bounded: the oldest entries leave first.
 */
export class CachingJwtVerifier {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly verifier: JwtAccessTokenVerifier,
    private readonly keyPublished: (kid: string) => boolean,
    private readonly clockToleranceSeconds: number,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(token: string): Promise<AccessTokenClaims | null> {
    const now = Math.floor(Date.now() / 1000);
    const hit = this.cache.get(token);
    if (hit && this.keyPublished(hit.kid)) {
      // nbf passed when the token first verified; only its expiry can change the answer.
      if (hit.claims.exp + this.clockToleranceSeconds > now) return hit.claims;
      this.cache.delete(token);
      return null;
    }
    const claims = await this.verifier.verify(token);
    if (claims) this.remember(token, claims);
    return claims;
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    const { kid } = decodeProtectedHeader(token);
    if (kid === undefined) return;
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, { claims, kid });
  }
}
