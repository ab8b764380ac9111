import { exportJWK, generateKeyPair, JWK, KeyLike, SignJWT } from 'jose';
import { TrustedIssuerConfig } from '@app/config';
import { FederatedJwtRejected, FederatedJwtVerifier } from './federated-jwt.verifier';

const ISSUER = 'https://ci.example';
const AS = 'https://as.example';
const OTHER = 'https://other-ci.example';

interface Key {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly jwk: JWK;
}
async function key(kid: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

/** An external issuer reached through an injected fetch: no I/O in the unit tier. */
function remote(published: Key[], discovery: Record<string, unknown> = {}) {
  const requests: string[] = [];
  const fetch = jest.fn(async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    if (url === `${ISSUER}/.well-known/openid-configuration`)
      return Response.json({ issuer: ISSUER, jwks_uri: `${ISSUER}/jwks`, ...discovery });
    if (url === `${ISSUER}/jwks`) return Response.json({ keys: published.map((k) => k.jwk) });
    return new Response(null, { status: 404 });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

const trusted = (over: Partial<TrustedIssuerConfig> = {}): TrustedIssuerConfig => ({
  issuer: ISSUER,
  allowedAlgs: ['ES256', 'RS256'],
  maxTokenLifetime: 300,
  ...over,
});

const expected = { issuers: [ISSUER], audiences: [AS] };

describe('FederatedJwtVerifier', () => {
  let current: Key;
  let net: ReturnType<typeof remote>;
  let sut: FederatedJwtVerifier;

  const sign = (claims: Record<string, unknown> = {}, k: Key = current, alg = 'ES256') => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: ISSUER,
      sub: 'repo:org/app:ref:refs/heads/main',
      aud: AS,
      iat: now,
      exp: now + 120,
      jti: 'j-1',
      ...claims,
    })
      .setProtectedHeader({ alg, kid: k.kid })
      .sign(k.privateKey);
  };
  const reason = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e) => (e instanceof FederatedJwtRejected ? e.reason : `threw ${String(e)}`),
    );

  afterEach(() => jest.useRealTimers());

  beforeEach(async () => {
    current = await key('k1');
    net = remote([current]);
    sut = new FederatedJwtVerifier([trusted()], { http: 'refuse', fetch: net.fetch });
  });

  it('verifies a token with the keys its discovery document names: issuer, subject, claims', async () => {
    const token = await sut.verify(await sign({ repository: 'org/app' }), expected);
    expect(token).toMatchObject({
      issuer: ISSUER,
      subject: 'repo:org/app:ref:refs/heads/main',
      audience: AS,
      jti: 'j-1',
    });
    expect(token.claims.repository).toBe('org/app');
    expect(net.requests).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/jwks`]);
    // Cached: a second token costs no request.
    await sut.verify(await sign({ jti: 'j-2' }), expected);
    expect(net.requests).toHaveLength(2);
  });

  it('reads a one-element aud array (Kubernetes) as that audience; refuses a second audience', async () => {
    await expect(sut.verify(await sign({ aud: [AS] }), expected)).resolves.toMatchObject({
      audience: AS,
    });
    expect(
      await reason(sut.verify(await sign({ aud: [AS, 'https://api.example'] }), expected)),
    ).toMatch(/aud/);
    expect(await reason(sut.verify(await sign({ aud: 'https://api.example' }), expected))).toMatch(
      /aud/,
    );
  });

  it('refuses an issuer that is not trusted, or not acceptable here, before any request', async () => {
    const other = await new SignJWT({ iss: OTHER, sub: 's', aud: AS, exp: 2e9 })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .sign(current.privateKey);
    expect(await reason(sut.verify(other, expected))).toBe('issuer_not_trusted');
    expect(await reason(sut.verify(await sign(), { issuers: [OTHER], audiences: [AS] }))).toBe(
      'issuer_not_trusted',
    );
    expect(await reason(sut.verify('not-a-jwt', expected))).toBe('issuer_not_trusted');
    expect(net.fetch).not.toHaveBeenCalled();
  });

  it('refuses alg none and HMAC whatever the keys, before fetching them', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const none = `${b64({ alg: 'none' })}.${b64({ iss: ISSUER, sub: 's', aud: AS, exp: 2e9 })}.`;
    expect(await reason(sut.verify(none, expected))).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    const hs = await new SignJWT({ iss: ISSUER, sub: 's', aud: AS, exp: 2e9 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'));
    expect(await reason(sut.verify(hs, expected))).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
    expect(net.fetch).not.toHaveBeenCalled();
  });

  it('refuses an algorithm the issuer does not allow', async () => {
    sut = new FederatedJwtVerifier([trusted({ allowedAlgs: ['RS256'] })], {
      http: 'refuse',
      fetch: net.fetch,
    });
    expect(await reason(sut.verify(await sign(), expected))).toBe('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it('requires sub, aud and exp; refuses an expired token and one living past the bound', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await reason(sut.verify(await sign({ exp: undefined }), expected))).toBe(
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
    expect(await reason(sut.verify(await sign({ sub: undefined }), expected))).toBe(
      'ERR_JWT_CLAIM_VALIDATION_FAILED',
    );
    expect(await reason(sut.verify(await sign({ exp: now - 60 }), expected))).toBe(
      'ERR_JWT_EXPIRED',
    );
    expect(await reason(sut.verify(await sign({ exp: now + 3600 }), expected))).toMatch(
      /exp is more than 300s ahead/,
    );
    // An issuer whose tokens live longer (Kubernetes: at least ten minutes) may say so.
    sut = new FederatedJwtVerifier([trusted({ maxTokenLifetime: 3600 })], {
      http: 'refuse',
      fetch: net.fetch,
    });
    await expect(sut.verify(await sign({ exp: now + 3600 }), expected)).resolves.toBeDefined();
  });

  it('refetches once on an unknown kid, then refuses; a second one within the interval fetches nothing', async () => {
    // Only the clock is faked: the fetch deadline's timers stay real.
    jest.useFakeTimers({
      now: Date.now(),
      doNotFake: ['setTimeout', 'clearTimeout', 'nextTick', 'setImmediate', 'queueMicrotask'],
    });
    await sut.verify(await sign(), expected);
    jest.setSystemTime(Date.now() + 31_000);
    const unknown = await key('k2');
    expect(await reason(sut.verify(await sign({}, unknown), expected))).toBe(
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    expect(net.requests.filter((u) => u.endsWith('/jwks'))).toHaveLength(2);
    expect(await reason(sut.verify(await sign({ jti: 'j-3' }, await key('k3')), expected))).toBe(
      'ERR_JWKS_NO_MATCHING_KEY',
    );
    expect(net.requests.filter((u) => u.endsWith('/jwks'))).toHaveLength(2);
  });

  it('uses a configured jwks_uri without discovery', async () => {
    sut = new FederatedJwtVerifier([trusted({ jwksUri: `${ISSUER}/jwks` })], {
      http: 'refuse',
      fetch: net.fetch,
    });
    await sut.verify(await sign(), expected);
    expect(net.requests).toEqual([`${ISSUER}/jwks`]);
  });

  it.each([
    ['names another issuer', { issuer: OTHER }],
    ['puts its keys on another origin', { jwks_uri: 'https://keys.elsewhere.example/jwks' }],
    ['names no jwks_uri', { jwks_uri: undefined }],
  ])(
    'refuses (keys_unavailable) a discovery document that %s, fetching nothing else',
    async (_c, doc) => {
      net = remote([current], doc);
      sut = new FederatedJwtVerifier([trusted()], { http: 'refuse', fetch: net.fetch });
      expect(await reason(sut.verify(await sign(), expected))).toBe('keys_unavailable');
      expect(net.requests).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
    },
  );

  it('backs off after a failed discovery instead of asking again on every token', async () => {
    net = remote([current], { issuer: OTHER });
    sut = new FederatedJwtVerifier([trusted()], { http: 'refuse', fetch: net.fetch });
    for (let i = 0; i < 3; i++)
      expect(await reason(sut.verify(await sign(), expected))).toBe('keys_unavailable');
    expect(net.requests).toHaveLength(1);
  });

  it('refuses a jti that is not a short string', async () => {
    expect(await reason(sut.verify(await sign({ jti: 42 }), expected))).toMatch(/jti/);
    expect(await reason(sut.verify(await sign({ jti: 'x'.repeat(257) }), expected))).toMatch(/jti/);
    await expect(sut.verify(await sign({ jti: undefined }), expected)).resolves.not.toHaveProperty(
      'jti',
    );
  });
});
