import { decodeJwt } from 'jose';
import { AppConfig, ClientConfig, ResourceConfig, SIGN_IN_DEFAULTS } from '@app/config';
import {
  AnyLifecycleEvent,
  EventBusUnavailable,
  EventFactory,
  LifecycleEvent,
  MemoryEventBus,
  TokenIssuedV1,
  tokenKindOf,
} from '@app/events';
import { FormParams, InvalidGrant, InvalidScope, InvalidTarget, RequestContext } from '@app/oauth';
import { LifecycleProjection } from '@app/projection';
import { GrantRevoker, RefreshTokenLookup } from '@app/platform';
import { ClientRegistry } from '@app/registry';
import {
  MemoryExchangeChainStore,
  GrantRecord,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  MemoryTokenStore,
} from '@app/store';
import { IdTokenFormat, JwtAccessTokenFormat, KeyRing, tokenDigest } from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { IdTokenMinter } from '../sign-in/id-token.minter';
import { RefreshTokenMinter } from '../sign-in/refresh-token.minter';
import { checkGrantParameters } from '../token-checks/check-grant-parameters';
import { GrantRegistry } from './grant.registry';
import { RefreshTokenGrant } from './refresh-token.grant';

const ISSUER = 'https://as.example.com';
const ORDERS: ResourceConfig = {
  identifier: 'https://orders.example.com',
  scopes: ['orders:read'],
  accessTokenFormat: 'jwt',
  accessTokenTtl: 900,
  signingAlg: 'ES256',
};
const LEDGER: ResourceConfig = {
  ...ORDERS,
  identifier: 'https://ledger.example.com',
  scopes: ['ledger:read'],
};

const client = (
  clientId: string,
  over: Partial<ClientConfig['refreshToken']> = {},
): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId,
  authMethod: 'client_secret_basic',
  grantTypes: ['authorization_code', 'refresh_token'],
  redirectUris: ['https://app.example.com/cb'],
  scopes: ['openid', 'offline_access', 'orders:read', 'ledger:read'],
  resources: [ORDERS.identifier, LEDGER.identifier],
  introspects: [],
  refreshToken: { reuseGraceSeconds: 0, ttl: 3600, idleTtl: 600, ...over },
});
const WEB = client('web');
const GRACE = client('grace', { reuseGraceSeconds: 10 });
const config = {
  issuer: ISSUER,
  maxTokenTtl: 900,
  endpoints: { userinfo: `${ISSUER}/oauth2/userinfo` },
  signIn: { pairwiseSalt: 'a-test-salt-of-at-least-32-characters', idTokenTtl: 300 },
} as AppConfig;

/** A field given a list is sent once per value (RFC 8707 §2: `resource` may repeat). */
type Fields = Record<string, string | readonly string[]>;
const request = (fields: Fields) => {
  const body = new URLSearchParams({ grant_type: 'refresh_token' });
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) body.append(name, one);
  return new RequestContext(
    { method: 'POST', url: '/oauth2/token', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body.toString()),
  );
};

