import { SignJWT } from 'jose';
import { SigningAlg } from '@app/config';
import { AccessTokenClaims } from './access-token.claims';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';
import { KeyRing } from './key-ring';

/** JWT access tokens per RFC 9068. */
export class JwtAccessTokenFormat {
  private readonly verifier: JwtAccessTokenVerifier;

  constructor(
    private readonly keys: KeyRing,
    issuer: string,
  ) {
    this.verifier = new JwtAccessTokenVerifier(keys, { issuer });
  }

  static looksLikeJwt(token: string): boolean {
    return JwtAccessTokenVerifier.looksLikeJwt(token);
  }

  async mint(claims: AccessTokenClaims, alg: SigningAlg): Promise<string> {
    const key = this.keys.signingKey(alg);
    const payload: Record<string, unknown> = {
      client_id: claims.clientId,
      scope: claims.scope,
      ...(claims.grantId === undefined ? {} : { grant_id: claims.grantId }),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(claims.iss)
      .setSubject(claims.sub)
      .setAudience(claims.aud)
      .setIssuedAt(claims.iat)
      .setNotBefore(claims.nbf)
      .setExpirationTime(claims.exp)
      .setJti(claims.jti)
      .sign(key.privateKey);
  }

  /** Verifies with this issuer's own keys (introspection, revocation). */
  verify(token: string): Promise<AccessTokenClaims | null> {
    return this.verifier.verify(token);
  }
}
