import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  errors,
  JWK,
  JWTVerifyGetKey,
  jwtVerify,
} from 'jose';

/** Asymmetric algorithms only: a shared-secret JWT is not private_key_jwt. */
export const ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'RS256', 'PS256'] as const;

/** RFC 7523 §3 allows the issuer to bound an assertion's lifetime; ours is five minutes. */
const MAX_LIFETIME_SECONDS = 300;
const CLOCK_TOLERANCE_SECONDS = 30;

export interface AssertionClient {
  readonly clientId: string;
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  readonly jwksUri?: string;
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

/** Checks `private_key_jwt` client assertions (RFC 7523 §3, RFC 7521 §4.2). */
export class ClientAssertionVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();

  async verify(
    assertion: string,
    client: AssertionClient,
    audiences: readonly string[],
  ): Promise<VerifiedAssertion> {
    try {
      const { payload } = await jwtVerify(assertion, this.keySet(client), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: [...audiences],
        algorithms: [...ASSERTION_ALGS],
        requiredClaims: ['exp', 'jti'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      const now = Math.floor(Date.now() / 1000);
      if (payload.exp! > now + MAX_LIFETIME_SECONDS)
        throw new AssertionRejected(`exp is more than ${MAX_LIFETIME_SECONDS}s ahead`);
      if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
        throw new AssertionRejected('jti must be a string of 1 to 256 characters');
      return { jti: payload.jti, replayUntil: (payload.exp! + CLOCK_TOLERANCE_SECONDS) * 1000 };
    } catch (e) {
      if (e instanceof errors.JOSEError) throw new AssertionRejected(e.code);
      throw e;
    }
  }

  /** One key set per client, built once: remote sets cache and rate-limit their fetches. */
  private keySet(client: AssertionClient): JWTVerifyGetKey {
    let set = this.keySets.get(client.clientId);
    if (!set) {
      set = client.jwksUri
        ? createRemoteJWKSet(new URL(client.jwksUri), { cooldownDuration: 30_000 })
        : createLocalJWKSet({ keys: [...(client.jwks?.keys ?? [])] as unknown as JWK[] });
      this.keySets.set(client.clientId, set);
    }
    return set;
  }
}
