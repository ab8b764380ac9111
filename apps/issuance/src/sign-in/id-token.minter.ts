import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { AuthorizationCodeRecord } from '@app/store';
import { IdTokenFormat, MintedIdToken, releasedClaims } from '@app/tokens';

export interface IdTokenRequest {
  readonly client: ClientConfig;
  /** The end-user as this client sees them (clientSubject). */
  readonly sub: string;
  readonly code: AuthorizationCodeRecord;
  /** The access token answered with it: bound by `at_hash` (OIDC Core §3.1.3.6). */
  readonly accessToken: string;
  readonly grantType: string;
}

/**
 * Makes the ID token of a code redemption (OIDC Core §3.1.3.3, §3.1.3.6) and records it. Write
 * order as for access tokens (AccessTokenMinter): its `token.issued` event, v2 with kind
 * `id_token`, is acknowledged by the log before the token is handed out. An ID token has no hot
 * state: nothing verifies it as an access token (typ JWT, aud the client).
 */
@Injectable()
export class IdTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly format: IdTokenFormat,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async mint(req: IdTokenRequest): Promise<string> {
    const { client, code } = req;
    const minted = this.format.mint(
      {
        sub: req.sub,
        clientId: client.clientId,
        authTime: code.authTime,
        nonce: code.nonce,
        acr: code.acr,
        amr: code.amr.length === 0 ? undefined : code.amr,
        sid: code.sid,
        grantId: code.grantId,
        accessToken: req.accessToken,
        // OIDC Core §5.4: only the claims the granted scopes release, as the consent gave them.
        userClaims: releasedClaims(code.idTokenClaims, code.scopes),
      },
      { alg: client.idTokenSignedResponseAlg, ttlSeconds: this.config.signIn.idTokenTtl },
    );
    await this.record(req, minted);
    return minted.token;
  }

  /** No user claim goes on the event: the token by `jti`, the user by `sub` only. */
  private record(req: IdTokenRequest, t: MintedIdToken): Promise<void> {
    const { client, code } = req;
    const event = this.events.create('token.issued', t.jti, code.grantId, {
      jti: t.jti,
      client_id: client.clientId,
      sub: req.sub,
      aud: client.clientId,
      scope: code.scopes.join(' '),
      grant_type: req.grantType,
      grant_id: code.grantId,
      format: 'jwt',
      kind: 'id_token',
      iat: t.iat,
      exp: t.exp,
      auth_time: code.authTime,
      ...(code.acr === undefined ? {} : { acr: code.acr }),
      ...(code.amr.length === 0 ? {} : { amr: code.amr }),
    });
    return this.bus.publish(event);
  }
}
