import { errors, KeyLike } from 'jose';
import { SigningAlg, SIGNING_ALGS } from '@app/config';
import { AccessTokenClaims } from './access-token.claims';
import { parseActClaim } from './act.claim';
import { parseConfirmation } from './confirmation';
import { JwtChecks } from './compact-jwt.verifier';
import { jwtVerifyRefetching } from './jwt-verify-refetching';
import { VerificationKeys } from './verification-keys';

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface JwtVerifierOptions {
  readonly issuer: string;
  /** When set, `aud` must name it (resource servers); introspection accepts any audience. */
  readonly audience?: string;
  readonly clockToleranceSeconds?: number;
  readonly algorithms?: readonly SigningAlg[];
}

/**
 * Verifies RFC 9068 JWT access tokens: signature with an algorithm allow-list (never the
 * token's `alg` alone), `typ: at+jwt`, issuer, audience and lifetime. Any failure is `null`:
 * callers answer "inactive" or "invalid_token", never why.
 */
export class JwtAccessTokenVerifier {
  /** The same for every token: made once, not per verification. */
  private readonly checks: JwtChecks;

  constructor(
    private readonly keys: VerificationKeys,
    private readonly options: JwtVerifierOptions,
  ) {
    this.checks = {
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockToleranceSeconds ?? 0,
      typ: 'at+jwt',
      algorithms: [...(options.algorithms ?? SIGNING_ALGS)],
      requiredClaims: ['sub', 'aud', 'exp', 'iat', 'jti'],
    };
  }

  static looksLikeJwt(token: string): boolean {
    return JWT_SHAPE.test(token);
  }

  async verify(token: string): Promise<AccessTokenClaims | null> {
    return (await this.verifyWithKey(token))?.claims ?? null;
  }

  /**
   * The claims, the key that verified them and its header `kid` (for caches that must notice a
   * replaced key).
   */
  async verifyWithKey(
    token: string,
  ): Promise<{ claims: AccessTokenClaims; key: KeyLike; kid: string | undefined } | null> {
    if (!JWT_SHAPE.test(token)) return null;
    try {
      const { payload, header, key } = await jwtVerifyRefetching(token, this.keys, this.checks);
      const { sub, aud, exp, iat, nbf, jti, client_id, scope, grant_id } = payload;
      const { auth_time, acr, amr } = payload;
      if (typeof aud !== 'string' || typeof client_id !== 'string' || typeof scope !== 'string')
        return null;
      const cnf = parseConfirmation(payload.cnf);
      if (cnf === null) return null;
      const act = parseActClaim(payload.act);
      const mayAct = parseActClaim(payload.may_act);
      if (act === null || mayAct === null) return null;
      const claims: AccessTokenClaims = {
        iss: this.options.issuer,
        sub: sub!,
        aud,
        exp: exp!,
        iat: iat!,
        nbf: nbf ?? iat!,
        jti: jti!,
        clientId: client_id,
        scope,
        grantId: typeof grant_id === 'string' ? grant_id : undefined,
        ...authentication(auth_time, acr, amr),
        ...(cnf === undefined ? {} : { cnf }),
        ...(act === undefined ? {} : { act }),
        ...(mayAct === undefined ? {} : { mayAct }),
        ...(typeof payload.idp === 'string' ? { idp: payload.idp } : {}),
      };
      return { claims, key, kid: header.kid };
    } catch (e) {
      if (e instanceof errors.JOSEError) return null;
      throw e;
    }
  }
}

/** RFC 9068 §2.2.1 claims, kept only when well-formed: a verifier never guesses at them. */
function authentication(authTime: unknown, acr: unknown, amr: unknown) {
  return {
    ...{},
    ...(Number.isInteger(authTime) ? { authTime: authTime as number } : {}),
    ...(typeof acr === 'string' ? { acr } : {}),
    ...(Array.isArray(amr) && amr.every((m) => typeof m === 'string')
      ? { amr: amr as string[] }
      : {}),
  };
}
