import { AppConfig, ClientConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { ClientRegistry, SecretCheckBusy } from '@app/registry';
import { MemoryAuthFailureThrottle, MemoryReplayStore, MemoryRequestRateLimiter } from '@app/store';
import { AssertionRejected, ClientAssertionVerifier } from '@app/tokens';
import { FormParams } from '../http/form-body';
import { OAuthRequest } from '../http/oauth-request';
import { RequestContext } from '../http/request-context';
import { RequestRateGate } from '../rate-limit/request-rate.gate';
import { AuthMethodRegistry } from './auth-method.registry';
import { ClientAuthenticator } from './client.authenticator';
import { ClientAuthEndpoint, ENDPOINT_AUTH_METHODS } from './endpoint-auth-methods';
import { ClientSecretBasicMethod } from './methods/client-secret-basic.method';
import { ClientSecretPostMethod } from './methods/client-secret-post.method';
import { NoneMethod } from './methods/none.method';
import { JWT_BEARER_ASSERTION, PrivateKeyJwtMethod } from './methods/private-key-jwt.method';
import { SelfSignedTlsClientAuthMethod } from './methods/self-signed-tls-client-auth.method';
import { TlsClientAuthMethod } from './methods/tls-client-auth.method';
import { noFederation } from '../../../../test/support/no-federation';

const client = (clientId: string, authMethod: ClientConfig['authMethod']): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId,
  authMethod,
  secret: authMethod.startsWith('client_secret')
    ? { kind: 'hash', value: `$h$${clientId}` }
    : undefined,
  jwks: authMethod === 'private_key_jwt' ? { keys: [] } : undefined,
  grantTypes: ['client_credentials'],
  introspects: [],
  scopes: [],
  resources: [],
});
const CLIENTS = [
  client('svc-basic', 'client_secret_basic'),
  client('svc-post', 'client_secret_post'),
  client('svc-jwt', 'private_key_jwt'),
  client('app-public', 'none'),
  { ...client('svc-own-limit', 'client_secret_basic'), rateLimit: { token: 1 } },
];
/** 2 token requests per client per minute; every other endpoint and every address unlimited. */
const RATE_LIMITS = {
  rateLimits: {
    windowSeconds: 60,
    endpoints: {
      token: { perClient: 2, perAddress: 0 },
      par: { perClient: 0, perAddress: 0 },
      authorize: { perClient: 0, perAddress: 0 },
      introspection: { perClient: 0, perAddress: 0 },
      revocation: { perClient: 0, perAddress: 0 },
    },
  },
} as unknown as AppConfig;
const SECRET = 'the-right-secret-0123456789';
const LIMITS = { failuresPerClient: 3, failuresPerAddress: 6, windowSeconds: 60 };
/** The token endpoint takes every method; introspection every method but none. */
const TOKEN: ClientAuthEndpoint = { audiences: [], methods: ENDPOINT_AUTH_METHODS.token };
const INTROSPECTION: ClientAuthEndpoint = {
  audiences: [],
  methods: ENDPOINT_AUTH_METHODS.introspection,
};

/** The registry's secret checks as the authenticator sees them: a scrypt is a call here. */
class FakeRegistry {
  readonly verified = new Set<string>();
  readonly secretMatches = jest.fn(async (c: ClientConfig | undefined, secret: string) => {
    const ok = c?.secret !== undefined && secret === SECRET;
    if (ok) this.verified.add(c!.clientId);
    return ok;
  });
  client(id: string) {
    return CLIENTS.find((c) => c.clientId === id);
  }
  /** As for hashed secrets: known without scrypt once verified. */
  recognises(c: ClientConfig, secret: string) {
    return secret === SECRET && this.verified.has(c.clientId);
  }
}

const request = (
  fields: Record<string, string>,
  sourceAddress = '192.0.2.1',
  authorization?: string,
): OAuthRequest =>
  new RequestContext(
    {
      method: 'POST',
      url: '/oauth2/token',
      headers: authorization === undefined ? {} : { authorization },
      ip: sourceAddress,
    },
    FormParams.parse('application/x-www-form-urlencoded', new URLSearchParams(fields).toString()),
  );
const basic = (id: string, secret: string, sourceAddress = '192.0.2.1') =>
  request({}, sourceAddress, `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`);
const post = (id: string, secret: string, sourceAddress = '192.0.2.1') =>
  request({ client_id: id, client_secret: secret }, sourceAddress);
