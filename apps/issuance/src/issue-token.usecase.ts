import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ClientAuthEndpoint,
  ClientAuthenticator,
  ENDPOINT_AUTH_METHODS,
  OAuthRequest,
} from '@app/oauth';
import { GRANT_HANDLERS, GrantHandler, TokenResponse } from './grants/grant-handler';
import { GrantRegistry } from './grants/grant.registry';
import { certificateBinding } from './token-checks/check-certificate-binding';
import { checkClientMayUseGrant } from './token-checks/check-client-may-use-grant';
import { checkGrantParameters } from './token-checks/check-grant-parameters';

/** POST /oauth2/token (RFC 6749 §3.2): authenticate, pick the grant, check it, let it answer. */
@Injectable()
export class IssueTokenUseCase {
  private readonly grants: GrantRegistry;
  private readonly clientAuth: ClientAuthEndpoint;

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
  ) {
    this.grants = new GrantRegistry(handlers);
    this.clientAuth = {
      audiences: [config.issuer, config.endpoints.token],
      // Public clients too (RFC 6749 §3.2.1); each grant says whether it serves them.
      methods: ENDPOINT_AUTH_METHODS.token,
    };
  }

  async execute(req: OAuthRequest): Promise<TokenResponse> {
    const grantType = req.form.require('grant_type');
    const client = await this.authenticator.authenticate(req, this.clientAuth);
    const grant = this.grants.get(grantType);
    checkClientMayUseGrant(client, grant.handler);
    checkGrantParameters(grant, req.form);
    const confirmation = certificateBinding(client, req);
    return grant.handler.handle(client, req, confirmation);
  }
}
