import { DpopConfig } from '@app/config';
import { RedisKeys, type ReplayStore } from '@app/store';
import { JWTPayload } from 'jose';
import { tokenDigest } from '../opaque-token.format';
import { comparableHtu } from './dpop-htu';
import { DpopNonces } from './dpop-nonce';
import { DPOP_ERRORS, DpopProofRejected } from './dpop-proof.error';
import { verifiedProof } from './dpop-proof.signature';
import { ProofKeys } from './proof-keys';

const MAX_JTI_LENGTH = 256;

/** What a DPoP proof is checked against: the request that carried it. */
export interface DpopRequest {
  /** The request's `DPoP` header as Node hands it over (a repeated header may come as a list). */
  readonly proof: string | readonly string[] | undefined;
  /** The request method, as received (RFC 9110 §9.1: case-sensitive). */
  readonly method: string;
  /** The URL the client addressed: the endpoint's public URL, not one behind a proxy. */
  readonly url: string;
  /** At a resource server: the access token presented with the proof (RFC 9449 §7). */
  readonly accessToken?: string;
}

export interface VerifiedDpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: the `cnf.jkt` of a token bound to it. */
  readonly jkt: string;
}

interface ProofClaims {
  readonly jti: string;
  readonly htm: string;
  readonly htu: string;
  readonly iat: number;
  readonly ath?: unknown;
  readonly nonce?: unknown;
}

/**
 * Checks a DPoP proof (RFC 9449 §4.3): one well-formed JWT, `typ`, `alg`, a public `jwk` that
 * verifies the signature, then `htm`, `htu`, `iat`, `ath`, the server nonce when required (last
 * among the claims, so `use_dpop_nonce` goes only to a proof whose retry with the nonce passes),
 * and last the single use of `jti`, so a refused proof never spends its `jti`.
 * The `jti` is claimed through the shared ReplayStore (keyed by the key's thumbprint and the
 * `jti`, for as long as the proof could be accepted), so a proof is accepted once across every
 * replica. A store outage is not the client's fault: `StoreUnavailable` passes through (503).
 */
export class DpopProofVerifier {
  private readonly nonces?: DpopNonces;
  private readonly keys = new ProofKeys();

  constructor(
    private readonly config: DpopConfig,
    private readonly replays: Pick<ReplayStore, 'claimOnce'>,
  ) {
    if (config.nonce) this.nonces = new DpopNonces(config.nonce);
  }

  /** When nonces are required: the nonce to send in `DPoP-Nonce` (RFC 9449 §8.2, §9.2). */
  currentNonce(): string | undefined {
    return this.nonces?.current();
  }

  async verify(request: DpopRequest): Promise<VerifiedDpopProof> {
    const { jkt, payload } = await verifiedProof(request.proof, this.keys);
    const claims = proofClaims(payload);
    if (claims.htm !== request.method) throw DpopProofRejected.invalid(DPOP_ERRORS.htm);
    const htu = comparableHtu(claims.htu);
    if (htu === undefined || htu !== comparableHtu(request.url))
      throw DpopProofRejected.invalid(DPOP_ERRORS.htu);
    const acceptedUntil = this.checkIat(claims.iat);
    if (request.accessToken !== undefined && claims.ath !== tokenDigest(request.accessToken))
      throw DpopProofRejected.invalid(DPOP_ERRORS.ath);
    this.checkNonce(claims.nonce);
    if (!(await this.replays.claimOnce(RedisKeys.dpopProof(jkt, claims.jti), acceptedUntil)))
      throw DpopProofRejected.invalid(DPOP_ERRORS.replayed);
    return { jkt };
  }

  /**
   * RFC 9449 §11.1: `iat` no older than the window and no further ahead than the skew. Returns
   * until when (ms) the proof could be accepted, the skew added once more so that replicas whose
   * clocks differ by up to the skew still find its `jti` remembered.
   */
  private checkIat(iat: number): number {
    const now = Date.now() / 1000;
    const { proofMaxAgeSeconds: maxAge, clockSkewSeconds: skew } = this.config;
    if (iat < now - maxAge || iat > now + skew) throw DpopProofRejected.invalid(DPOP_ERRORS.iat);
    return Math.ceil((iat + maxAge + skew) * 1000);
  }

  /** RFC 9449 §8: without a current nonce of ours, `use_dpop_nonce` with a fresh one. */
  private checkNonce(nonce: unknown): void {
    if (!this.nonces) return;
    if (nonce === undefined)
      throw DpopProofRejected.useNonce(DPOP_ERRORS.nonceMissing, this.nonces.current());
    if (typeof nonce !== 'string' || !this.nonces.accepts(nonce))
      throw DpopProofRejected.useNonce(DPOP_ERRORS.nonceInvalid, this.nonces.current());
  }
}

/** RFC 9449 §4.2: `jti`, `htm`, `htu` and `iat` are required; `jti` bounded (it names a key). */
function proofClaims(payload: JWTPayload): ProofClaims {
  const { jti, htm, htu, iat } = payload;
  if (
    typeof jti !== 'string' ||
    typeof htm !== 'string' ||
    typeof htu !== 'string' ||
    typeof iat !== 'number'
  )
    throw DpopProofRejected.invalid(DPOP_ERRORS.claims);
  if (jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    throw DpopProofRejected.invalid(DPOP_ERRORS.jti);
  return payload as JWTPayload & ProofClaims;
}