const jwt = (assertion: string, sourceAddress = '192.0.2.1') =>
  request(
    { client_assertion_type: JWT_BEARER_ASSERTION, client_assertion: assertion },
    sourceAddress,
  );
/** A public client's request: client_id alone (RFC 6749 §3.2.1). */
const bare = (id: string, sourceAddress = '192.0.2.1') => request({ client_id: id }, sourceAddress);
/** An unsigned JWT naming `sub`: only its subject is read before verification. */
const assertionFor = (sub: string) =>
  `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({ sub }),
  ).toString('base64url')}.c2ln`;

describe('ClientAuthenticator', () => {
  let registry: FakeRegistry;
  let throttle: MemoryAuthFailureThrottle;
  let assertions: { verify: jest.Mock };
  let sut: ClientAuthenticator;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    registry = new FakeRegistry();
    throttle = new MemoryAuthFailureThrottle(LIMITS);
    assertions = { verify: jest.fn() };
    const secrets = registry as unknown as ClientRegistry;
    const methods = new AuthMethodRegistry([
      new ClientSecretBasicMethod(secrets),
      new ClientSecretPostMethod(secrets),
      new PrivateKeyJwtMethod(
        assertions as unknown as ClientAssertionVerifier,
        new MemoryReplayStore(),
        noFederation(),
      ),
      new TlsClientAuthMethod({ mtls: { clientCa: [] } } as unknown as AppConfig),
      new SelfSignedTlsClientAuthMethod(),
      new NoneMethod(),
    ]);
    const rates = new RequestRateGate(RATE_LIMITS, new MemoryRequestRateLimiter());
    sut = new ClientAuthenticator(secrets, methods, throttle, rates);
  });
  afterEach(() => jest.useRealTimers());

  const failure = (req: OAuthRequest, endpoint = TOKEN) =>
    sut.authenticate(req, { ...endpoint, audiences: ['https://issuer.example'] }).then(
      () => {
        throw new Error('authenticated');
      },
      (e: unknown) => e as { status: number; error: string; headers: Record<string, string> },
    );

  it('authenticates the right secret over the registered method', async () => {
    await expect(sut.authenticate(basic('svc-basic', SECRET), TOKEN)).resolves.toMatchObject({
      clientId: 'svc-basic',
    });
    await expect(sut.authenticate(post('svc-post', SECRET), TOKEN)).resolves.toMatchObject({
      clientId: 'svc-post',
    });
  });

  describe('refusals cost the same whatever the reason', () => {
    it('checks the secret of an unknown client (against the dummy hash) before refusing', async () => {
      const e = await failure(basic('svc-unknown', SECRET));
      expect(e).toMatchObject({ status: 401, error: 'invalid_client' });
      // The presented id picks the dummy hash (DummySecretHashes): the same cost for it every time.
      expect(registry.secretMatches).toHaveBeenCalledWith(undefined, SECRET, 'svc-unknown');
    });

    it.each([
      ['a client_secret_post client over Basic', () => basic('svc-post', SECRET), 'svc-post'],
      ['a client_secret_basic client in the form', () => post('svc-basic', SECRET), 'svc-basic'],
      ['a private_key_jwt client with a secret', () => basic('svc-jwt', SECRET), 'svc-jwt'],
    ])('checks the secret of %s before refusing it', async (_, req, id) => {
      expect(await failure(req())).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(registry.secretMatches).toHaveBeenCalledWith(registry.client(id), SECRET, id);
    });
  });

  it('answers 503 without counting a failure when too many secret checks are waiting', async () => {
    registry.secretMatches.mockRejectedValueOnce(new SecretCheckBusy());
    const e = await failure(basic('svc-basic', 'wrong'));
    expect(e).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
    expect(e.headers['retry-after']).toBe('1');
    await expect(throttle.retryAfter({ address: '192.0.2.1' })).resolves.toBe(0);
    const recordFailure = jest.spyOn(throttle, 'recordFailure');
    registry.secretMatches.mockRejectedValueOnce(new SecretCheckBusy());
    await failure(basic('svc-basic', 'wrong'));
    expect(recordFailure).not.toHaveBeenCalled();
  });

  describe('WWW-Authenticate on every invalid_client (RFC 9110 §15.5.2)', () => {
    it('answers Basic with the Basic challenge (RFC 6749 §5.2)', async () => {
      const e = await failure(basic('svc-basic', 'wrong'));
      expect(e.headers['www-authenticate']).toBe('Basic realm="oauth2"');
    });

    it.each([
      ['client_secret_post', () => post('svc-post', 'wrong')],
      ['private_key_jwt', () => jwt(assertionFor('svc-unknown'))],
    ])('answers %s with a challenge naming every method', async (_, req) => {
      const e = await failure(req());
      expect(e.headers['www-authenticate']).toBe(
        'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
          '"client_secret_basic client_secret_post private_key_jwt tls_client_auth self_signed_tls_client_auth"',
      );
    });
  });

  describe('throttling of failed authentications', () => {
    const failTimes = async (n: number, req: () => OAuthRequest) => {
      for (let i = 0; i < n; i++) expect((await failure(req())).status).toBe(401);
    };

    it('answers 429 with Retry-After past the limit, without checking the secret', async () => {
      await failTimes(3, () => basic('svc-basic', 'wrong'));
      registry.secretMatches.mockClear();
      const e = await failure(basic('svc-basic', 'wrong'));
      expect(e).toMatchObject({ status: 429, error: 'temporarily_unavailable' });
      expect(e.headers['retry-after']).toBe('60');
      expect(registry.secretMatches).not.toHaveBeenCalled();
      // Even the right secret waits: it was never verified, so checking it would cost scrypt.
      expect((await failure(basic('svc-basic', SECRET))).status).toBe(429);
      jest.advanceTimersByTime(20_000);
      expect((await failure(basic('svc-basic', SECRET))).headers['retry-after']).toBe('40');
    });

    it('lets the client try again once the window has passed', async () => {
      await failTimes(3, () => basic('svc-basic', 'wrong'));
      jest.advanceTimersByTime(60_000);
      await expect(sut.authenticate(basic('svc-basic', SECRET), TOKEN)).resolves.toBeDefined();
    });

    it('throttles an unknown client id exactly like a known one', async () => {
      await failTimes(3, () => basic('svc-unknown', 'wrong'));
      expect((await failure(basic('svc-unknown', 'wrong'))).status).toBe(429);
    });

    it('leaves another client id and another address alone', async () => {
      await failTimes(3, () => basic('svc-basic', 'wrong', '192.0.2.1'));
      await expect(
        sut.authenticate(post('svc-post', SECRET, '192.0.2.1'), TOKEN),
      ).resolves.toBeDefined();
      expect((await failure(basic('svc-basic', 'wrong', '198.51.100.9'))).status).toBe(429);
      expect((await failure(post('svc-post', 'wrong', '198.51.100.9'))).status).toBe(401);
    });

    it('throttles an address that spreads its failures over many client ids', async () => {
      for (let i = 0; i < 6; i++) await failure(basic(`svc-guess-${i}`, 'wrong'));
      expect((await failure(basic('svc-guess-new', 'wrong'))).status).toBe(429);
      expect((await failure(post('svc-post', SECRET))).status).toBe(429);
    });

    it('lets a secret verified before through while the client id is throttled', async () => {
      await sut.authenticate(basic('svc-basic', SECRET), TOKEN);
      await failTimes(3, () => basic('svc-basic', 'wrong', '203.0.113.5'));
      registry.secretMatches.mockClear();
      await expect(sut.authenticate(basic('svc-basic', SECRET), TOKEN)).resolves.toBeDefined();
      expect(registry.secretMatches).not.toHaveBeenCalled();
      // Not over another method, and not a wrong secret.
      expect((await failure(post('svc-basic', SECRET))).status).toBe(429);
      expect((await failure(basic('svc-basic', 'wrong'))).status).toBe(429);
    });

    it('never consults the shared counters for a secret it recognises without scrypt', async () => {
      await sut.authenticate(basic('svc-basic', SECRET), TOKEN);
      const retryAfter = jest.spyOn(throttle, 'retryAfter');
      await sut.authenticate(basic('svc-basic', SECRET), TOKEN);
      expect(retryAfter).not.toHaveBeenCalled();
    });

    it('counts refused client assertions as failures', async () => {
      assertions.verify.mockRejectedValue(new AssertionRejected('bad signature'));
      await failTimes(3, () => jwt(assertionFor('svc-jwt')));
      expect(assertions.verify).toHaveBeenCalledTimes(3);
      expect((await failure(jwt(assertionFor('svc-jwt')))).status).toBe(429);
      expect(assertions.verify).toHaveBeenCalledTimes(3);
    });

    it('does not count successes', async () => {
      for (let i = 0; i < 10; i++) await sut.authenticate(basic('svc-basic', SECRET), TOKEN);
      await failTimes(2, () => basic('svc-basic', 'wrong'));
      await expect(sut.authenticate(post('svc-post', SECRET), TOKEN)).resolves.toBeDefined();
    });

    it('does not count a request that presents no credentials at all', async () => {
      const none = bare('svc-basic');
      for (let i = 0; i < 5; i++) expect((await failure(none)).status).toBe(401);
      await failTimes(2, () => basic('svc-basic', 'wrong'));
    });
  });

  describe('public clients (none: client_id alone, RFC 6749 §2.1, §3.2.1)', () => {
    it('authenticates a public client by its id where the endpoint accepts none', async () => {
      await expect(sut.authenticate(bare('app-public'), TOKEN)).resolves.toMatchObject({
        clientId: 'app-public',
        authMethod: 'none',
      });
      expect(registry.secretMatches).not.toHaveBeenCalled();
    });

    it('refuses a bare client_id where the endpoint does not accept none, with the challenge', async () => {
      const e = await failure(bare('app-public'), INTROSPECTION);
      expect(e).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(e.headers['www-authenticate']).toBe(
        'Basic realm="oauth2", token_endpoint_auth_methods_supported=' +
          '"client_secret_basic client_secret_post private_key_jwt tls_client_auth self_signed_tls_client_auth"',
      );
    });

    it.each([
      ['an unknown client id', 'svc-unknown'],
      ['the id of a client registered with a secret', 'svc-basic'],
      ['the id of a private_key_jwt client', 'svc-jwt'],
    ])('refuses %s alone at once: no secret check, no failure counted', async (_, id) => {
      const recordFailure = jest.spyOn(throttle, 'recordFailure');
      const e = await failure(bare(id));
      expect(e).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(registry.secretMatches).not.toHaveBeenCalled();
      expect(recordFailure).not.toHaveBeenCalled();
    });

    it('refuses a public client that presents a secret, at the cost of a secret check', async () => {
      expect(await failure(post('app-public', SECRET))).toMatchObject({ status: 401 });
      expect(registry.secretMatches).toHaveBeenCalledWith(
        registry.client('app-public'),
        SECRET,
        'app-public',
      );
    });

    it('lets a public client through while its address is throttled', async () => {
      for (let i = 0; i < 6; i++) await failure(basic(`svc-guess-${i}`, 'wrong'));
      expect((await failure(basic('svc-guess-new', 'wrong'))).status).toBe(429);
      await expect(sut.authenticate(bare('app-public'), TOKEN)).resolves.toBeDefined();
    });
  });
  describe('per-client request limits (RATE_LIMIT_*)', () => {
    const LIMITED: ClientAuthEndpoint = { ...TOKEN, rateLimited: 'token' };

    it('refuses an authenticated client past its allowance with 429 and Retry-After', async () => {
      await sut.authenticate(basic('svc-basic', SECRET), LIMITED);
      await sut.authenticate(basic('svc-basic', SECRET), LIMITED);
      const refused = await failure(basic('svc-basic', SECRET), LIMITED);
      expect(refused).toMatchObject({ status: 429, error: 'temporarily_unavailable' });
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(59);
      // Another client keeps its own allowance.
      await expect(sut.authenticate(post('svc-post', SECRET), LIMITED)).resolves.toBeDefined();
    });

    it("spends nothing of a client's allowance on requests that fail to authenticate", async () => {
      for (let i = 0; i < 2; i++) await failure(basic('svc-basic', 'wrong'), LIMITED);
      await sut.authenticate(basic('svc-basic', SECRET), LIMITED);
      await expect(sut.authenticate(basic('svc-basic', SECRET), LIMITED)).resolves.toBeDefined();
    });

    it('holds a client to its own registered rate_limit', async () => {
      await sut.authenticate(basic('svc-own-limit', SECRET), LIMITED);
      await expect(failure(basic('svc-own-limit', SECRET), LIMITED)).resolves.toMatchObject({
        status: 429,
      });
    });

    it('counts a public client per address only: its bare id proves nothing', async () => {
      for (let i = 0; i < 5; i++)
        await expect(sut.authenticate(bare('app-public'), LIMITED)).resolves.toBeDefined();
    });

    it('counts nothing for an endpoint that names no limit', async () => {
      for (let i = 0; i < 5; i++)
        await expect(sut.authenticate(basic('svc-basic', SECRET), TOKEN)).resolves.toBeDefined();
    });
  });
});
