import { ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { GrantHandler } from '../grants/grant-handler';
import { checkClientMayUseGrant } from './check-client-may-use-grant';

const client = (authMethod: ClientConfig['authMethod'], grantTypes: string[]): ClientConfig => ({
  clientId: 'c',
  authMethod,
  grantTypes,
  scopes: [],
  resources: [],
  introspects: [],
  ...SIGN_IN_DEFAULTS,
});
const grant = (grantType: string, publicClients: boolean): GrantHandler => ({
  grantType,
  parameters: {},
  publicClients,
  handle: jest.fn(),
});
const CONFIDENTIAL_ONLY = grant('client_credentials', false);
const FOR_ANY_CLIENT = grant('urn:example:for-anyone', true);

describe('checkClientMayUseGrant', () => {
  const sut = checkClientMayUseGrant;

  it('lets a client use a grant it is registered for', () => {
    expect(() =>
      sut(client('client_secret_basic', ['client_credentials']), CONFIDENTIAL_ONLY),
    ).not.toThrow();
    expect(() => sut(client('none', [FOR_ANY_CLIENT.grantType]), FOR_ANY_CLIENT)).not.toThrow();
  });

  it('refuses a grant the client is not registered for: unauthorized_client', () => {
    expect(() => sut(client('client_secret_basic', []), CONFIDENTIAL_ONLY)).toThrow(
      expect.objectContaining({ error: 'unauthorized_client' }),
    );
  });

  it('refuses a public client a grant for confidential clients, even when registered for it (RFC 6749 §4.4)', () => {
    expect(() => sut(client('none', ['client_credentials']), CONFIDENTIAL_ONLY)).toThrow(
      expect.objectContaining({
        error: 'unauthorized_client',
        description: 'a public client may not use the client_credentials grant',
      }),
    );
  });
});
