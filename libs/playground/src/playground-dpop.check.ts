import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  DpopBindingCheck,
  isDpopScheme,
  refuseDpopBoundAsBearer,
  ResourceRequest,
} from '@app/resource-server';
import { REPLAY_STORE, ReplayStore } from '@app/store';
import { AccessTokenClaims, DpopProofVerifier } from '@app/tokens';
import { ordersApiUrl } from './orders-resource';

/**
 * The demo orders API takes DPoP-bound tokens as apps/demo-api does (RFC 9449 §7): with the DPoP
 * scheme, a proof for this request whose `htu` is the API's public URL on the issuer's origin
 * (never rebuilt from the Host header), whose `ath` is the token's and whose key is the token's
 * `cnf.jkt`, its `jti` single-use through the platform's ReplayStore; a DPoP-bound token
 * presented as `Bearer` is refused (§7.2). Nonces are the server's own (`DPOP_NONCE_*`).
 */
@Injectable()
export class PlaygroundDpopCheck {
  private readonly binding: DpopBindingCheck;
  private readonly url: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REPLAY_STORE) replays: ReplayStore) {
    this.binding = new DpopBindingCheck(new DpopProofVerifier(config.dpop, replays));
    this.url = ordersApiUrl(config);
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
  offerNonce(reply: FastifyReply): void {
    const nonce = this.binding.currentNonce();
    if (nonce !== undefined) void reply.header('dpop-nonce', nonce);
  }
}
