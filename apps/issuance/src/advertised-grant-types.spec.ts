import { AppConfig, ClientConfig, TOKEN_EXCHANGE } from '@app/config';
import { advertisedGrantTypes } from './advertised-grant-types';

const config = (clients: Partial<ClientConfig>[]) =>
  ({ registry: { clients, resources: [], users: [] } }) as unknown as AppConfig;
const implemented = ['client_credentials', 'refresh_token', TOKEN_EXCHANGE];

describe('advertisedGrantTypes (RFC 8414 §2)', () => {
  it('advertises the token exchange only while a client is registered for it', () => {
    expect(
      advertisedGrantTypes(config([{ grantTypes: ['client_credentials'] }]), implemented),
    ).toEqual(['client_credentials', 'refresh_token']);
    expect(advertisedGrantTypes(config([{ grantTypes: [TOKEN_EXCHANGE] }]), implemented)).toEqual(
      implemented,
    );
  });
});
