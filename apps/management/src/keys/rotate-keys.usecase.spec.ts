import { randomBytes } from 'node:crypto';
import { AppConfig } from '@app/config';
import { EventFactory, MemoryEventBus } from '@app/events';
import { InvalidRequest } from '@app/oauth';
import { KeyRingSync, KeyStepAnnouncer } from '@app/platform';
import { MemoryRevocationStore, MemorySigningKeyStore } from '@app/store';
import { KeyRing } from '@app/tokens';
import { RotateKeysUseCase } from './rotate-keys.usecase';

const configWith = (production: boolean, kek?: Buffer) =>
  ({
    production,
    maxTokenTtl: 60,
    signIn: { idTokenTtl: 60 },
    signingKeys: { prepublicationSeconds: 30, ...(kek ? { kek } : {}) },
    endpoints: { jwks: 'https://as.example.com/oauth2/jwks' },
  }) as unknown as AppConfig;

async function setUp(config: AppConfig) {
  const ring = await KeyRing.generate(['ES256', 'RS256']);
  const store = new MemorySigningKeyStore();
  const bus = new MemoryEventBus();
  const announcer = new KeyStepAnnouncer(
    config,
    store,
    new MemoryRevocationStore(),
    bus,
    new EventFactory('urn:test'),
  );
  const sync = new KeyRingSync(config, ring, store, bus, announcer);
  return { ring, store, bus, sut: new RotateKeysUseCase(config, ring, store, sync, announcer) };
}

describe('RotateKeysUseCase', () => {
  it('makes one key per algorithm in use, published now, signing after the delay', async () => {
    const { ring, store, bus, sut } = await setUp(configWith(false));
    const before = Date.now();
    const answer = await sut.execute({});
    expect(answer.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    for (const key of answer.keys) {
      expect(key.status).toBe('published');
      expect(key.activate_at! - key.created_at!).toBe(30_000);
      expect(key.created_at).toBeGreaterThanOrEqual(before);
      expect(ring.has(key.kid)).toBe(true);
      expect(ring.signingKey(key.alg as 'ES256').kid).not.toBe(key.kid);
    }
    expect((await store.list()).map((k) => k.kid).sort()).toEqual(
      answer.keys.map((k) => k.kid).sort(),
    );
    expect(bus.events().map((e) => e.type)).toEqual(['key.rotated', 'key.rotated']);
  });

  it('refuses to store a key unsealed in production, making nothing', async () => {
    const { store, bus, sut } = await setUp(configWith(true));
    await expect(sut.execute({ alg: 'ES256' })).rejects.toThrow(InvalidRequest);
    await expect(sut.execute({ alg: 'ES256' })).rejects.toThrow(/needs KEYS_KEK/);
    await expect(store.list()).resolves.toEqual([]);
    expect(bus.events()).toEqual([]);
    const sealed = await setUp(configWith(true, randomBytes(32)));
    await expect(sealed.sut.execute({ alg: 'ES256' })).resolves.toMatchObject({
      keys: [{ alg: 'ES256', status: 'published' }],
    });
  });

  it('takes the key back when its event cannot be written', async () => {
    const { ring, store, bus, sut } = await setUp(configWith(false));
    jest.spyOn(bus, 'publish').mockRejectedValue(new Error('log down'));
    const jwks = ring.publicJwks().keys.map((k) => k.kid);
    await expect(sut.execute({ alg: 'ES256' })).rejects.toThrow('log down');
    await expect(store.list()).resolves.toEqual([]);
    expect(ring.publicJwks().keys.map((k) => k.kid)).toEqual(jwks);
  });
});
