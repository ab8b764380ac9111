import { KeyObject } from 'node:crypto';
import { SigningAlg } from '@app/config';
import { signCompactJws } from './compact-jws.signer';
import { IdTokenClaims } from './id-token.claims';
import { KeyRing } from './key-ring';
import { randomId } from './random-id';
import { isStandardClaim } from './released-claims';
import { tokenHash } from './token-hash';

/**
 * What relying parties get when a client registered no `id_token_signed_response_alg`: RS256,
 * the algorithm every one of them supports (OpenID Connect Core §15.1; Registration §2).
 */
export const DEFAULT_ID_TOKEN_ALG: SigningAlg = 'RS256';

export interface IdTokenOptions {
  /** The client's `id_token_signed_response_alg`; RS256 when it has none. */
  readonly alg?: SigningAlg;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

export interface MintedIdToken {
  readonly token: string;
  /** Names the token on its `token.issued` event, as for JWT access tokens. */
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly alg: SigningAlg;
  readonly kid: string;
}

/**
 * OpenID Connect ID tokens (Core §2), signed by the issuer's key ring. The header says
 * `typ: JWT`, never RFC 9068's `at+jwt`, and `aud` is the client, never an API: every access
 * token verifier (introspection, the resource-server library, /userinfo) refuses an ID token on
 * its type alone (RFC 8725 §3.11, explicit typing), and on its audience too.
 */
export class IdTokenFormat {
  constructor(
    private readonly keys: KeyRing,
    private readonly issuer: string,
  ) {}

  mint(claims: IdTokenClaims, options: IdTokenOptions): MintedIdToken {
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0)
      throw new RangeError('an ID token lifetime is a positive whole number of seconds');
    const alg = options.alg ?? DEFAULT_ID_TOKEN_ALG;
    const key = this.keys.signingKey(alg);
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + options.ttlSeconds;
    // 128 random bits, as for access tokens.
    const jti = randomId(16);
    // End-user claims first: what follows is asserted by the token and always wins.
    const payload = {
      ...{},
      ...standardClaims(claims.userClaims),
      iss: this.issuer,
      sub: claims.sub,
      aud: claims.clientId,
      exp,
      iat,
      auth_time: claims.authTime,
      ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
      ...(claims.acr === undefined ? {} : { acr: claims.acr }),
      ...(claims.amr === undefined ? {} : { amr: claims.amr }),
      // §2: azp is the party the token was issued to, here always the sole audience.
      azp: claims.clientId,
      ...(claims.accessToken === undefined
        ? {}
        : { at_hash: tokenHash(claims.accessToken, alg, key.crv) }),
      ...(claims.sid === undefined ? {} : { sid: claims.sid }),
      jti,
      ...(claims.grantId === undefined ? {} : { grant_id: claims.grantId }),
    };
    const token = signCompactJws(
      { alg, kid: key.kid, typ: 'JWT' },
      payload,
      alg,
      key.privateKey as KeyObject,
    );
    return { token, jti, iat, exp, alg, kid: key.kid };
  }
}

function standardClaims(
  claims: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims ?? {}))
    if (isStandardClaim(name)) kept[name] = value;
  return kept;
}
