import { parseRegistryFile } from '@app/config';
import { EventFactory } from '@app/events';
import { ClientRegistry } from '@app/registry';
import { ClientAssertionVerifier } from '@app/tokens';
import { liveWebOrigins } from '../http/cross-origin';
import { ClientKeysInvalidation } from './client-keys.invalidation';

const events = new EventFactory('urn:test:registry');
const API = 'https://api.example';
const keyed = (jwksUri: string) => ({
  client_id: 'keyed',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks_uri: jwksUri,
  resources: [API],
});
const registry = () =>
  new ClientRegistry(
    parseRegistryFile({
      resources: [{ identifier: API, scopes: ['read'] }],
      clients: [keyed('https://keys.example/old')],
    }),
  );
const updated = (client: Record<string, unknown>) =>
  events.create('client.updated', String(client.client_id), `client:${client.client_id}`, {
    client_id: String(client.client_id),
    client,
  });

describe('following the registry', () => {
  it("drops a changed client's cached jwks_uri key set, and only on a client change", () => {
    const sut = registry();
    const verifier = new ClientAssertionVerifier();
    const forget = jest.spyOn(verifier, 'forget');
    const invalidation = new ClientKeysInvalidation(sut, verifier);
    sut.apply(
      events.create('resource.updated', API, `resource:${API}`, {
        identifier: API,
        resource: { identifier: API, scopes: ['read', 'write'] },
      }),
    );
    expect(forget).not.toHaveBeenCalledWith('https://keys.example/old');
    sut.apply(updated(keyed('https://keys.example/new')));
    expect(forget).toHaveBeenCalledWith('https://keys.example/old');
    invalidation.onModuleDestroy();
    forget.mockClear();
    sut.apply(updated(keyed('https://keys.example/newer')));
    expect(forget).not.toHaveBeenCalled();
  });

  it('allows the web origin of a public client registered at run time', () => {
    const sut = registry();
    const origins = liveWebOrigins(sut);
    expect(origins.has('https://spa.example')).toBe(false);
    sut.apply(
      updated({
        client_id: 'spa',
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        redirect_uris: ['https://spa.example/callback'],
        resources: [API],
      }),
    );
    expect(origins.has('https://spa.example')).toBe(true);
    sut.apply(events.create('client.deleted', 'spa', 'client:spa', { client_id: 'spa' }));
    expect(origins.has('https://spa.example')).toBe(false);
  });
});
