import { Inject, Injectable } from '@nestjs/common';
import { ClientConfig } from '@app/config';
import { RedisKeys, REPLAY_STORE, ReplayStore } from '@app/store';
import { AssertionRejected, assertionSubject, ClientAssertionVerifier } from '@app/tokens';
import { InvalidRequest } from '../../errors';
import { OAuthRequest } from '../../http/oauth-request';
import { ClientAuthMethodHandler, ClientAuthVerdict } from '../client-auth-method';
import { FederatedCredentialCheck } from './federated-credential.check';

export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type Jwt = { readonly method: 'private_key_jwt'; clientId?: string; assertion: string };

/**
 * RFC 7523 §2.2 and §3: a JWT signed with one of the client's registered keys. Refusals are not
 * evened out as a secret's are: checking an assertion costs a signature verification (tens of
 * µs, lost in network jitter), not a scrypt, and a client's keys may be fetched from its
 * jwks_uri. They are throttled, for that fetch and that signature.
 *
 * A client with `federated_credentials` may instead present a token its platform signed
 * (RFC 7523 §2.2, FederatedCredentialCheck): the assertion's `iss` says which applies.
 */
@Injectable()
export class PrivateKeyJwtMethod implements ClientAuthMethodHandler<Jwt> {
  readonly method = 'private_key_jwt';
  readonly presentsCredentials = true;
  readonly usesAuthorizationHeader = false;
  readonly throttled = true;

  constructor(
    private readonly assertions: ClientAssertionVerifier,
    @Inject(REPLAY_STORE) private readonly replays: ReplayStore,
    private readonly federated: FederatedCredentialCheck,
  ) {}

  /** Naming an assertion type alone tries this method too (and is refused as incomplete). */
  isPresentedIn(req: OAuthRequest): boolean {
    return req.form.has('client_assertion') || req.form.has('client_assertion_type');
  }

  /**
   * RFC 7523 §3: `client_id` is optional; the assertion's `sub` names the client. With a
   * federated credential the `sub` is the workload's name at its platform, so the client must
   * name itself with `client_id` (RFC 7521 §4.2), as Microsoft's token endpoint requires.
   */
  read(req: OAuthRequest): Jwt {
    if (req.form.get('client_assertion_type') !== JWT_BEARER_ASSERTION)
      throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
    const assertion = req.form.require('client_assertion');
    const clientId = req.form.get('client_id') ?? assertionSubject(assertion);
    return { method: this.method, clientId, assertion };
  }

  /** A signature is always checked: nothing is recognised without it. */
  recognises(): boolean {
    return false;
  }

  async verify(
    client: ClientConfig | undefined,
    presented: Jwt,
    audiences: readonly string[],
  ): Promise<ClientAuthVerdict> {
    if (client?.authMethod !== this.method) return false;
    const credentials = this.federated.credentialsFor(client, presented.assertion);
    if (credentials !== undefined) {
      const identity = await this.federated.verify(credentials, presented.assertion);
      return identity === undefined ? false : { federated: identity };
    }
    // A client registered with federated credentials alone has no keys of its own.
    if (client.jwks === undefined && client.jwksUri === undefined) return false;
    try {
      const { jti, replayUntil } = await this.assertions.verify(
        presented.assertion,
        client,
        audiences,
      );
      // RFC 7523 §3 item 7: single-use for as long as it can be accepted (exp + clock tolerance).
      return await this.replays.claimOnce(
        RedisKeys.assertionJti(client.clientId, jti),
        replayUntil,
      );
    } catch (e) {
      if (e instanceof AssertionRejected) return false;
      throw e;
    }
  }
}
