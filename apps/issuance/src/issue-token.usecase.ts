import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ClientAuthenticator,
  OAuthRequest,
  UnauthorizedClient,
  UnsupportedGrantType,
} from '@app/oauth';
import { GRANT_HANDLERS, GrantHandler, TokenResponse } from './grants/grant-handler';

/** POST /oauth2/token (RFC 6749 §3.2): authenticate, pick the grant, let it answer. */
@Injectable()
export class IssueTokenUseCase {
  private readonly grants: ReadonlyMap<string, GrantHandler>;
  private readonly audiences: readonly string[];

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
  ) {
    this.grants = new Map(handlers.map((h) => [h.grantType, h]));
    this.audiences = [config.issuer, config.endpoints.token];
  }

  async execute(req: OAuthRequest): Promise<TokenResponse> {
    const grantType = req.form.require('grant_type');
    const client = await this.authenticator.authenticate(req, this.audiences);
    const grant = this.grants.get(grantType);
    // RFC 6749 §5.2: descriptions name our constants, never the value the request sent.
    if (!grant) throw new UnsupportedGrantType('the grant_type is not supported');
    if (!client.grantTypes.includes(grant.grantType))
      throw new UnauthorizedClient(`the client may not use the ${grant.grantType} grant`);
    return grant.handle(client, req.form);
  }
}
