import { KeyObject } from 'node:crypto';
import { SigningAlg } from '@app/config';
import { AccessTokenClaims } from './access-token.claims';
import { actClaimJson } from './act.claim';
import { signCompactJws } from './compact-jws.signer';
import { CachingJwtVerifier } from './caching-jwt.verifier';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';
import { KeyRing } from './key-ring';

/** JWT access tokens per RFC 9068. */
export class JwtAccessTokenFormat {
  private readonly verifier: CachingJwtVerifier;

  constructor(
    private readonly keys: KeyRing,
    issuer: string,
  ) {
    // Introspection and revocation see the same tokens again and again: verify each once.
    this.verifier = new CachingJwtVerifier(
      new JwtAccessTokenVerifier(keys, { issuer }),
      (kid) => keys.has(kid),
      0,
    );
  }

  static looksLikeJwt(token: string): boolean {
    return JwtAccessTokenVerifier.looksLikeJwt(token);
  }

  async mint(claims: AccessTokenClaims, alg: SigningAlg): Promise<string> {
    const key = this.keys.signingKey(alg);
    // RFC 9068 §2.2 claims; the header names its key and the `at+jwt` type (§2.1).
    const payload = {
      iss: claims.iss,
      sub: claims.sub,
      aud: claims.aud,
      exp: claims.exp,
      iat: claims.iat,
      nbf: claims.nbf,
      jti: claims.jti,
      client_id: claims.clientId,
      scope: claims.scope,
      ...(claims.grantId === undefined ? {} : { grant_id: claims.grantId }),
      // RFC 9068 §2.2.1: the authentication the grant came from, when a user signed in.
      ...(claims.authTime === undefined ? {} : { auth_time: claims.authTime }),
      ...(claims.acr === undefined ? {} : { acr: claims.acr }),
      ...(claims.amr === undefined ? {} : { amr: claims.amr }),
      // RFC 9449 §6.1 / RFC 8705 §3.1: the key or certificate the token is bound to.
      ...(claims.cnf === undefined ? {} : { cnf: claims.cnf }),
      // RFC 8693 §4.1 / §4.4: the actor chain of an exchanged token.
      ...(claims.act === undefined ? {} : { act: actClaimJson(claims.act) }),
      ...(claims.mayAct === undefined ? {} : { may_act: actClaimJson(claims.mayAct) }),
      // RFC 7523 §2.1: whose assertion the subject comes from.
      ...(claims.idp === undefined ? {} : { idp: claims.idp }),
    };
    return signCompactJws(
      { alg, kid: key.kid, typ: 'at+jwt' },
      payload,
      alg,
      key.privateKey as KeyObject,
    );
  }

  /** Verifies with this issuer's own keys (introspection, revocation). */
  verify(token: string): Promise<AccessTokenClaims | null> {
    return this.verifier.verify(token);
  }
}
