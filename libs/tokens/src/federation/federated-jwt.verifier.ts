import { decodeJwt, errors, JWTPayload } from 'jose';
import type { TrustedIssuerConfig } from '@app/config';
import { KeySetUnavailable } from '../cached-jwks';
import { ASSERTION_CLOCK_TOLERANCE_SECONDS, soleAudience } from '../client-assertion.verifier';
import { jwtVerifyRefetching } from '../jwt-verify-refetching';
import { TrustedIssuerKeys, TrustedIssuerKeysOptions } from './trusted-issuer-keys';

/** What a federated JWT must be, besides signed by a trusted issuer and unexpired. */
export interface FederatedJwtExpectation {
  /** The trusted issuers acceptable here (e.g. a client's `jwt_bearer.issuers`). */
  readonly issuers: readonly string[];
  /** The values accepted as the token's sole `aud`. */
  readonly audiences: readonly string[];
}

/** A verified token of a trusted external issuer. */
export interface FederatedJwt {
  readonly issuer: string;
  readonly subject: string;
  /** The sole `aud` it was issued for (one of the expected audiences). */
  readonly audience: string;
  readonly claims: Readonly<JWTPayload>;
  /** RFC 7519 §4.1.7, when the issuer sets one: single-use (the caller's replay store). */
  readonly jti?: string;
  /** Until when (ms) the `jti` must be remembered: the last instant the token is accepted. */
  readonly replayUntil: number;
}

/** Why a federated JWT is refused; `reason` is a fixed code (jose's, or ours), never input. */
export class FederatedJwtRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'FederatedJwtRejected';
  }
}

/**
 * Verifies a JWT from a trusted external issuer (RFC 7523 §3, for §2.1 grants and §2.2 client
 * authentication, and any later use such as RFC 8693 subject tokens): the issuer is one of
 * `trusted_issuers` and acceptable to the caller before anything is fetched (an untrusted
 * `iss` costs no request, to any host); the signature verifies under that issuer's keys with
 * one of its allowed algorithms (never `none` or HMAC); `sub`, `aud` and `exp` are present;
 * `aud` is one expected value alone; `exp` is no further ahead than the issuer's bound.
 */
export class FederatedJwtVerifier {
  private readonly keys: ReadonlyMap<string, TrustedIssuerKeys>;

  constructor(issuers: readonly TrustedIssuerConfig[], options: TrustedIssuerKeysOptions) {
    this.keys = new Map(issuers.map((i) => [i.issuer, new TrustedIssuerKeys(i, options)]));
  }

  /** Whether `issuer` is one of `trusted_issuers`. */
  trusts(issuer: string): boolean {
    return this.keys.has(issuer);
  }

  /** The `iss` of a JWT before it is verified: only to pick what verifies it. */
  static unverifiedIssuer(jwt: string): string | undefined {
    try {
      const { iss } = decodeJwt(jwt);
      return typeof iss === 'string' ? iss : undefined;
    } catch {
      return undefined;
    }
  }

  async verify(jwt: string, expected: FederatedJwtExpectation): Promise<FederatedJwt> {
    const issuer = FederatedJwtVerifier.unverifiedIssuer(jwt);
    const keys = issuer === undefined ? undefined : this.keys.get(issuer);
    if (!keys || !expected.issuers.includes(issuer!))
      throw new FederatedJwtRejected('issuer_not_trusted');
    const { allowedAlgs, maxTokenLifetime } = keys.config;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerifyRefetching(jwt, keys, {
        issuer,
        algorithms: [...allowedAlgs],
        requiredClaims: ['sub', 'aud', 'exp'],
        clockTolerance: ASSERTION_CLOCK_TOLERANCE_SECONDS,
      }));
    } catch (e) {
      if (e instanceof errors.JOSEError) throw new FederatedJwtRejected(e.code);
      // jose's TypeError: a key it will not verify with (an RSA key under 2048 bits, RFC 7518
      // §3.3), whatever the key set says. The sender's key is unusable: refused, never a 500.
      if (e instanceof TypeError) throw new FederatedJwtRejected('unusable_key');
      // An issuer whose keys cannot be had now: refused (invalid_client / invalid_grant), not a 500.
      if (e instanceof KeySetUnavailable) throw new FederatedJwtRejected('keys_unavailable');
      throw e;
    }
    return this.checkedClaims(issuer!, payload, expected, maxTokenLifetime);
  }

  private checkedClaims(
    issuer: string,
    payload: JWTPayload,
    expected: FederatedJwtExpectation,
    maxTokenLifetime: number,
  ): FederatedJwt {
    const { sub, jti, exp } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 1024)
      throw new FederatedJwtRejected('sub must be a string of 1 to 1024 characters');
    const audience = soleAudience(payload.aud);
    if (audience === undefined || !expected.audiences.includes(audience))
      throw new FederatedJwtRejected('aud must be an expected audience, alone');
    if (exp! > Math.floor(Date.now() / 1000) + maxTokenLifetime)
      throw new FederatedJwtRejected(`exp is more than ${maxTokenLifetime}s ahead`);
    if (jti !== undefined && (typeof jti !== 'string' || jti.length === 0 || jti.length > 256))
      throw new FederatedJwtRejected('jti must be a string of 1 to 256 characters');
    return {
      issuer,
      subject: sub,
      audience,
      claims: payload,
      ...(jti === undefined ? {} : { jti }),
      replayUntil: (exp! + ASSERTION_CLOCK_TOLERANCE_SECONDS) * 1000,
    };
  }
}
