import type { AppConfig, ClientConfig } from '@app/config';
import { clientMetadataOf } from './client-metadata.view';

/** What registration may add to a client's metadata: credentials, shown once each. */
export interface IssuedCredentials {
  /** A newly issued client secret (RFC 7591 §3.2.1); never stored but as its hash. */
  readonly clientSecret?: string;
  /** A new registration access token (RFC 7592 §1): at registration and at every update. */
  readonly registrationAccessToken?: string;
  /** Seconds: the client identifier's issue time (registration only). */
  readonly clientIdIssuedAt?: number;
}

/** RFC 7592 §1 `registration_client_uri`: the client configuration endpoint of one client. */
export const registrationClientUri = (config: AppConfig, clientId: string): string =>
  `${config.endpoints.registration}/${encodeURIComponent(clientId)}`;

/** The client information response (RFC 7591 §3.2.1, RFC 7592 §3). */
export function registrationAnswer(
  config: AppConfig,
  client: ClientConfig,
  issued: IssuedCredentials = {},
): Record<string, unknown> {
  return {
    ...{},
    ...clientMetadataOf(client),
    ...(issued.clientIdIssuedAt !== undefined
      ? { client_id_issued_at: issued.clientIdIssuedAt }
      : {}),
    // §3.2.1: REQUIRED with a secret; 0: it does not expire.
    ...(issued.clientSecret !== undefined
      ? { client_secret: issued.clientSecret, client_secret_expires_at: 0 }
      : {}),
    ...(issued.registrationAccessToken !== undefined
      ? { registration_access_token: issued.registrationAccessToken }
      : {}),
    registration_client_uri: registrationClientUri(config, client.clientId),
  };
}
