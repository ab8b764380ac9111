import { Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { OAuthRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { AccessTokenMinter } from '../access-token.minter';
import type { FederatedCredentialUse } from '@app/projection';
import { GrantHandler, SenderBinding, TokenResponse } from './grant-handler';
import { resolveResource, resolveScope } from './resource-and-scope';

/** RFC 6749 §4.4: the client acts on its own behalf; no refresh token (§4.4.3). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';
  readonly parameters = { scope: 'optional', resource: 'repeatable' } as const;
  /** RFC 6749 §4.4: "MUST only be used by confidential clients". */
  readonly publicClients = false;

  constructor(
    private readonly registry: ClientRegistry,
    private readonly minter: AccessTokenMinter,
  ) {}

  handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding: SenderBinding = {},
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse> {
    const resource = resolveResource(this.registry, client, req.form);
    const scopes = resolveScope(client, resource, req.form);
    return this.minter.mint({
      client,
      resource,
      scopes,
      grantType: this.grantType,
      subject: client.clientId,
      confirmation: binding.confirmation,
      federated,
    });
  }
}
