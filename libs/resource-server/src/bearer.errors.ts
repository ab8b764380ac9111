/** The authentication scheme a token was presented with (RFC 6750 §2.1, RFC 9449 §7.1). */
export type TokenScheme = 'Bearer' | 'DPoP';

/**
 * RFC 6750 §3.1 errors (and RFC 9449 §7.1's for DPoP), rendered as a status, a
 * `WWW-Authenticate` challenge and a small JSON body. Descriptions never echo the token.
 */
export abstract class BearerError extends Error {
  abstract readonly status: number;
  /** Absent when the request carried no credentials at all (RFC 6750 §3.1). */
  abstract readonly error: string | undefined;
  readonly scope: string | undefined = undefined;
  /** The scheme whose challenge carries the error: the one the request used. */
  scheme: TokenScheme = 'Bearer';

  constructor(readonly description: string) {
    super(description);
    this.name = new.target.name;
  }

  /** This error, reported under `scheme`'s challenge. */
  under(scheme: TokenScheme): this {
    this.scheme = scheme;
    return this;
  }

  /**
   * The `Bearer` challenge, then, when the resource also takes DPoP (`dpopAlgs` given), the `DPoP`
   * one with its `algs` (RFC 9449 §7.1); the error goes in the challenge of the request's scheme.
   * Both schemes are offered so that a client may use either (RFC 9449 §7.2).
   */
  challenge(realm: string, dpopAlgs?: string): string {
    const bearer = this.schemeChallenge('Bearer', realm);
    if (dpopAlgs === undefined && this.scheme !== 'DPoP') return bearer;
    const algs = dpopAlgs === undefined ? '' : `, algs="${dpopAlgs}"`;
    return `${bearer}, ${this.schemeChallenge('DPoP', realm)}${algs}`;
  }

  private schemeChallenge(scheme: TokenScheme, realm: string): string {
    let challenge = `${scheme} realm="${realm}"`;
    if (this.scheme !== scheme) return challenge;
    if (this.error) challenge += `, error="${this.error}", error_description="${this.description}"`;
    if (this.scope) challenge += `, scope="${this.scope}"`;
    return challenge;
  }
}

export class MissingToken extends BearerError {
  readonly status = 401;
  readonly error = undefined;
}

export class InvalidBearerRequest extends BearerError {
  readonly status = 400;
  readonly error = 'invalid_request';
}

export class InvalidToken extends BearerError {
  readonly status = 401;
  readonly error = 'invalid_token';
}

export class InsufficientScope extends BearerError {
  readonly status = 403;
  readonly error = 'insufficient_scope';
  override readonly scope: string;

  constructor(required: readonly string[]) {
    super('the access token lacks a required scope');
    this.scope = required.join(' ');
  }
}

/** Token state could not be checked (revocation mirror stale, key set unreachable). */
export class TokenStateUnavailable extends BearerError {
  readonly status = 503;
  readonly error = 'temporarily_unavailable';
}

/** RFC 9449 §7.1: the DPoP proof presented with the token is missing or wrong. */
export class InvalidDpopProof extends BearerError {
  readonly status = 401;
  readonly error = 'invalid_dpop_proof';
  override scheme: TokenScheme = 'DPoP';
}

/** RFC 9449 §9: the proof must carry the resource server's nonce, sent in `DPoP-Nonce`. */
export class UseDpopNonce extends BearerError {
  readonly status = 401;
  readonly error = 'use_dpop_nonce';
  override scheme: TokenScheme = 'DPoP';

  constructor(
    description: string,
    readonly nonce: string,
  ) {
    super(description);
  }
}

/**
 * What a plain Node server sends for a BearerError. `dpopAlgs`: the resource takes DPoP too, with
 * these proof algorithms (space-separated), so both schemes are challenged.
 */
export function bearerErrorResponse(e: BearerError, realm: string, dpopAlgs?: string) {
  return {
    status: e.status,
    headers: {
      'www-authenticate': e.challenge(realm, dpopAlgs),
      'cache-control': 'no-store',
      'content-type': 'application/json',
      ...(e.status === 503 ? { 'retry-after': '1' } : {}),
      // RFC 9449 §9: the nonce the client's next proof must carry.
      ...(e instanceof UseDpopNonce ? { 'dpop-nonce': e.nonce } : {}),
    },
    body: JSON.stringify(
      e.error ? { error: e.error, error_description: e.description } : { error: 'unauthorized' },
    ),
  };
}