describe('RefreshTokenGrant', () => {
  let keys: KeyRing;
  let bus: MemoryEventBus;
  let revocations: MemoryRevocationStore;
  let store: MemoryRefreshTokenStore;
  let grants: MemoryGrantStore;
  let minter: RefreshTokenMinter;
  let sut: RefreshTokenGrant;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256', 'RS256']);
  });
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    bus = new MemoryEventBus();
    revocations = new MemoryRevocationStore();
    store = new MemoryRefreshTokenStore();
    grants = new MemoryGrantStore();
    const events = new EventFactory('urn:token-lifecycle:issuance:test');
    const registry = new ClientRegistry({
      clients: [WEB, GRACE],
      resources: [ORDERS, LEDGER],
      users: [],
    });
    const projection = new LifecycleProjection(
      config,
      new MemoryTokenStore(),
      revocations,
      store,
      grants,
      new MemoryExchangeChainStore(),
    );
    const access = new AccessTokenMinter(
      config,
      new JwtAccessTokenFormat(keys, ISSUER),
      projection,
      bus,
      events,
    );
    const idTokens = new IdTokenMinter(
      config,
      new IdTokenFormat(keys, ISSUER),
      bus,
      events,
      projection,
    );
    minter = new RefreshTokenMinter(config, projection, bus, events);
    const revoker = new GrantRevoker(config, registry, projection, bus, events);
    const lookup = new RefreshTokenLookup(store, grants, revocations);
    sut = new RefreshTokenGrant(
      config,
      registry,
      store,
      grants,
      lookup,
      revoker,
      access,
      idTokens,
      minter,
    );
  });
  afterEach(() => jest.useRealTimers());

  /** A grant of `c` created now with its first refresh token, as the code grant makes it. */
  const signedIn = async (c: ClientConfig = WEB, keepGrant = true, jkt?: string) => {
    const grant: GrantRecord = {
      grantId: `grant-${Math.random()}`,
      subject: 'alice',
      clientId: c.clientId,
      scopes: ['openid', 'offline_access', 'orders:read', 'ledger:read'],
      resources: [ORDERS.identifier, LEDGER.identifier],
      authTime: 1_700_000_000,
      amr: ['pwd'],
      idTokenClaims: {},
      userinfoClaims: {},
      createdAt: Date.now(),
      lastUsedAt: Date.now(),
    };
    if (keepGrant) await grants.save(grant, Date.now() + 86_400_000);
    const token = await minter.issue(
      {
        family: {
          grantId: grant.grantId,
          clientId: c.clientId,
          subject: 'alice',
          scopes: grant.scopes,
          ...(jkt === undefined ? {} : { jkt }),
        },
        grantType: 'authorization_code',
        authentication: { authTime: grant.authTime, amr: grant.amr },
        absoluteExpiresAt: grant.createdAt + c.refreshToken.ttl * 1000,
      },
      Date.now() + c.refreshToken.idleTtl * 1000,
    );
    return { grant, token };
  };
  const refresh = (
    token: string,
    c: ClientConfig = WEB,
    extra: Fields = {},
    dpop?: { jkt: string },
  ) =>
    sut.handle(
      c,
      request({ refresh_token: token, ...extra }),
      dpop && { dpop, confirmation: dpop },
    );
  const advance = (seconds: number) => jest.advanceTimersByTime(seconds * 1000);
  const revokedGrants = () =>
    (bus.events() as readonly AnyLifecycleEvent[]).filter((e) => e.type === 'grant.revoked');

  it('rotates: a new refresh token on its event, an access token and an ID token of the grant', async () => {
    const { grant, token } = await signedIn();
    const answer = await refresh(token);
    expect(answer.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(decodeJwt(answer.access_token)).toMatchObject({
      grant_id: grant.grantId,
      aud: ORDERS.identifier,
    });
    expect(decodeJwt(answer.id_token!)).toMatchObject({ auth_time: 1_700_000_000, aud: 'web' });
    const issued = (bus.events() as readonly AnyLifecycleEvent[]).filter(
      (e) => e.type === 'token.issued' && tokenKindOf(e.data) === 'refresh_token',
    );
    expect(issued.map((e) => (e.data as { token_digest?: string }).token_digest)).toEqual([
      tokenDigest(token),
      tokenDigest(answer.refresh_token!),
    ]);
    await expect(refresh(answer.refresh_token!)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it.each([
    ['a scope the grant lacks', { scope: 'orders:write' }, InvalidScope],
    ['a scope with an empty token', { scope: 'orders:read  openid' }, InvalidScope],
    ['a resource the grant lacks', { resource: 'https://elsewhere.example' }, InvalidTarget],
    [
      'two different resources (one token carries one audience)',
      { resource: [ORDERS.identifier, LEDGER.identifier] },
      InvalidTarget,
    ],
  ])('refuses %s without consuming the token', async (_, extra, error) => {
    const { token } = await signedIn();
    await expect(refresh(token, WEB, extra)).rejects.toBeInstanceOf(error);
    await expect(refresh(token)).resolves.toBeDefined();
  });

  it("records the grant's last use at every refresh", async () => {
    const { grant, token } = await signedIn();
    advance(42);
    await refresh(token);
    await expect(grants.find(grant.grantId)).resolves.toMatchObject({
      lastUsedAt: grant.createdAt + 42_000,
    });
  });

  it("takes resource repeated past the token endpoint's parameter checks", () => {
    const grant = new GrantRegistry([sut]).get(sut.grantType);
    const { form } = request({
      refresh_token: 'rt',
      resource: [ORDERS.identifier, LEDGER.identifier],
    });
    expect(() => checkGrantParameters(grant, form)).not.toThrow();
  });

  it('serves the same resource named twice as that one resource', async () => {
    const { token } = await signedIn();
    const answer = await refresh(token, WEB, { resource: [LEDGER.identifier, LEDGER.identifier] });
    expect(decodeJwt(answer.access_token).aud).toBe(LEDGER.identifier);
  });

  it('narrows the scope to one resource of the grant', async () => {
    const { token } = await signedIn();
    const answer = await refresh(token, WEB, { scope: 'ledger:read', resource: LEDGER.identifier });
    expect(answer.scope).toBe('ledger:read');
    expect(decodeJwt(answer.access_token).aud).toBe(LEDGER.identifier);
  });

  it.each([
    ['an access token', 'eyJhbGciOiJFUzI1NiJ9.e30.sig'],
    ['an opaque access token', `at_${'A'.repeat(43)}`],
    ['an unknown refresh token', `rt_${'A'.repeat(43)}`],
    ['a malformed one', 'rt_short'],
  ])('refuses %s with invalid_grant', async (_, token) => {
    await expect(refresh(token)).rejects.toBeInstanceOf(InvalidGrant);
  });

  it('refuses the token of another client, which keeps it', async () => {
    const { token } = await signedIn(WEB);
    await expect(refresh(token, GRACE)).rejects.toBeInstanceOf(InvalidGrant);
    await expect(refresh(token, WEB)).resolves.toBeDefined();
  });

  it('refuses a token whose grant was withdrawn, or revoked for its client', async () => {
    const withdrawn = await signedIn(WEB, false);
    await expect(refresh(withdrawn.token)).rejects.toBeInstanceOf(InvalidGrant);
    const revoked = await signedIn(WEB);
    await revocations.revoke({
      kind: 'client',
      clientId: 'web',
      revokedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    await expect(refresh(revoked.token)).rejects.toBeInstanceOf(InvalidGrant);
  });

  it('without grace, a reuse is invalid_grant and revokes the grant: its live token too', async () => {
    const { grant, token } = await signedIn();
    const next = await refresh(token);
    await expect(refresh(token)).rejects.toBeInstanceOf(InvalidGrant);
    expect(revokedGrants().map((e) => e.data)).toEqual([
      expect.objectContaining({
        grant_id: grant.grantId,
        reason: 'refresh_token_reuse',
        refresh_exp: expect.any(Number) as number,
      }),
    ]);
    await expect(
      revocations.isRevoked({ clientId: 'web', jti: 'x', grantId: grant.grantId, iat: 0 }),
    ).resolves.toBe(true);
    await expect(refresh(next.refresh_token!)).rejects.toBeInstanceOf(InvalidGrant);
  });

  it('within the grace, a reuse gets a new pair; past it, it revokes the grant', async () => {
    const { token } = await signedIn(GRACE);
    const a = await refresh(token, GRACE);
    advance(9);
    const b = await refresh(token, GRACE);
    await expect(refresh(a.refresh_token!, GRACE)).resolves.toBeDefined(); // a retired 0 s ago
    expect(revokedGrants()).toEqual([]);
    advance(11);
    await expect(refresh(b.refresh_token!, GRACE)).rejects.toBeInstanceOf(InvalidGrant);
    expect(revokedGrants()).toHaveLength(1);
  });

  it('refuses a token past its idle lifetime; a use starts it again', async () => {
    const { token } = await signedIn();
    advance(599);
    const next = await refresh(token);
    advance(599);
    const last = await refresh(next.refresh_token!);
    advance(600);
    await expect(refresh(last.refresh_token!)).rejects.toBeInstanceOf(InvalidGrant);
    expect(revokedGrants()).toEqual([]);
  });

  it('refuses any token of the grant past the absolute lifetime from its creation', async () => {
    let { token } = await signedIn();
    for (let i = 0; i < 7; i++) {
      advance(500);
      token = (await refresh(token)).refresh_token!;
    }
    advance(101); // 3601 s after the grant's creation, 101 s after the last use
    await expect(refresh(token)).rejects.toBeInstanceOf(InvalidGrant);
  });

  describe('a rotation whose answer cannot go out (RFC 9700 §4.14.2)', () => {
    /** The log refuses the next event that `matches`, then takes events again. */
    const failNextPublish = (matches: (e: LifecycleEvent) => boolean) => {
      const publish = bus.publish.bind(bus);
      let failed = false;
      jest.spyOn(bus, 'publish').mockImplementation(async (event) => {
        if (failed || !matches(event)) return publish(event);
        failed = true;
        throw new EventBusUnavailable(new Error('the broker timed out'));
      });
    };
    const kindOf = (e: LifecycleEvent) =>
      e.type === 'token.issued' ? tokenKindOf(e.data as TokenIssuedV1) : undefined;
    const isRefreshToken = (e: LifecycleEvent) => kindOf(e) === 'refresh_token';
    const isAccessToken = (e: LifecycleEvent) => kindOf(e) === 'access_token';
    const active = async (token: string) =>
      (await store.find(tokenDigest(token), Date.now()))?.active;

    it.each([
      ["the new refresh token's event is not acknowledged", isRefreshToken],
      ["the access token's event is not acknowledged", isAccessToken],
    ])(
      'when %s, the presented token stays live and the retry exchanges it, no grant revoked',
      async (_, failing) => {
        const { token } = await signedIn();
        failNextPublish(failing);
        await expect(refresh(token)).rejects.toBeInstanceOf(EventBusUnavailable);
        await expect(active(token)).resolves.toBe(true);
        const retried = await refresh(token);
        expect(revokedGrants()).toEqual([]);
        await expect(active(token)).resolves.toBe(false);
        await expect(active(retried.refresh_token!)).resolves.toBe(true);
        await expect(refresh(retried.refresh_token!)).resolves.toBeDefined();
      },
    );

    it('the token a failed rotation made is never live, nor handed out', async () => {
      const { token } = await signedIn();
      failNextPublish(isAccessToken);
      await expect(refresh(token)).rejects.toBeInstanceOf(EventBusUnavailable);
      const orphan = (bus.events() as readonly AnyLifecycleEvent[]).filter(isRefreshToken).at(-1);
      const orphanDigest = (orphan?.data as { token_digest: string }).token_digest;
      expect(orphanDigest).not.toBe(tokenDigest(token));
      await expect(store.find(orphanDigest, Date.now())).resolves.toMatchObject({
        active: false,
      });
    });
  });

  describe('DPoP (RFC 9449 §5)', () => {
    const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const OTHER = 'oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U';
    const refreshIssued = () =>
      (bus.events() as readonly AnyLifecycleEvent[]).filter(
        (e) => e.type === 'token.issued' && tokenKindOf(e.data) === 'refresh_token',
      );

    it.each([
      ['without a proof', undefined],
      ['with a proof of another key', { jkt: OTHER }],
    ])('refuses a bound family %s before rotating anything', async (_, dpop) => {
      const { token } = await signedIn(WEB, true, JKT);
      const rotate = jest.spyOn(store, 'rotate');
      await expect(refresh(token, WEB, {}, dpop)).rejects.toMatchObject({
        error: 'invalid_dpop_proof',
      });
      expect(rotate).not.toHaveBeenCalled();
      await expect(store.find(tokenDigest(token), Date.now())).resolves.toMatchObject({
        active: true,
      });
    });

    it("rotates a bound family with a proof of its key: bound access token, the new token's event keeps the key", async () => {
      const { token } = await signedIn(WEB, true, JKT);
      const answer = await refresh(token, WEB, {}, { jkt: JKT });
      expect(answer.token_type).toBe('DPoP');
      expect(decodeJwt(answer.access_token).cnf).toEqual({ jkt: JKT });
      expect(refreshIssued().at(-1)?.data).toMatchObject({
        token_digest: tokenDigest(answer.refresh_token!),
        cnf_kind: 'jkt',
        cnf_thumbprint: JKT,
      });
    });

    it('binds the access token of an unbound family to the proof, not the refresh token', async () => {
      const { token } = await signedIn();
      const answer = await refresh(token, WEB, {}, { jkt: OTHER });
      expect(decodeJwt(answer.access_token).cnf).toEqual({ jkt: OTHER });
      expect(refreshIssued().at(-1)?.data).not.toHaveProperty('cnf_kind');
      await expect(refresh(answer.refresh_token!)).resolves.toMatchObject({ token_type: 'Bearer' });
    });
  });
});
