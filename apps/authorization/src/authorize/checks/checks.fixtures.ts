import { ClientConfig, REFRESH_TOKEN_DEFAULTS, ResourceConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { ClientRegistry } from '@app/registry';

/** Test data for the check specs: a sign-in client, two resources, a registry. */
export const ORDERS: ResourceConfig = {
  identifier: 'https://orders.example',
  scopes: ['orders:read', 'orders:write'],
  accessTokenFormat: 'jwt',
  accessTokenTtl: 900,
  signingAlg: 'ES256',
};

export const LEDGER: ResourceConfig = {
  ...{},
  ...ORDERS,
  identifier: 'https://ledger.example',
  scopes: ['ledger:read'],
};

export function signInClient(over: Partial<ClientConfig> = {}): ClientConfig {
  return {
    clientId: 'web',
    authMethod: 'client_secret_basic',
    grantTypes: ['authorization_code'],
    scopes: ['openid', 'email', 'orders:read'],
    resources: [ORDERS.identifier],
    introspects: [],
    refreshToken: REFRESH_TOKEN_DEFAULTS,
    redirectUris: ['https://rp.example/cb', 'http://127.0.0.1/native'],
    postLogoutRedirectUris: [],
    idTokenSignedResponseAlg: 'RS256',
    subjectType: 'public',
    requirePushedAuthorizationRequests: false,
    skipConsent: false,
    loginProvider: false,
    ...over,
  };
}

export const registryOf = (...clients: ClientConfig[]) =>
  new ClientRegistry({ resources: [ORDERS, LEDGER], clients, users: [] });

/** Parameters as a query string carries them. */
export const paramsOf = (
  values: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>,
) => FormParams.fromQuery(new URLSearchParams(values as Record<string, string>).toString());
