import { Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import { AccessTokenMinter } from '../access-token.minter';
import { GrantHandler, TokenResponse } from './grant-handler';
import { resolveResource, resolveScope } from './resource-and-scope';

/** RFC 6749 §4.4: the client acts on its own behalf; no refresh token (§4.4.3). */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';

  constructor(
    private readonly registry: ClientRegistry,
    private readonly minter: AccessTokenMinter,
  ) {}

  handle(client: ClientConfig, form: FormParams): Promise<TokenResponse> {
    const resource = resolveResource(this.registry, client, form);
    const scopes = resolveScope(client, resource, form);
    return this.minter.mint({
      client,
      resource,
      scopes,
      grantType: this.grantType,
      subject: client.clientId,
    });
  }
}
