import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { ClientAuthenticator, OAuthRequest } from '@app/oauth';
import { REVOCATION_STORE, RevocationStore } from '@app/store';
import { AccessTokenClaims, AccessTokenReader } from '@app/tokens';

/**
 * POST /oauth2/revoke (RFC 7009 §2.1). The token is revoked only when the authenticated client
 * is the one it was issued to; in every other case the answer is the same empty 200, so callers
 * cannot probe for valid tokens (§2.2).
 */
@Injectable()
export class RevokeTokenUseCase {
  private readonly audiences: readonly string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly reader: AccessTokenReader,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {
    this.audiences = [config.issuer, config.endpoints.revocation];
  }

  async execute(req: OAuthRequest): Promise<void> {
    const client = await this.authenticator.authenticate(req, this.audiences);
    const found = await this.reader.read(req.form.require('token'));
    if (!found || found.claims.clientId !== client.clientId) return;
    // Revoking twice records nothing new: the log holds one revocation per token.
    if (await this.revocations.isRevoked(found.claims)) return;
    await this.record(client, found.claims, found.digest);
    await this.revocations.revoke({
      kind: 'token',
      clientId: found.claims.clientId,
      jti: found.claims.jti,
      expiresAt: found.claims.exp * 1000,
    });
  }

  /** The revocation is on the log before it is applied or acknowledged. */
  private record(client: ClientConfig, c: AccessTokenClaims, digest: string | undefined) {
    const event = this.events.create('token.revoked', c.jti, c.grantId ?? c.clientId, {
      jti: c.jti,
      client_id: c.clientId,
      ...(digest === undefined ? {} : { token_digest: digest }),
      exp: c.exp,
      revoked_by: client.clientId,
    });
    return this.bus.publish(event);
  }
}
