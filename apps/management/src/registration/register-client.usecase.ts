import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { INITIAL_ACCESS_TOKEN_STORE, InitialAccessTokenStore } from '@app/store';
import { invalidToken, tokenRequired } from './bearer-credential';
import { refuseAnonymousClientCredentials } from './client-credentials.policy';
import { clientDocumentFrom } from './client-metadata.request';
import {
  CLIENT_REGISTRATIONS,
  ClientMetadataRejected,
  ClientRegistrations,
} from './client-registrations.port';
import { registrationAnswer } from './registration-answer';
import {
  mintRegistrationToken,
  newClientId,
  registrationTokenDigest,
} from './registration-credentials';
import { metadataError } from './registration-errors';

/**
 * RFC 7591 §3: `POST /oauth2/register`. The caller presents an initial access token (§3, issued
 * by the admin API), or none when an operator opened registration (OPEN_REGISTRATION). Named
 * steps: authorize, read the metadata (400 before anything is spent), spend one use of the
 * token, assign the identifiers, write through the registry (acknowledged by its log), answer
 * 201 with the credentials shown this once.
 */
@Injectable()
export class RegisterClientUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INITIAL_ACCESS_TOKEN_STORE) private readonly initialTokens: InitialAccessTokenStore,
    @Inject(CLIENT_REGISTRATIONS) private readonly registrations: ClientRegistrations,
  ) {}

  async execute(initialToken: string | undefined, body: unknown): Promise<Record<string, unknown>> {
    const digest = await this.authorize(initialToken);
    const document = clientDocumentFrom(body);
    if (digest === undefined) refuseAnonymousClientCredentials(document);
    if (digest !== undefined && !(await this.initialTokens.spend(digest)))
      throw invalidToken('the initial access token is unknown, expired or spent');
    try {
      return await this.register(document);
    } catch (e) {
      // A registration that did not happen gives its use back (nothing lost to a typo).
      if (digest !== undefined) await this.initialTokens.refund(digest);
      throw e instanceof ClientMetadataRejected ? metadataError(e) : e;
    }
  }

  /** The initial access token's digest, or undefined for an open registration. */
  private async authorize(token: string | undefined): Promise<string | undefined> {
    if (token === undefined) {
      if (this.config.registration.open) return undefined;
      throw tokenRequired('registration needs an initial access token (RFC 7591 §3)');
    }
    const digest = registrationTokenDigest(token);
    const state = await this.initialTokens.find(digest);
    if (!state || state.remaining <= 0)
      throw invalidToken('the initial access token is unknown, expired or spent');
    return digest;
  }

  /** The registry generates a secret for a secret method, kept only as its hash. */
  private async register(
    document: Readonly<Record<string, unknown>>,
  ): Promise<Record<string, unknown>> {
    const access = mintRegistrationToken('rat');
    const { client, clientSecret } = await this.registrations.create(
      { ...{}, ...document, client_id: newClientId() },
      access.digest,
    );
    return registrationAnswer(this.config, client, {
      clientSecret,
      registrationAccessToken: access.token,
      clientIdIssuedAt: Math.floor(Date.now() / 1000),
    });
  }
}
