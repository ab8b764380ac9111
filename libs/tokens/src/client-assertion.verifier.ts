import { createLocalJWKSet, decodeJwt, errors, JWK, JWTPayload } from 'jose';
import { ASSERTION_MAX_LIFETIME_SECONDS, isLoopbackHost } from '@app/config';
import { CachedJwks, KeySetUnavailable } from './cached-jwks';
import { JwksFetchOptions, JwksHttpPolicy } from './jwks.fetcher';
import { JwtChecks, JwtKeyLookup, verifyCompactJwt } from './compact-jwt.verifier';
import { jwtVerifyRefetching } from './jwt-verify-refetching';

/** Asymmetric algorithms only: a shared-secret JWT is not private_key_jwt. */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const;

/** RFC 7523 §3 allows the issuer to bound an assertion's lifetime; ours is five minutes. */
const MAX_LIFETIME_SECONDS = ASSERTION_MAX_LIFETIME_SECONDS;
/** Clock skew allowed on `exp`, `nbf` and `iat` of assertions, ours and external issuers'. */
export const ASSERTION_CLOCK_TOLERANCE_SECONDS = 30;
const CLOCK_TOLERANCE_SECONDS = ASSERTION_CLOCK_TOLERANCE_SECONDS;
/**
 * An unknown `kid` refetches a jwks_uri at most every 30 s (CachedJwks), against fetch floods
 * from forged assertions. A loopback jwks_uri, allowed in development only, is this machine's:
 * its keys change as a developer works (the playground publishes one per page) and a fetch
 * floods nobody, so there an unknown `kid` refetches at most once a second.
 */
const LOOPBACK_MIN_REFRESH_MS = 1000;

export interface AssertionClient {
  readonly clientId: string;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly jwksUri?: string;
}

export interface ClientAssertionVerifierOptions extends Omit<JwksFetchOptions, 'http'> {
  /** Which `http:` jwks_uri may be fetched: `loopback` in development only (default refuse). */
  readonly jwksHttp?: JwksHttpPolicy;
}

export interface VerifiedAssertion {
  readonly jti: string;
  /** Until when (ms) the `jti` must be remembered: the last instant the assertion is accepted. */
  readonly replayUntil: number;
}

export class AssertionRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AssertionRejected';
  }
}

/** The `sub` of an assertion before it is verified: only to find whose keys verify it. */
export function assertionSubject(assertion: string): string | undefined {
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `aud` of an assertion must name us and nobody else (draft-ietf-oauth-rfc7523bis §4: the
 * authorization server is the sole audience), so an assertion made for another party cannot be
 * replayed here and ours cannot be replayed there. The draft asks clients for a plain string;
 * a one-element array still names us alone, and RFC 7519 §4.1.3 clients send it, so it is read
 * as that single value. Any array naming a second party is refused.
 */
export function soleAudience(aud: JWTPayload['aud']): string | undefined {
  const single = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
  return typeof single === 'string' ? single : undefined;
}

/** Checks `private_key_jwt` client assertions (RFC 7523 §3, RFC 7521 §4.2). */
export class ClientAssertionVerifier {
  /** Inline sets, built once per client configuration (a changed client gets a new set). */
  private readonly localSets = new WeakMap<object, JwtKeyLookup>();
  /** Remote sets, one per jwks_uri: cached, rate-limited and backing off from failures. */
  private readonly remoteSets = new Map<string, CachedJwks>();

  constructor(private readonly options: ClientAssertionVerifierOptions = {}) {}

  /** `audiences`: the values accepted as the sole `aud` (our issuer and this endpoint's URL). */
  async verify(
    assertion: string,
    client: AssertionClient,
    audiences: readonly string[],
  ): Promise<VerifiedAssertion> {
    try {
      const payload = await this.verifiedPayload(assertion, client, {
        issuer: client.clientId,
        subject: client.clientId,
        algorithms: [...ASSERTION_ALGS],
        requiredClaims: ['aud', 'exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const aud = soleAudience(payload.aud);
      if (aud === undefined || !audiences.includes(aud))
        throw new AssertionRejected('aud must be the issuer or this endpoint, alone');
      const now = Math.floor(Date.now() / 1000);
      if (payload.exp! > now + MAX_LIFETIME_SECONDS)
        throw new AssertionRejected(`exp is more than ${MAX_LIFETIME_SECONDS}s ahead`);
      if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
        throw new AssertionRejected('jti must be a string of 1 to 256 characters');
      return { jti: payload.jti, replayUntil: (payload.exp! + CLOCK_TOLERANCE_SECONDS) * 1000 };
    } catch (e) {
      if (e instanceof errors.JOSEError) throw new AssertionRejected(e.code);
      // jose's TypeError: a key it will not verify with (an RSA key under 2048 bits, RFC 7518
      // §3.3), whatever the key set says. The sender's key is unusable: refused, never a 500.
      if (e instanceof TypeError) throw new AssertionRejected('unusable_key');
      // A client whose jwks_uri fails cannot authenticate now: invalid_client, never a 500.
      if (e instanceof KeySetUnavailable) throw new AssertionRejected('jwks_unavailable');
      throw e;
    }
  }

  /**
   * Drops the cached key set of a jwks_uri: its client changed or went away (the registry's
   * change feed), so its next assertion is checked against keys fetched now.
   */
  forget(jwksUri: string): void {
    this.remoteSets.delete(jwksUri);
  }

  private async verifiedPayload(
    assertion: string,
    client: AssertionClient,
    options: JwtChecks,
  ): Promise<JWTPayload> {
    if (client.jwksUri !== undefined)
      return (await jwtVerifyRefetching(assertion, this.remoteSet(client.jwksUri), options))
        .payload;
    return (await verifyCompactJwt(assertion, this.localSet(client), options)).payload;
  }

  private localSet(client: AssertionClient): JwtKeyLookup {
    const jwks = client.jwks ?? { keys: [] };
    let set = this.localSets.get(jwks);
    if (!set) {
      // jose's selection of a key by the header (kid, alg, kty, use); it reads only the header.
      const select = createLocalJWKSet({ keys: [...jwks.keys] as unknown as JWK[] });
      set = (header) => select(header);
      this.localSets.set(jwks, set);
    }
    return set;
  }

  private remoteSet(uri: string): CachedJwks {
    let set = this.remoteSets.get(uri);
    if (!set) {
      const { jwksHttp, ...fetchOptions } = this.options;
      const local = jwksHttp === 'loopback' && isLoopbackHost(new URL(uri).hostname);
      set = new CachedJwks(uri, {
        ...{},
        ...fetchOptions,
        http: jwksHttp,
        algorithms: ASSERTION_ALGS,
        ...(local ? { minRefreshIntervalMs: LOOPBACK_MIN_REFRESH_MS } : {}),
      });
      this.remoteSets.set(uri, set);
    }
    return set;
  }
}
