import { AccessTokenClaims } from './access-token.claims';
import { JwtAccessTokenFormat } from './jwt-access-token.format';
import { OpaqueTokenFormat, tokenDigest } from './opaque-token.format';

/** Where opaque access tokens are looked up by digest (the TokenStore port satisfies it). */
export interface OpaqueTokenLookup {
  find(digest: string): Promise<AccessTokenClaims | null>;
}

/**
 * Turns a presented access token of either format into its claims, or `null` when it is
 * malformed, forged, unknown or outside its lifetime. Revocation is checked by the caller.
 */
export class AccessTokenReader {
  constructor(
    private readonly jwt: JwtAccessTokenFormat,
    private readonly opaque: OpaqueTokenLookup,
  ) {}

  async read(token: string): Promise<{ claims: AccessTokenClaims; digest?: string } | null> {
    if (JwtAccessTokenFormat.looksLikeJwt(token)) {
      const claims = await this.jwt.verify(token);
      return claims && { claims };
    }
    if (OpaqueTokenFormat.kindOf(token) !== 'at') return null;
    const digest = tokenDigest(token);
    const claims = await this.opaque.find(digest);
    const now = Math.floor(Date.now() / 1000);
    if (!claims || claims.exp <= now || claims.nbf > now) return null;
    return { claims, digest };
  }
}
