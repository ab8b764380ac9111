import { StoreUnavailable } from '@app/store';
import {
  AccessTokenClaims,
  comparableHtu,
  DPOP_SIGNING_ALGS,
  DpopProofRejected,
  DpopProofVerifier,
} from '@app/tokens';
import {
  InvalidDpopProof,
  InvalidToken,
  TokenStateUnavailable,
  UseDpopNonce,
} from './bearer.errors';

/** What a request brings for a DPoP-presented token, besides the token itself. */
export interface DpopSources {
  /** The `DPoP` header(s) (RFC 9449 §4.1), as Node hands them over. */
  readonly dpop?: string | readonly string[];
  /** The request method, as received. */
  readonly method?: string;
  /** The request path, with its query, as received (Node's and Fastify's `req.url`). */
  readonly path?: string;
}

/** What RFC 9449 §7.1 checks a DPoP-presented token against: the request that carried it. */
export interface DpopPresentation {
  /** The request's `DPoP` header(s), as Node hands them over. */
  readonly proof: string | readonly string[] | undefined;
  readonly method: string;
  /** The public URL the client addressed (never rebuilt from Host or X-Forwarded-* headers). */
  readonly url: string;
}

/** `algs` of the `DPoP` challenge (RFC 9449 §7.1): the proof algorithms accepted. */
export const DPOP_CHALLENGE_ALGS = DPOP_SIGNING_ALGS.join(' ');

/** The thumbprint of the DPoP key a token is bound to, if it is (RFC 9449 §6). */
export const dpopJkt = (claims: AccessTokenClaims): string | undefined =>
  claims.cnf !== undefined && 'jkt' in claims.cnf ? claims.cnf.jkt : undefined;

/**
 * RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused, whether or not the
 * resource takes DPoP: dropping the binding would make a stolen token usable by anyone.
 */
export function refuseDpopBoundAsBearer(claims: AccessTokenClaims): void {
  if (claims.cnf !== undefined && 'jkt' in claims.cnf)
    throw new InvalidToken('the access token is DPoP-bound: present it with the DPoP scheme');
}

/**
 * RFC 9449 §7.1: a token presented with the DPoP scheme must be DPoP-bound, and come with one
 * valid proof for this request (`htm`, `htu`, `ath` of this token, a fresh `jti` across every
 * replica sharing the replay store, the nonce when required) signed by the very key it is bound
 * to. Runs after the token itself is found valid, so no proof `jti` is spent on a bad token.
 */
export class DpopBindingCheck {
  constructor(private readonly verifier: DpopProofVerifier) {}

  /** When nonces are required: the nonce to send in `DPoP-Nonce` (RFC 9449 §9). */
  currentNonce(): string | undefined {
    return this.verifier.currentNonce();
  }

  async check(token: string, claims: AccessTokenClaims, request: DpopPresentation): Promise<void> {
    const bound = dpopJkt(claims);
    // A bearer token is never upgraded by a proof: the scheme says what the token is.
    if (bound === undefined) throw new InvalidToken('the access token is not DPoP-bound');
    const { jkt } = await this.verified(token, request);
    // RFC 9449 §7.1 (its Figure 15): a proof by another key is an invalid key binding.
    if (jkt !== bound)
      throw new InvalidToken('the access token is not bound to the key of the DPoP proof');
  }

  private async verified(token: string, request: DpopPresentation): Promise<{ jkt: string }> {
    try {
      return await this.verifier.verify({ ...{}, ...request, accessToken: token });
    } catch (e) {
      if (e instanceof DpopProofRejected)
        throw e.nonce === undefined
          ? new InvalidDpopProof(e.description)
          : new UseDpopNonce(e.description, e.nonce);
      // The replay store is down: whether the proof is fresh cannot be known (503, not 401).
      if (e instanceof StoreUnavailable)
        throw new TokenStateUnavailable('the DPoP proof cannot be checked now');
      throw e;
    }
  }
}

/**
 * The public URL of a request to an API (RFC 9449 §7.1 `htu`): its configured public base URL
 * (which may end in a path prefix the proxy strips) followed by the request's path. Query and
 * fragment are dropped later by the comparison itself.
 */
export function publicRequestUrl(publicBase: string, path: string): string {
  return publicBase + (path.startsWith('/') ? path : `/${path}`);
}

/** The configured public base URL, checked once: an http(s) URL, no query or fragment. */
export function publicBaseUrl(value: string): string {
  const base = value.replace(/\/+$/, '');
  if (comparableHtu(base) === undefined || /[?#]/.test(base))
    throw new Error('dpop.publicUrl must be an http(s) URL without user, query or fragment');
  return base;
}
