import { Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler } from '../client-auth-method';

type NoCredentials = { readonly method: 'none'; clientId: string };

/**
 * A public client (RFC 6749 §2.1) cannot keep a secret, so it does not authenticate: it names
 * itself with `client_id` in the body (§3.2.1) and the endpoint decides what that may get it
 * (ENDPOINT_AUTH_METHODS). Nothing costly is checked, so refusals are not throttled: a client
 * registered with credentials that sends its id alone is refused at once, and counts for
 * nothing (no secret was guessed).
 */
@Injectable()
export class NoneMethod implements ClientAuthMethodHandler<NoCredentials> {
  readonly method = 'none';
  readonly presentsCredentials = false;
  readonly usesAuthorizationHeader = false;
  readonly throttled = false;

  isPresentedIn(req: OAuthRequest): boolean {
    return req.form.has('client_id');
  }

  read(req: OAuthRequest): NoCredentials {
    return { method: this.method, clientId: req.form.require('client_id') };
  }

  recognises(client: ClientConfig): boolean {
    return client.authMethod === this.method;
  }

  async verify(client: ClientConfig | undefined): Promise<boolean> {
    return client?.authMethod === this.method;
  }
}
