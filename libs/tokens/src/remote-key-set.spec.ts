import { exportJWK, generateKeyPair, JWK, SignJWT } from 'jose';
import { JwtAccessTokenVerifier } from './jwt-access-token.verifier';
import { KeySetUnavailable, RemoteKeySet } from './remote-key-set';
import { CachingJwtVerifier } from './caching-jwt.verifier';

const ISSUER = 'https://issuer.example';
const AUD = 'https://api.example';

async function signer(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (claims: Record<string, unknown> = {}, exp = '5m') =>
    new SignJWT({ client_id: 'svc', scope: 'read', ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
      .setIssuer(ISSUER)
      .setSubject('svc')
      .setAudience(AUD)
      .setIssuedAt()
      .setExpirationTime(exp)
      .setJti(`${kid}-${Math.random()}`)
      .sign(privateKey);
  return { jwk, sign };
}

/** A JWKS endpoint whose key list the test controls, counting fetches. */
function jwksEndpoint(keys: JWK[]) {
  const fetch = jest.fn(async () => new Response(JSON.stringify({ keys }), { status: 200 }));
  return {
    keys,
    fetch: fetch as unknown as typeof globalThis.fetch,
    calls: () => fetch.mock.calls.length,
  };
}

describe('RemoteKeySet', () => {
  it('verifies with a fetched key and refetches at most once per interval for unknown kids', async () => {
    const a = await signer('a');
    const endpoint = jwksEndpoint([a.jwk]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 60_000,
    });
    const verifier = new JwtAccessTokenVerifier(sut, { issuer: ISSUER, audience: AUD });
    await sut.refresh();
    await expect(verifier.verify(await a.sign())).resolves.toMatchObject({ clientId: 'svc' });

    // A flood of tokens naming kids the issuer never published: no fetch storm.
    const forged = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => (await signer(`x${i}`)).sign()),
    );
    const results = await Promise.all(forged.map((t) => verifier.verify(t)));
    expect(results.every((r) => r === null)).toBe(true);
    expect(endpoint.calls()).toBe(1);
  });

  it('picks up a rotated key without a restart, and keeps the old one while published', async () => {
    const a = await signer('a');
    const b = await signer('b');
    const endpoint = jwksEndpoint([a.jwk]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 0,
    });
    const verifier = new JwtAccessTokenVerifier(sut, { issuer: ISSUER, audience: AUD });
    await sut.refresh();
    const oldToken = await a.sign();
    endpoint.keys.push(b.jwk);
    await expect(verifier.verify(await b.sign())).resolves.not.toBeNull();
    await expect(verifier.verify(oldToken)).resolves.not.toBeNull();
    expect(endpoint.calls()).toBe(2);
  });

  it('joins concurrent refreshes into one fetch', async () => {
    const endpoint = jwksEndpoint([(await signer('a')).jwk]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', { fetch: endpoint.fetch });
    await Promise.all([sut.refresh(), sut.refresh(), sut.refresh()]);
    expect(endpoint.calls()).toBe(1);
  });

  it('ignores private, encryption and disallowed-algorithm keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'p', alg: 'ES256' };
    const enc = { ...(await signer('e')).jwk, use: 'enc' };
    const hs = { kty: 'oct', k: 'c2VjcmV0', kid: 'h', alg: 'HS256' };
    const endpoint = jwksEndpoint([priv, enc, hs as JWK]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', { fetch: endpoint.fetch });
    await sut.refresh();
    expect(['p', 'e', 'h'].some((k) => sut.has(k))).toBe(false);
  });

  it('reports an unreachable key set as unavailable, not as a bad token', async () => {
    const fetch = jest.fn(async () => new Response('down', { status: 502 }));
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    await expect(sut.refresh()).rejects.toBeInstanceOf(KeySetUnavailable);
  });
});

