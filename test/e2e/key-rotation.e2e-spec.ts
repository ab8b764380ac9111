import { exportJWK, generateKeyPair } from 'jose';
import { AnyLifecycleEvent } from '@app/events';
import { TokenValidator } from '@app/resource-server';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { KeyRing } from '@app/tokens';
import { KeyAnnouncer } from '../../apps/issuance/src/key.announcer';
import { RESOURCES } from '../fixtures/test-registry';
import { rsClaims, rsSign } from '../support/rs-tokens';
import { startStandaloneServer, StandaloneServer } from '../support/standalone-server';

// Rotation as operators do it: a new key is published before it signs; the issuer announces it on
// the stream replicas follow, and their validators fetch the key set at once.
describe('signing-key rotation notices', () => {
  let server: StandaloneServer;
  let sut: TokenValidator;
  let jwksFetches = 0;
  const realFetch = globalThis.fetch;

  beforeAll(async () => {
    server = await startStandaloneServer();
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      if (String(input).endsWith('/oauth2/jwks')) jwksFetches++;
      return realFetch(input, init);
    }) as typeof fetch;
    sut = new TokenValidator({
      issuer: server.url,
      audience: RESOURCES.orders.identifier,
      jwksUri: `${server.url}/oauth2/jwks`,
      revocationFeed: server.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      // Far longer than the test: an unknown kid alone would not make it refetch.
      jwksMinRefreshMs: 600_000,
    });
    await sut.start();
  });

  afterAll(async () => {
    globalThis.fetch = realFetch;
    await sut?.close();
    await server?.close();
  });

  it('announces each key once at start, with key.rotated on the log', async () => {
    const announcer = server.app.get(KeyAnnouncer);
    const published = server.app
      .get(KeyRing)
      .publicJwks()
      .keys.map((k) => k.kid);
    const rotated = server
      .events()
      .filter((e): e is AnyLifecycleEvent & { type: 'key.rotated' } => e.type === 'key.rotated');
    expect(rotated.map((e) => e.data.kid).sort()).toEqual([...published].sort());
    expect(rotated.every((e) => e.data.jwks_uri === `${server.url}/oauth2/jwks`)).toBe(true);
    await expect(announcer.announceNewKeys()).resolves.toEqual([]);
  });

  it('makes validators fetch a newly published key at once, without a restart', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = 'rotated-es256-1';
    const token = await rsSign({ kid, privateKey }, rsClaims(server.url));
    const before = jwksFetches;

    // Unknown to the validator, and its refetch limit has not passed: refused.
    await expect(sut.validate({ authorization: `Bearer ${token}` })).rejects.toMatchObject({
      error: 'invalid_token',
    });
    expect(jwksFetches).toBe(before);

    // The operator publishes the key (after the signing one: published, not signing yet).
    await server.app.get(KeyRing).add({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' });
    await expect(server.app.get(KeyAnnouncer).announceNewKeys()).resolves.toEqual([kid]);

    // No token needed to trigger it: the notice alone makes the validator fetch the key set.
    const deadline = Date.now() + 2000;
    let accepted: unknown;
    while (!accepted && Date.now() < deadline) {
      accepted = await sut.validate({ authorization: `Bearer ${token}` }).catch(() => undefined);
      if (!accepted) await new Promise((r) => setTimeout(r, 5));
    }
    expect(accepted).toMatchObject({ clientId: rsClaims(server.url).clientId });
    expect(jwksFetches).toBe(before + 1);
    expect(server.events().some((e) => e.type === 'key.rotated' && e.subject === kid)).toBe(true);
  });
});
