import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { authenticationClaims, LifecycleProjection, tokenIssuedData } from '@app/projection';
import { AuthorizationCodeRecord } from '@app/store';
import { IdTokenFormat, MintedIdToken, releasedClaims } from '@app/tokens';

/**
 * What an ID token says of the user's authentication and consent: the redeemed code, or on a
 * refresh the grant (OIDC Core §12.2: `auth_time` unchanged, no `nonce`, no `sid`).
 */
export type IdTokenSource = Pick<
  AuthorizationCodeRecord,
  'grantId' | 'scopes' | 'authTime' | 'acr' | 'amr' | 'idTokenClaims' | 'nonce' | 'sid'
>;

export interface IdTokenRequest {
  readonly client: ClientConfig;
  /** The end-user as this client sees them (clientSubject). */
  readonly sub: string;
  readonly source: IdTokenSource;
  /** The access token answered with it: bound by `at_hash` (OIDC Core §3.1.3.6). */
  readonly accessToken: string;
  readonly grantType: string;
}

/**
 * Makes the ID token of a code redemption (OIDC Core §3.1.3.3, §3.1.3.6) or of a refresh (§12.2)
 * and records it. Write order as for access tokens (AccessTokenMinter): its `token.issued` event,
 * v3 with token_kind `id_token`, is acknowledged by the log and applied before the token is
 * handed out. An ID token has no hot state (the projection keeps none): nothing verifies it as
 * an access token (typ JWT, aud the client).
 */
@Injectable()
export class IdTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly format: IdTokenFormat,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly projection: LifecycleProjection,
  ) {}

  async mint(req: IdTokenRequest): Promise<string> {
    const { client, source: s } = req;
    const minted = this.format.mint(
      {
        sub: req.sub,
        clientId: client.clientId,
        authTime: s.authTime,
        nonce: s.nonce,
        acr: s.acr,
        amr: s.amr.length === 0 ? undefined : s.amr,
        sid: s.sid,
        grantId: s.grantId,
        accessToken: req.accessToken,
        // OIDC Core §5.4: only the claims the granted scopes release, as the consent gave them.
        userClaims: releasedClaims(s.idTokenClaims, s.scopes),
      },
      { alg: client.idTokenSignedResponseAlg, ttlSeconds: this.config.signIn.idTokenTtl },
    );
    await this.record(req, minted);
    return minted.token;
  }

  /** No user claim goes on the event: the token by `jti`, the user by `sub` only. */
  private async record(req: IdTokenRequest, t: MintedIdToken): Promise<void> {
    const { client, source: s } = req;
    const data = tokenIssuedData({
      kind: 'id_token',
      jti: t.jti,
      clientId: client.clientId,
      sub: req.sub,
      aud: client.clientId,
      scope: s.scopes.join(' '),
      grantType: req.grantType,
      grantId: s.grantId,
      iat: t.iat,
      exp: t.exp,
      ...authenticationClaims(s),
    });
    const event = this.events.create('token.issued', t.jti, s.grantId, data);
    await this.bus.publish(event);
    await this.projection.apply(event);
  }
}
