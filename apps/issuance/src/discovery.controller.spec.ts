import { AppConfig, parseRegistryFile } from '@app/config';
import { EventFactory } from '@app/events';
import { ClientRegistry } from '@app/registry';
import { KeyRing } from '@app/tokens';
import { DiscoveryController } from './discovery.controller';
import { GrantHandler } from './grants/grant-handler';

const events = new EventFactory('urn:test:registry-writer');
const API = 'https://api.example';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const grants = [
  { grantType: 'client_credentials' },
  { grantType: EXCHANGE, advertisedWhenRegistered: true },
] as unknown as GrantHandler[];
const config = {
  issuer: 'https://as.example',
  endpoints: {},
  mtls: { trustedProxies: [] },
} as unknown as AppConfig;

describe('DiscoveryController following the registry', () => {
  it('lists the scopes and grant types registered at run time, from the next request on', async () => {
    const registry = new ClientRegistry(
      parseRegistryFile({ resources: [{ identifier: API, scopes: ['read'] }], clients: [] }),
    );
    const sut = new DiscoveryController(config, grants, await KeyRing.generate(), registry);
    const before = sut.wellKnown();
    expect(before.scopes_supported).toContain('read');
    expect(before.grant_types_supported).toEqual(['client_credentials']);
    registry.apply(
      events.create('resource.updated', API, `resource:${API}`, {
        identifier: API,
        resource: { identifier: API, scopes: ['read', 'write'] },
      }),
    );
    registry.apply(
      events.create('client.registered', 'exchanger', 'client:exchanger', {
        client_id: 'exchanger',
        client: {
          client_id: 'exchanger',
          client_secret_hash:
            '$scrypt$ln=14,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U',
          grant_types: [EXCHANGE],
          scope: 'write',
          resources: [API],
          token_exchange: { audiences: [API], delegation: true },
        },
      }),
    );
    const after = sut.wellKnown();
    expect(after.scopes_supported).toContain('write');
    expect(after.grant_types_supported).toEqual(['client_credentials', EXCHANGE]);
  });
});
