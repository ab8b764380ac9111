import type { DpopConfig } from '@app/config';
import type { ReplayStore } from '@app/store';
import { AccessTokenClaims, DpopProofVerifier } from '@app/tokens';
import { isDpopScheme } from './bearer-token.extractor';
import { DpopBindingCheck, refuseDpopBoundAsBearer } from './dpop-binding.check';
import type { ResourceRequest } from './token.validator';

/**
 * A protected resource that the platform serves itself (`/userinfo`, the playground's orders
 * API) takes DPoP-bound tokens as any API does (RFC 9449 §7): with the DPoP scheme, a proof for
 * this request whose `htu` is the resource's configured public URL (never one rebuilt from the
 * Host header), whose `ath` is the token's and whose key is the token's `cnf.jkt`, its `jti`
 * single-use across every replica through the platform's ReplayStore; a DPoP-bound token
 * presented as `Bearer` is refused (§7.2). Nonces are the server's own (`DPOP_NONCE_*`).
 */
export class ServedResourceDpopCheck {
  private readonly binding: DpopBindingCheck;

  constructor(
    dpop: DpopConfig,
    replays: Pick<ReplayStore, 'claimOnce'>,
    /** The resource's public URL, the `htu` its proofs must name. */
    private readonly url: string,
  ) {
    this.binding = new DpopBindingCheck(new DpopProofVerifier(dpop, replays));
  }

  /** The token's binding, checked against the scheme it was presented with. */
  async check(token: string, claims: AccessTokenClaims, request: ResourceRequest): Promise<void> {
    if (!isDpopScheme(request.authorization)) return refuseDpopBoundAsBearer(claims);
    await this.binding.check(token, claims, {
      proof: request.dpop,
      method: request.method ?? '',
      url: this.url,
    });
  }

  /** RFC 9449 §9: with nonces required, every answer hands out the current one. */
  offerNonce(reply: { header(name: string, value: string): unknown }): void {
    const nonce = this.binding.currentNonce();
    if (nonce !== undefined) void reply.header('dpop-nonce', nonce);
  }
}
