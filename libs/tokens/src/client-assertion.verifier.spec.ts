import { generateKeyPairSync, sign } from 'node:crypto';
import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { AssertionRejected, ClientAssertionVerifier } from './client-assertion.verifier';

const ISSUER = 'https://as.example';
const TOKEN_ENDPOINT = 'https://as.example/oauth2/token';
const AUDIENCES = [ISSUER, TOKEN_ENDPOINT];
const CLIENT_ID = 'svc-jwt';

async function clientKey(kid = 'k1') {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: Record<string, unknown> = {
    ...(await exportJWK(publicKey)),
    kid,
    alg: 'ES256',
    use: 'sig',
  };
  return { jwk, privateKey, kid };
}

function assertion(
  key: { privateKey: KeyLike; kid: string },
  claims: Record<string, unknown> = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: CLIENT_ID,
    sub: CLIENT_ID,
    aud: TOKEN_ENDPOINT,
    jti: `jti-${Math.random()}`,
    iat: now,
    exp: now + 60,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .sign(key.privateKey);
}

describe('ClientAssertionVerifier', () => {
  it('refuses, never throws past it, a registered RSA key too short to verify with (< 2048 bits)', async () => {
    // jose refuses RS256 keys under 2048 bits with a TypeError, not a JOSEError: it must be an
    // invalid_client like any unusable key, not a 500. (jose will not sign with one either; a
    // client signs with whatever library it has: here node:crypto.)
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'short', alg: 'RS256' };
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const exp = Math.floor(Date.now() / 1000) + 60;
    const input = `${enc({ alg: 'RS256', kid: 'short' })}.${enc({ iss: CLIENT_ID, sub: CLIENT_ID, aud: ISSUER, jti: 'j', exp })}`;
    const token = `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
    await expect(
      new ClientAssertionVerifier().verify(
        token,
        { clientId: CLIENT_ID, jwks: { keys: [jwk] } },
        AUDIENCES,
      ),
    ).rejects.toBeInstanceOf(AssertionRejected);
  });

  describe('aud (draft-ietf-oauth-rfc7523bis: we are the sole audience)', () => {
    let key: Awaited<ReturnType<typeof clientKey>>;
    const sut = new ClientAssertionVerifier();
    const client = () => ({ clientId: CLIENT_ID, jwks: { keys: [key.jwk] } });
    beforeAll(async () => (key = await clientKey()));

    it.each([
      ['the issuer', ISSUER],
      ['the endpoint URL', TOKEN_ENDPOINT],
      ['a one-element array holding the issuer', [ISSUER]],
      ['a one-element array holding the endpoint URL', [TOKEN_ENDPOINT]],
    ])('accepts %s', async (_case, aud) => {
      await expect(
        sut.verify(await assertion(key, { aud }), client(), AUDIENCES),
      ).resolves.toMatchObject({ jti: expect.any(String) });
    });

    it.each([
      ['an array naming another party besides us', [TOKEN_ENDPOINT, 'https://other.example']],
      ['an array naming another party first', ['https://other.example', ISSUER]],
      ['an array naming us twice', [ISSUER, TOKEN_ENDPOINT]],
      ['another party alone', 'https://other.example/oauth2/token'],
      ['an empty array', []],
      ['a non-string', 42],
      ['no aud at all', undefined],
    ])('refuses %s', async (_case, aud) => {
      const jwt = await assertion(key, { aud });
      await expect(sut.verify(jwt, client(), AUDIENCES)).rejects.toBeInstanceOf(AssertionRejected);
    });
  });

  describe('a client with a jwks_uri', () => {
    const URI = 'https://client.example/jwks';

    it('verifies with the keys fetched from it', async () => {
      const key = await clientKey();
      const fetch = jest.fn(async () => new Response(JSON.stringify({ keys: [key.jwk] })));
      const sut = new ClientAssertionVerifier({
        fetch: fetch as unknown as typeof globalThis.fetch,
      });
      const client = { clientId: CLIENT_ID, jwksUri: URI };
      await expect(sut.verify(await assertion(key), client, AUDIENCES)).resolves.toBeDefined();
      await expect(sut.verify(await assertion(key), client, AUDIENCES)).resolves.toBeDefined();
      expect(fetch).toHaveBeenCalledTimes(1);
    });

    it('turns a connection error into a rejected assertion, not an unexpected error', async () => {
      const key = await clientKey();
      const fetch = jest.fn(async () => {
        throw new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') });
      });
      const sut = new ClientAssertionVerifier({
        fetch: fetch as unknown as typeof globalThis.fetch,
      });
      const client = { clientId: CLIENT_ID, jwksUri: URI };
      for (let i = 0; i < 5; i++)
        await expect(sut.verify(await assertion(key), client, AUDIENCES)).rejects.toBeInstanceOf(
          AssertionRejected,
        );
      // Negative caching: the failing URI is not asked again on every request.
      expect(fetch).toHaveBeenCalledTimes(1);
    });

    it('refuses an http jwks_uri unless loopback http is allowed, and then only on loopback', async () => {
      const key = await clientKey();
      const fetch = jest.fn(async () => new Response(JSON.stringify({ keys: [key.jwk] })));
      const f = fetch as unknown as typeof globalThis.fetch;
      const loopback = { clientId: CLIENT_ID, jwksUri: 'http://127.0.0.1:9999/jwks' };
      const remote = { clientId: CLIENT_ID, jwksUri: 'http://client.example/jwks' };

      const strict = new ClientAssertionVerifier({ fetch: f });
      await expect(strict.verify(await assertion(key), loopback, AUDIENCES)).rejects.toBeInstanceOf(
        AssertionRejected,
      );
      const development = new ClientAssertionVerifier({ fetch: f, jwksHttp: 'loopback' });
      await expect(
        development.verify(await assertion(key), remote, AUDIENCES),
      ).rejects.toBeInstanceOf(AssertionRejected);
      expect(fetch).not.toHaveBeenCalled();
      await expect(
        development.verify(await assertion(key), loopback, AUDIENCES),
      ).resolves.toBeDefined();
    });

    it('picks up a key the client re-published under the same kid', async () => {
      const before = await clientKey('k1');
      const after = await clientKey('k1');
      let keys = [before.jwk];
      const fetch = jest.fn(async () => new Response(JSON.stringify({ keys })));
      const sut = new ClientAssertionVerifier({
        fetch: fetch as unknown as typeof globalThis.fetch,
      });
      const client = { clientId: CLIENT_ID, jwksUri: URI };
      jest.useFakeTimers({ now: Date.now() });
      try {
        await expect(sut.verify(await assertion(before), client, AUDIENCES)).resolves.toBeDefined();
        keys = [after.jwk];
        await jest.advanceTimersByTimeAsync(30_000);
        await expect(sut.verify(await assertion(after), client, AUDIENCES)).resolves.toBeDefined();
        expect(fetch).toHaveBeenCalledTimes(2);
      } finally {
        jest.useRealTimers();
      }
    });

    it.each([
      ['a loopback jwks_uri in development: after a second', 'http://127.0.0.1:3000/jwks', 1_000],
      ['any other: after 30 s', URI, 30_000],
    ])('learns a new kid from %s', async (_, jwksUri, interval) => {
      const first = await clientKey('k1');
      const added = await clientKey('k2');
      let keys = [first.jwk];
      const fetch = jest.fn(async () => new Response(JSON.stringify({ keys })));
      const sut = new ClientAssertionVerifier({
        fetch: fetch as unknown as typeof globalThis.fetch,
        jwksHttp: 'loopback',
      });
      const client = { clientId: CLIENT_ID, jwksUri };
      jest.useFakeTimers({ now: Date.now() });
      try {
        await expect(sut.verify(await assertion(first), client, AUDIENCES)).resolves.toBeDefined();
        keys = [first.jwk, added.jwk];
        await jest.advanceTimersByTimeAsync(interval - 100);
        await expect(sut.verify(await assertion(added), client, AUDIENCES)).rejects.toThrow(
          AssertionRejected,
        );
        await jest.advanceTimersByTimeAsync(100);
        await expect(sut.verify(await assertion(added), client, AUDIENCES)).resolves.toBeDefined();
      } finally {
        jest.useRealTimers();
      }
    });

    it('only with an allowed algorithm', async () => {
      const { privateKey, publicKey } = await generateKeyPair('ES512', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'k512' };
      const fetch = jest.fn(async () => new Response(JSON.stringify({ keys: [jwk] })));
      const sut = new ClientAssertionVerifier({
        fetch: fetch as unknown as typeof globalThis.fetch,
      });
      const now = Math.floor(Date.now() / 1000);
      const jwt = await new SignJWT({ aud: TOKEN_ENDPOINT, jti: 'j', exp: now + 60 })
        .setIssuer(CLIENT_ID)
        .setSubject(CLIENT_ID)
        .setProtectedHeader({ alg: 'ES512', kid: 'k512' })
        .sign(privateKey);
      await expect(
        sut.verify(jwt, { clientId: CLIENT_ID, jwksUri: URI }, AUDIENCES),
      ).rejects.toBeInstanceOf(AssertionRejected);
    });
  });
});
