import { errors, jwtVerify, SignJWT } from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { AccessTokenClaims } from './access-token.claims';
import { KeyRing } from './key-ring';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** JWT access tokens per RFC 9068. */
export class JwtAccessTokenFormat {
  constructor(
    private readonly keys: KeyRing,
    private readonly issuer: string,
    private readonly algorithms: readonly SigningAlg[] = SIGNING_ALGS,
  ) {}

  static looksLikeJwt(token: string): boolean {
    return JWT_SHAPE.test(token);
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

  /**
   * Verifies signature, `typ`, issuer and lifetime with an algorithm allow-list (never the
   * token's `alg` alone). Any failure is `null`: callers answer "inactive", never why.
   */
  async verify(token: string): Promise<AccessTokenClaims | null> {
    if (!JWT_SHAPE.test(token)) return null;
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header), {
        issuer: this.issuer,
        typ: 'at+jwt',
        algorithms: [...this.algorithms],
        requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti'],
      });
      const { sub, aud, exp, iat, nbf, jti, client_id, scope, grant_id } = payload;
      if (typeof aud !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string')
        return null;
      return {
        iss: this.issuer,
        sub: sub!,
        aud,
        exp: exp!,
        iat: iat!,
        nbf: nbf ?? iat!,
        jti: jti!,
        clientId: client_id,
        scope,
        grantId: typeof grant_id === 'string' ? grant_id : undefined,
      };
    } catch (e) {
      if (e instanceof errors.JOSEError) return null;
      throw e;
    }
  }

  private keyFor(header: Parameters<KeyRing['verificationKey']>[0]) {
    const key = this.keys.verificationKey(header);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  }
}
