import { exportJWK, generateKeyPair, JWK, JWTHeaderParameters, KeyLike } from 'jose';
import { CachedJwks, KeySetUnavailable } from './cached-jwks';

const URI = 'https://client.example/jwks';
const ES256 = ['ES256'];

async function publicJwk(kid?: string, extra: Partial<JWK> = {}): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), ...(kid === undefined ? {} : { kid }), ...extra };
}

/** A JWKS endpoint the test controls: its keys, whether it is up, and how often it was asked. */
function endpoint(keys: JWK[] = []) {
  const state = { keys, up: true, calls: 0 };
  const fetch = jest.fn(async () => {
    state.calls++;
    if (!state.up) throw new TypeError('fetch failed');
    return new Response(JSON.stringify({ keys: state.keys }));
  });
  return Object.assign(state, { fetch: fetch as unknown as typeof globalThis.fetch });
}

const header = (kid?: string): JWTHeaderParameters => ({
  alg: 'ES256',
  ...(kid === undefined ? {} : { kid }),
});

describe('CachedJwks', () => {
  afterEach(() => jest.useRealTimers());

  describe('a failing jwks_uri', () => {
    it('is asked again only after an exponential back-off, not on every request', async () => {
      jest.useFakeTimers();
      const ep = endpoint();
      ep.up = false;
      const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch });
      const lookup = () => sut.verificationKey(header('a')).catch((e: unknown) => e);

      await expect(lookup()).resolves.toBeInstanceOf(KeySetUnavailable);
      for (let i = 0; i < 20; i++) await expect(lookup()).resolves.toBeUndefined();
      expect(ep.calls).toBe(1);

      await jest.advanceTimersByTimeAsync(999);
      await lookup();
      expect(ep.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      await expect(lookup()).resolves.toBeInstanceOf(KeySetUnavailable);
      expect(ep.calls).toBe(2);

      // The second failure doubles the wait: 2 s.
      await jest.advanceTimersByTimeAsync(1999);
      await lookup();
      expect(ep.calls).toBe(2);
      await jest.advanceTimersByTimeAsync(1);
      await lookup();
      expect(ep.calls).toBe(3);
    });

    it('caps the back-off and starts over once the URI answers again', async () => {
      jest.useFakeTimers();
      const key = await publicJwk('a');
      const ep = endpoint([key]);
      ep.up = false;
      const sut = new CachedJwks(URI, {
        algorithms: ES256,
        fetch: ep.fetch,
        backoff: { initialMs: 1000, maxMs: 4000 },
      });
      const lookup = () => sut.verificationKey(header('a')).catch(() => undefined);
      await lookup(); // fails: 1 s
      for (const wait of [1000, 2000, 4000, 4000]) {
        await jest.advanceTimersByTimeAsync(wait);
        await lookup();
      }
      expect(ep.calls).toBe(5);
      ep.up = true;
      await jest.advanceTimersByTimeAsync(4000);
      await expect(lookup()).resolves.toBeDefined();
      expect(ep.calls).toBe(6);
    });
  });

  describe('time to live', () => {
    it('uses a fetched set until its TTL, then fetches it again', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch, ttlMs: 60_000 });
      await expect(sut.verificationKey(header('a'))).resolves.toBeDefined();
      await jest.advanceTimersByTimeAsync(59_999);
      await sut.verificationKey(header('a'));
      expect(ep.calls).toBe(1);
      await jest.advanceTimersByTimeAsync(1);
      await sut.verificationKey(header('a'));
      expect(ep.calls).toBe(2);
    });

    it('without a stale allowance, drops an expired set whose refresh fails', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch, ttlMs: 60_000 });
      await sut.verificationKey(header('a'));
      ep.up = false;
      await jest.advanceTimersByTimeAsync(60_000);
      await expect(sut.verificationKey(header('a'))).rejects.toBeInstanceOf(KeySetUnavailable);
      await expect(sut.verificationKey(header('a'))).resolves.toBeUndefined();
      expect(sut.has('a')).toBe(false);
    });

    it('with a stale allowance, keeps the expired set while it refreshes in the background', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, {
        algorithms: ES256,
        fetch: ep.fetch,
        ttlMs: 60_000,
        staleMs: Number.POSITIVE_INFINITY,
      });
      const key = await sut.verificationKey(header('a'));
      ep.up = false;
      await jest.advanceTimersByTimeAsync(60_000);
      await expect(sut.verificationKey(header('a'))).resolves.toBe(key);
      await jest.advanceTimersByTimeAsync(0);
      expect(ep.calls).toBe(2);
    });
  });

  describe('unknown kids', () => {
    it('refetch at most once per minimum interval, one fetch at a time', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, {
        algorithms: ES256,
        fetch: ep.fetch,
        minRefreshIntervalMs: 30_000,
      });
      await sut.verificationKey(header('a'));
      await jest.advanceTimersByTimeAsync(30_000);
      const flood = await Promise.all(
        Array.from({ length: 50 }, (_, i) => sut.verificationKey(header(`forged-${i}`))),
      );
      expect(flood.every((k) => k === undefined)).toBe(true);
      expect(ep.calls).toBe(2);
    });
  });

  describe('a kid reused for new key material', () => {
    it('answers the new key after a refetch, and no longer holds the old one', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch });
      const old = (await sut.verificationKey(header('a')))!;
      await jest.advanceTimersByTimeAsync(30_000);
      ep.keys = [await publicJwk('a')];
      // The old entry is what the set holds until it is asked to look again.
      await expect(sut.verificationKey(header('a'))).resolves.toBe(old);
      const replacement = await sut.replacementKey(header('a'), old);
      expect(replacement).toBeDefined();
      expect(replacement).not.toBe(old);
      expect(sut.holds('a', old)).toBe(false);
      expect(sut.holds('a', replacement!)).toBe(true);
    });

    it('keeps the imported key of a kid whose material did not change', async () => {
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, {
        algorithms: ES256,
        fetch: ep.fetch,
        minRefreshIntervalMs: 0,
      });
      const key = (await sut.verificationKey(header('a')))!;
      await sut.refresh();
      await expect(sut.verificationKey(header('a'))).resolves.toBe(key);
      expect(sut.holds('a', key)).toBe(true);
      await expect(sut.replacementKey(header('a'), key)).resolves.toBeUndefined();
      expect(ep.calls).toBe(3);
    });

    it('looks again for a replacement no more often than for an unknown kid', async () => {
      jest.useFakeTimers();
      const ep = endpoint([await publicJwk('a')]);
      const sut = new CachedJwks(URI, {
        algorithms: ES256,
        fetch: ep.fetch,
        minRefreshIntervalMs: 30_000,
      });
      const key = (await sut.verificationKey(header('a')))!;
      await jest.advanceTimersByTimeAsync(30_000);
      for (let i = 0; i < 20; i++) await sut.replacementKey(header('a'), key);
      expect(ep.calls).toBe(2);
    });
  });

  describe('which keys count', () => {
    it('only public signing keys of allowed algorithms', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const { publicKey: rsa } = await generateKeyPair('RS256', { extractable: true });
      const ep = endpoint([
        { ...(await exportJWK(privateKey)), kid: 'private' },
        await publicJwk('enc', { use: 'enc' }),
        await publicJwk('wrap', { key_ops: ['wrapKey'] }),
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac', alg: 'HS256' },
        { ...(await exportJWK(rsa)), kid: 'rsa' },
        await publicJwk('ok', { use: 'sig', key_ops: ['verify'] }),
      ]);
      const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch });
      await sut.refresh();
      expect(['private', 'enc', 'wrap', 'hmac', 'rsa'].filter((k) => sut.has(k))).toEqual([]);
      expect(sut.has('ok')).toBe(true);
      const rsaHeader = { alg: 'RS256', kid: 'rsa' };
      await expect(sut.verificationKey(rsaHeader)).resolves.toBeUndefined();
    });

    it("insists on the header's alg being the key's own", async () => {
      const ep = endpoint([await publicJwk('a', { alg: 'ES256' })]);
      const sut = new CachedJwks(URI, { algorithms: ['ES256', 'ES384'], fetch: ep.fetch });
      await expect(sut.verificationKey({ alg: 'ES384', kid: 'a' })).resolves.toBeUndefined();
      await expect(sut.verificationKey({ alg: 'ES256', kid: 'a' })).resolves.toBeDefined();
    });

    it('without a kid, only a key the header singles out', async () => {
      const one = endpoint([await publicJwk()]);
      const single = new CachedJwks(URI, { algorithms: ES256, fetch: one.fetch });
      await expect(single.verificationKey(header())).resolves.toBeDefined();
      const two = endpoint([await publicJwk(), await publicJwk()]);
      const ambiguous = new CachedJwks(URI, { algorithms: ES256, fetch: two.fetch });
      await expect(ambiguous.verificationKey(header())).resolves.toBeUndefined();
    });
  });

  it('identifies keys by value, not by the KeyLike a caller holds', async () => {
    const ep = endpoint([await publicJwk('a')]);
    const sut = new CachedJwks(URI, { algorithms: ES256, fetch: ep.fetch });
    await sut.refresh();
    const stranger = (await generateKeyPair('ES256')).publicKey as KeyLike;
    expect(sut.holds('a', stranger)).toBe(false);
  });
});
