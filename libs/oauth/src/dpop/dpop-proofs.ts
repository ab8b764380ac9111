import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { REPLAY_STORE, ReplayStore } from '@app/store';
import { DpopProofRejected, DpopProofVerifier, DpopRequest, VerifiedDpopProof } from '@app/tokens';
import { InvalidDpopProof, OAuthError, UseDpopNonce } from '../errors';

/**
 * DPoP proofs (RFC 9449 §4.3) at the authorization server's endpoints (token, PAR): the one
 * DpopProofVerifier of the process, its jti claimed through the shared ReplayStore so that a
 * proof is accepted once across every replica, and its refusals as the OAuth errors the
 * endpoints render (400 `invalid_dpop_proof`, 400 `use_dpop_nonce` with `DPoP-Nonce`, §8.1).
 */
@Injectable()
export class DpopProofs {
  private readonly verifier: DpopProofVerifier;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REPLAY_STORE) replays: ReplayStore) {
    this.verifier = new DpopProofVerifier(config.dpop, replays);
  }

  /** When nonces are required (DPOP_NONCE_REQUIRED): the nonce every answer carries (§8.2). */
  currentNonce(): string | undefined {
    return this.verifier.currentNonce();
  }

  /** The proof's key thumbprint, or the endpoint's error. A store outage passes through (503). */
  async verify(request: DpopRequest): Promise<VerifiedDpopProof> {
    try {
      return await this.verifier.verify(request);
    } catch (e) {
      throw e instanceof DpopProofRejected ? dpopOAuthError(e) : e;
    }
  }
}

/** The OAuth error of a refused proof; its description is one of DPOP_ERRORS' constants. */
export function dpopOAuthError(e: DpopProofRejected): OAuthError {
  return e.error === 'use_dpop_nonce' && e.nonce !== undefined
    ? new UseDpopNonce(e.description, e.nonce)
    : new InvalidDpopProof(e.description);
}
