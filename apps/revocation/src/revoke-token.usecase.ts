import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import {
  ClientAuthEndpoint,
  ClientAuthenticator,
  ENDPOINT_AUTH_METHODS,
  offeredAuthMethods,
  OAuthRequest,
} from '@app/oauth';
import { GrantRevoker, RefreshTokenLookup } from '@app/platform';
import { LifecycleProjection } from '@app/projection';
import { REVOCATION_STORE, RevocationStore, StoreUnavailable } from '@app/store';
import { AccessTokenClaims, AccessTokenReader, OpaqueTokenFormat } from '@app/tokens';

/**
 * POST /oauth2/revoke (RFC 7009 §2.1). The token is revoked only when the authenticated client
 * is the one it was issued to; in every other case the answer is the same empty 200, so callers
 * cannot probe for valid tokens (§2.2). A refresh token is told by its `rt_` shape, whatever
 * `token_type_hint` says (§2.1: only a hint), and revoking it revokes its grant: every token of
 * it, access tokens included (§2.1 "SHOULD also invalidate all access tokens based on the same
 * authorization grant").
 */
@Injectable()
export class RevokeTokenUseCase {
  private readonly clientAuth: ClientAuthEndpoint;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly reader: AccessTokenReader,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly refreshTokens: RefreshTokenLookup,
    private readonly grants: GrantRevoker,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly projection: LifecycleProjection,
  ) {
    this.clientAuth = {
      audiences: [config.issuer, config.endpoints.revocation],
      // RFC 7009 §2.1: a public client revokes its own tokens with its client_id alone.
      methods: offeredAuthMethods(ENDPOINT_AUTH_METHODS.revocation, config),
      rateLimited: 'revocation',
    };
  }

  async execute(req: OAuthRequest): Promise<void> {
    const client = await this.authenticator.authenticate(req, this.clientAuth);
    const token = req.form.require('token');
    if (OpaqueTokenFormat.kindOf(token) === 'rt') return this.revokeGrantOf(client, token);
    // "Unknown token" is an answer only from a complete projection: the store's gate turns a
    // miss in a store still being rebuilt into StoreUnavailable (503 with Retry-After), so a
    // token whose record is not replayed yet is never acknowledged without its event.
    const found = await this.reader.read(token);
    if (!found || found.claims.clientId !== client.clientId) return;
    if (await this.alreadyRevoked(found.claims)) return;
    await this.record(client, found.claims, found.digest);
  }

  /** Only the client holding it revokes it; a retired or revoked one has nothing left to revoke. */
  private async revokeGrantOf(client: ClientConfig, token: string): Promise<void> {
    const found = await this.refreshTokens.find(client, token);
    if (!found?.state.active) return;
    await this.grants.revoke(client.clientId, found.grant.grantId, 'refresh_token_revoked');
  }

  /** Revoking twice records nothing new; when the store cannot tell, record it again. */
  private async alreadyRevoked(claims: AccessTokenClaims): Promise<boolean> {
    return this.revocations.isRevoked(claims).catch((e: unknown) => {
      if (e instanceof StoreUnavailable) return false;
      throw e;
    });
  }

  /**
   * The revocation is on the log before it is applied or acknowledged. Once acknowledged it is
   * certain: a store outage while applying it still answers 200 (the projector applies it from
   * the log; replicas that cannot follow the store meanwhile refuse tokens per their policy).
   */
  private async record(client: ClientConfig, c: AccessTokenClaims, digest: string | undefined) {
    const event = this.events.create('token.revoked', c.jti, c.grantId ?? c.clientId, {
      jti: c.jti,
      client_id: c.clientId,
      ...(digest === undefined ? {} : { token_digest: digest }),
      exp: c.exp,
      revoked_by: client.clientId,
    });
    await this.bus.publish(event);
    await this.projection.applyOrDefer(event);
  }
}
