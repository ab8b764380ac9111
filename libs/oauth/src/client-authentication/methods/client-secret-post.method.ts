import { Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler } from '../client-auth-method';
import { secretRecognised, secretVerified } from '../client-secret.check';

type Post = { readonly method: 'client_secret_post'; clientId: string; secret: string };

/** RFC 6749 §2.3.1: `client_id` and `client_secret` in the form body. */
@Injectable()
export class ClientSecretPostMethod implements ClientAuthMethodHandler<Post> {
  readonly method = 'client_secret_post';
  readonly presentsCredentials = true;
  readonly usesAuthorizationHeader = false;
  readonly throttled = true;

  constructor(private readonly registry: ClientRegistry) {}

  isPresentedIn(req: OAuthRequest): boolean {
    return req.form.has('client_secret');
  }

  read(req: OAuthRequest): Post {
    return {
      method: this.method,
      clientId: req.form.require('client_id'),
      secret: req.form.require('client_secret'),
    };
  }

  recognises(client: ClientConfig, presented: Post): boolean {
    return secretRecognised(this.registry, client, this.method, presented.secret);
  }

  verify(client: ClientConfig | undefined, presented: Post): Promise<boolean> {
    return secretVerified(this.registry, client, this.method, presented);
  }
}
