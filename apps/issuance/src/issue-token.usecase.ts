import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  ClientAuthEndpoint,
  ClientAuthenticator,
  DpopProofs,
  ENDPOINT_AUTH_METHODS,
  OAuthRequest,
  OAuthResponse,
} from '@app/oauth';
import { GRANT_HANDLERS, GrantHandler, TokenResponse } from './grants/grant-handler';
import { GrantRegistry } from './grants/grant.registry';
import { checkClientMayUseGrant } from './token-checks/check-client-may-use-grant';
import { checkSenderBinding } from './token-checks/check-sender-binding';
import { checkGrantParameters } from './token-checks/check-grant-parameters';

/** POST /oauth2/token (RFC 6749 §3.2): authenticate, pick the grant, check it, let it answer. */
@Injectable()
export class IssueTokenUseCase {
  private readonly grants: GrantRegistry;
  private readonly clientAuth: ClientAuthEndpoint;
  private readonly tokenUrl: string;

  constructor(
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly proofs: DpopProofs,
  ) {
    this.grants = new GrantRegistry(handlers);
    this.tokenUrl = config.endpoints.token;
    this.clientAuth = {
      audiences: [config.issuer, config.endpoints.token],
      // Public clients too (RFC 6749 §3.2.1); each grant says whether it serves them.
      methods: ENDPOINT_AUTH_METHODS.token,
      rateLimited: 'token',
    };
  }

  async execute(req: OAuthRequest, res: OAuthResponse): Promise<TokenResponse> {
    // RFC 9449 §8.2: when nonces are required, every answer (errors too) hands out a fresh one.
    const nonce = this.proofs.currentNonce();
    if (nonce !== undefined) res.header('dpop-nonce', nonce);
    const grantType = req.form.require('grant_type');
    const { client, federated } = await this.authenticator.authenticateCaller(req, this.clientAuth);
    const grant = this.grants.get(grantType);
    checkClientMayUseGrant(client, grant.handler);
    checkGrantParameters(grant, req.form);
    const binding = await checkSenderBinding(this.proofs, client, req, this.tokenUrl);
    return grant.handler.handle(client, req, binding, federated);
  }
}