describe('RemoteKeySet when the issuer reuses a kid for a new key', () => {
  afterEach(() => jest.useRealTimers());

  it('verifies with the new material after one refetch', async () => {
    jest.useFakeTimers({ now: Date.now() });
    const before = await signer('a');
    const after = await signer('a');
    const endpoint = jwksEndpoint([before.jwk]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 60_000,
    });
    const verifier = new JwtAccessTokenVerifier(sut, { issuer: ISSUER, audience: AUD });
    await expect(verifier.verify(await before.sign())).resolves.not.toBeNull();
    endpoint.keys.splice(0, 1, after.jwk);
    await jest.advanceTimersByTimeAsync(60_000);
    await expect(verifier.verify(await after.sign())).resolves.not.toBeNull();
    expect(endpoint.calls()).toBe(2);
    // The old material is gone with its publication.
    await expect(verifier.verify(await before.sign())).resolves.toBeNull();
  });

  it('refetches for signatures that fail under a known kid no more often than for unknown kids', async () => {
    jest.useFakeTimers({ now: Date.now() });
    const a = await signer('a');
    const endpoint = jwksEndpoint([a.jwk]);
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 60_000,
    });
    const verifier = new JwtAccessTokenVerifier(sut, { issuer: ISSUER, audience: AUD });
    await sut.refresh();
    await jest.advanceTimersByTimeAsync(60_000);
    // Forged tokens that name the published kid but are signed by other keys.
    const forged = await Promise.all(
      Array.from({ length: 50 }, async () => (await signer('a')).sign()),
    );
    for (const token of forged) await expect(verifier.verify(token)).resolves.toBeNull();
    expect(endpoint.calls()).toBe(2);
    await expect(verifier.verify(await a.sign())).resolves.not.toBeNull();
  });
});

describe('RemoteKeySet while the issuer is down', () => {
  it('asks again a second after a failed fetch, not a whole refresh interval later', async () => {
    const a = await signer('a');
    let up = false;
    const fetch = jest.fn(async () =>
      up ? new Response(JSON.stringify({ keys: [a.jwk] })) : new Response('down', { status: 503 }),
    );
    const sut = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: fetch as unknown as typeof globalThis.fetch,
      minRefreshIntervalMs: 60_000,
    });
    const verifier = new JwtAccessTokenVerifier(sut, { issuer: ISSUER, audience: AUD });
    await expect(sut.refresh()).rejects.toBeInstanceOf(KeySetUnavailable);
    up = true;
    const token = await a.sign();
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 500);
    try {
      await expect(verifier.verify(token)).resolves.toBeNull(); // too soon: no fetch
      clock.mockReturnValue(now + 1100);
      await expect(verifier.verify(token)).resolves.not.toBeNull();
    } finally {
      clock.mockRestore();
    }
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});

describe('CachingJwtVerifier', () => {
  it('skips the signature check for a token seen before, but never past its expiry', async () => {
    const a = await signer('a');
    const endpoint = jwksEndpoint([a.jwk]);
    const keys = new RemoteKeySet('https://issuer.example/jwks', { fetch: endpoint.fetch });
    await keys.refresh();
    const inner = new JwtAccessTokenVerifier(keys, { issuer: ISSUER, audience: AUD });
    const spy = jest.spyOn(inner, 'verifyWithKey');
    const sut = new CachingJwtVerifier(inner, (kid) => keys.has(kid), 0);
    const token = await a.sign({}, '2s');
    await sut.verify(token);
    await sut.verify(token);
    expect(spy).toHaveBeenCalledTimes(1);
    jest.useFakeTimers({ now: Date.now() + 5000 });
    try {
      await expect(sut.verify(token)).resolves.toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('checks again once the signing key is withdrawn', async () => {
    const a = await signer('a');
    const endpoint = jwksEndpoint([a.jwk]);
    const keys = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 0,
    });
    await keys.refresh();
    const inner = new JwtAccessTokenVerifier(keys, { issuer: ISSUER, audience: AUD });
    const sut = new CachingJwtVerifier(inner, (kid) => keys.has(kid), 0);
    const token = await a.sign();
    await expect(sut.verify(token)).resolves.not.toBeNull();
    endpoint.keys.length = 0;
    await keys.refresh();
    await expect(sut.verify(token)).resolves.toBeNull();
  });

  it('checks again once the key behind its kid is replaced by new material', async () => {
    const before = await signer('a');
    const endpoint = jwksEndpoint([before.jwk]);
    const keys = new RemoteKeySet('https://issuer.example/jwks', {
      fetch: endpoint.fetch,
      minRefreshIntervalMs: 0,
    });
    await keys.refresh();
    const inner = new JwtAccessTokenVerifier(keys, { issuer: ISSUER, audience: AUD });
    const sut = new CachingJwtVerifier(inner, (kid, key) => keys.holds(kid, key), 0);
    const token = await before.sign();
    await expect(sut.verify(token)).resolves.not.toBeNull();
    endpoint.keys.splice(0, 1, (await signer('a')).jwk);
    await keys.refresh();
    await expect(sut.verify(token)).resolves.toBeNull();
  });
});
