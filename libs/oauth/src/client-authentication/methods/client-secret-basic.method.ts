import { Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { ClientRegistry } from '@app/registry';
import { InvalidClient } from '../../errors';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler } from '../client-auth-method';
import { secretRecognised, secretVerified } from '../client-secret.check';

type Basic = { readonly method: 'client_secret_basic'; clientId: string; secret: string };

const BASIC_SCHEME = /^Basic\b/i;
const BASIC_CREDENTIALS = /^Basic +(\S+)\s*$/i;

/** RFC 6749 §2.3.1: id and secret in the Authorization header, HTTP Basic. */
@Injectable()
export class ClientSecretBasicMethod implements ClientAuthMethodHandler<Basic> {
  readonly method = 'client_secret_basic';
  readonly presentsCredentials = true;
  readonly usesAuthorizationHeader = true;
  readonly throttled = true;

  constructor(private readonly registry: ClientRegistry) {}

  /** Another scheme in the header (a bearer or DPoP token) is not client authentication. */
  isPresentedIn(req: OAuthRequest): boolean {
    return req.authorization !== undefined && BASIC_SCHEME.test(req.authorization);
  }

  /** RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and encoded. */
  read(req: OAuthRequest): Basic {
    const encoded = req.authorization?.match(BASIC_CREDENTIALS)?.[1];
    const decoded = encoded === undefined ? '' : Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 1) throw malformed();
    let clientId: string;
    let secret: string;
    try {
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw malformed();
    }
    const formClientId = req.form.get('client_id');
    if (formClientId !== undefined && formClientId !== clientId)
      throw new InvalidClient('client_id does not match the authenticated client', true);
    return { method: this.method, clientId, secret };
  }

  recognises(client: ClientConfig, presented: Basic): boolean {
    return secretRecognised(this.registry, client, this.method, presented.secret);
  }

  verify(client: ClientConfig | undefined, presented: Basic): Promise<boolean> {
    return secretVerified(this.registry, client, this.method, presented);
  }
}

function malformed(): InvalidClient {
  return new InvalidClient('malformed HTTP Basic credentials', true);
}

function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}
