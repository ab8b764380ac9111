import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig } from '@app/config';
import { InvalidClientMetadata, isPlainObject } from '@app/oauth';
import { invalidToken, tokenRequired } from './bearer-credential';
import { SERVER_ASSIGNED_FIELDS } from './client-metadata.fields';
import { refuseAddedClientCredentials } from './client-credentials.policy';
import { clientDocumentFrom, ClientDocument } from './client-metadata.request';
import {
  CLIENT_REGISTRATIONS,
  ClientMetadataRejected,
  ClientRegistrations,
  RegisteredClientGone,
} from './client-registrations.port';
import { registrationAnswer } from './registration-answer';
import { mintRegistrationToken, tokenMatches } from './registration-credentials';
import { metadataError } from './registration-errors';

/** Compared against when the client has no registration token: the refusal costs the same. */
const NO_DIGEST = 'A'.repeat(43);

/**
 * RFC 7592: the client configuration endpoint, `GET|PUT|DELETE /oauth2/register/{client_id}`,
 * for a client registered here, with its registration access token. Any failure to present the
 * right token for a client that exists and was registered here is the same 401 `invalid_token`
 * (§2.1: an unknown client is not told apart, so ids cannot be probed).
 */
@Injectable()
export class ClientConfigurationUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(CLIENT_REGISTRATIONS) private readonly registrations: ClientRegistrations,
  ) {}

  /** RFC 7592 §2.1: the client's current metadata. */
  read(clientId: string, token: string | undefined): Record<string, unknown> {
    return registrationAnswer(this.config, this.authenticate(clientId, token).client);
  }

  /**
   * RFC 7592 §2.2: replaces every metadata value (omitted ones take their defaults) and rotates
   * the registration access token in the same change: the old one is refused from the moment
   * the change is applied. The secret is kept, unless the new method needs one the client does
   * not have (§2.2: the server may issue a new secret).
   */
  async update(
    clientId: string,
    token: string | undefined,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const { client, digest } = this.authenticate(clientId, token);
    const document = clientDocumentFrom(await this.checkedUpdate(client, body));
    refuseAddedClientCredentials(client.grantTypes, document);
    const access = mintRegistrationToken('rat');
    try {
      const updated = await this.registrations.replace(
        clientId,
        { ...{}, ...document, client_id: clientId },
        access.digest,
        digest,
      );
      return registrationAnswer(this.config, updated.client, {
        clientSecret: updated.clientSecret,
        registrationAccessToken: access.token,
      });
    } catch (e) {
      throw this.failure(e);
    }
  }

  /** RFC 7592 §2.3: the client is removed and its tokens revoked (the registry does both). */
  async remove(clientId: string, token: string | undefined): Promise<void> {
    const { digest } = this.authenticate(clientId, token);
    await this.registrations.remove(clientId, digest).catch((e: unknown) => {
      throw this.failure(e);
    });
  }

  /** The registry's refusal as RFC 7591 §3.2.2 says; a client deleted meanwhile as gone. */
  private failure(e: unknown): unknown {
    if (e instanceof ClientMetadataRejected) return metadataError(e);
    if (e instanceof RegisteredClientGone)
      return invalidToken('the registration access token is not valid for this client');
    return e;
  }

  /** The client, and the digest of the token presented (its current one: they matched). */
  private authenticate(
    clientId: string,
    token: string | undefined,
  ): { client: ClientConfig; digest: string } {
    if (token === undefined)
      throw tokenRequired('the client configuration endpoint needs the registration access token');
    const digest = this.registrations.registrationTokenDigest(clientId);
    const client = this.registrations.client(clientId);
    const matches = tokenMatches(token, digest ?? NO_DIGEST);
    if (!matches || digest === undefined || client === undefined)
      throw invalidToken('the registration access token is not valid for this client');
    return { client, digest };
  }

  /**
   * RFC 7592 §2.2: the request names the client (`client_id`, the same) and, if it sends its
   * secret, the right one; the fields the server assigns are ignored.
   */
  private async checkedUpdate(client: ClientConfig, body: unknown): Promise<ClientDocument> {
    if (!isPlainObject(body))
      throw new InvalidClientMetadata('the client metadata must be a JSON object');
    if (body.client_id !== client.clientId)
      throw new InvalidClientMetadata("client_id must be given, and be this client's");
    const secret = body.client_secret;
    const wrongSecret =
      secret !== undefined &&
      (typeof secret !== 'string' || !(await this.registrations.secretMatches(client, secret)));
    if (wrongSecret) throw new InvalidClientMetadata("client_secret is not this client's secret");
    const ignored = new Set<string>([...SERVER_ASSIGNED_FIELDS, 'client_id', 'client_secret']);
    return Object.fromEntries(Object.entries(body).filter(([k]) => !ignored.has(k)));
  }
}
