import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { AppConfig, ClientConfig, ResourceConfig, SIGN_IN_DEFAULTS } from '@app/config';
import { AnyLifecycleEvent, EventFactory, MemoryEventBus, tokenKindOf } from '@app/events';
import { FormParams, RequestContext, s256Challenge } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import {
  MemoryExchangeChainStore,
  AuthorizationCodeRecord,
  MemoryAuthorizationCodeStore,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  MemoryRevocationStore,
  MemoryTokenStore,
  StoreUnavailable,
} from '@app/store';
import {
  IdTokenFormat,
  JwtAccessTokenFormat,
  KeyRing,
  pairwiseSubject,
  tokenDigest,
  tokenHash,
} from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { LifecycleProjection } from '@app/projection';
import { GrantRevoker } from '@app/platform';
import { IdTokenMinter } from '../sign-in/id-token.minter';
import { RefreshTokenMinter } from '../sign-in/refresh-token.minter';
import { checkGrantParameters } from '../token-checks/check-grant-parameters';
import { AuthorizationCodeGrant } from './authorization-code.grant';
import { GrantRegistry } from './grant.registry';

const ISSUER = 'https://as.example.com';
const USERINFO = `${ISSUER}/oauth2/userinfo`;
const SALT = 'a-test-salt-of-at-least-32-characters';
const REDIRECT = 'https://app.example.com/callback';
const VERIFIER = randomBytes(32).toString('base64url');

const ORDERS: ResourceConfig = {
  identifier: 'https://orders.example.com',
  scopes: ['orders:read', 'orders:write'],
  accessTokenFormat: 'jwt',
  accessTokenTtl: 900,
  signingAlg: 'ES256',
};
const LEDGER: ResourceConfig = {
  identifier: 'https://ledger.example.com',
  scopes: ['ledger:read'],
  accessTokenFormat: 'opaque',
  accessTokenTtl: 600,
  signingAlg: 'ES256',
};

const client = (clientId: string, over: Partial<ClientConfig> = {}): ClientConfig => ({
  ...SIGN_IN_DEFAULTS,
  clientId,
  authMethod: 'client_secret_basic',
  grantTypes: ['authorization_code'],
  redirectUris: [REDIRECT],
  scopes: ['openid', 'profile', 'email', 'orders:read', 'ledger:read'],
  resources: [ORDERS.identifier, LEDGER.identifier],
  introspects: [],
  ...over,
});
const WEB = client('web-app');
const REFRESHING = client('refreshing-app', {
  grantTypes: ['authorization_code', 'refresh_token'],
  scopes: ['openid', 'offline_access', 'profile', 'orders:read'],
});
const OTHER = client('other-app');
const PAIRWISE = client('pairwise-app', {
  subjectType: 'pairwise',
  sectorIdentifier: 'app.example.com',
  idTokenSignedResponseAlg: 'ES256',
});

const config = {
  issuer: ISSUER,
  maxTokenTtl: 86_400,
  endpoints: { userinfo: USERINFO },
  signIn: { pairwiseSalt: SALT, idTokenTtl: 300, userinfoTokenTtl: 86_400 },
} as AppConfig;

const codeRecord = (over: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord => ({
  clientId: WEB.clientId,
  redirectUri: REDIRECT,
  codeChallenge: s256Challenge(VERIFIER),
  codeChallengeMethod: 'S256',
  nonce: 'n-0S6_WzA2Mj',
  grantId: 'grant-1',
  subject: 'user-alice',
  scopes: ['openid', 'profile', 'orders:read'],
  resources: [ORDERS.identifier],
  authTime: 1_700_000_000,
  acr: 'urn:example:loa:2',
  amr: ['pwd', 'otp'],
  sid: 'sid-1',
  idTokenClaims: { name: 'Alice', email: 'alice@example.com', nickname: 'al' },
  ...over,
});

/** A field given a list is sent once per value (RFC 8707 §2: `resource` may repeat). */
type Fields = Record<string, string | readonly string[]>;
const tokenRequest = (fields: Fields) => {
  const body = new URLSearchParams({ grant_type: 'authorization_code' });
  for (const [name, value] of Object.entries(fields))
    for (const one of [value].flat()) body.append(name, one);
  return new RequestContext(
    { method: 'POST', url: '/oauth2/token', headers: {}, ip: '192.0.2.1' },
    FormParams.parse('application/x-www-form-urlencoded', body.toString()),
  );
};

describe('AuthorizationCodeGrant', () => {
  let keys: KeyRing;
  let codes: MemoryAuthorizationCodeStore;
  let bus: MemoryEventBus;
  let revocations: MemoryRevocationStore;
  let tokens: MemoryTokenStore;
  let refreshStore: MemoryRefreshTokenStore;
  let grants: MemoryGrantStore;
  let sut: AuthorizationCodeGrant;

  beforeAll(async () => {
    keys = await KeyRing.generate(['ES256', 'RS256']);
  });

  beforeEach(() => {
    codes = new MemoryAuthorizationCodeStore();
    bus = new MemoryEventBus();
    revocations = new MemoryRevocationStore();
    tokens = new MemoryTokenStore();
    const events = new EventFactory('urn:token-lifecycle:issuance:test');
    const registry = new ClientRegistry({
      clients: [WEB, OTHER, PAIRWISE, REFRESHING],
      resources: [ORDERS, LEDGER],
      users: [],
    });
    refreshStore = new MemoryRefreshTokenStore();
    grants = new MemoryGrantStore();
    const projection = new LifecycleProjection(
      config,
      tokens,
      revocations,
      refreshStore,
      grants,
      new MemoryExchangeChainStore(),
    );
    const accessTokens = new AccessTokenMinter(
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
    const revoker = new GrantRevoker(config, registry, projection, bus, events);
    const refreshTokens = new RefreshTokenMinter(config, projection, bus, events);
    sut = new AuthorizationCodeGrant(
      config,
      registry,
      codes,
      revoker,
      accessTokens,
      idTokens,
      refreshTokens,
      grants,
    );
  });

  /** Saves a code bound to `record` and returns the code itself (only its digest is kept). */
  const issueCode = async (over: Partial<AuthorizationCodeRecord> = {}) => {
    const code = randomBytes(32).toString('base64url');
    await codes.save(tokenDigest(code), codeRecord(over), Date.now() + 60_000);
    return code;
  };
  const redeem = (
    code: string,
    by: ClientConfig = WEB,
    extra: Fields = {},
    dpop?: { jkt: string },
  ) =>
    sut.handle(
      by,
      tokenRequest({ code, redirect_uri: REDIRECT, code_verifier: VERIFIER, ...extra }),
      dpop && { dpop, confirmation: dpop },
    );
  const published = () => bus.events() as readonly AnyLifecycleEvent[];
  const verifyIdToken = (token: string, audience: string) =>
    jwtVerify(token, createLocalJWKSet(keys.publicJwks()), {
      issuer: ISSUER,
      audience,
      typ: 'JWT',
    });

  describe('a good redemption', () => {
    it('answers an access token for the consented resource, with the user authentication claims', async () => {
      const answer = await redeem(await issueCode());
      expect(answer).toMatchObject({
        token_type: 'Bearer',
        expires_in: ORDERS.accessTokenTtl,
        scope: 'openid profile orders:read',
      });
      expect(answer.refresh_token).toBeUndefined();
      expect(decodeProtectedHeader(answer.access_token).typ).toBe('at+jwt');
      expect(decodeJwt(answer.access_token)).toMatchObject({
        iss: ISSUER,
        sub: 'user-alice',
        aud: ORDERS.identifier,
        client_id: WEB.clientId,
        scope: 'openid profile orders:read',
        grant_id: 'grant-1',
        auth_time: 1_700_000_000,
        acr: 'urn:example:loa:2',
        amr: ['pwd', 'otp'],
      });
    });

    it('answers an ID token (OIDC Core §3.1.3.6) bound to the access token, RS256 by default', async () => {
      const answer = await redeem(await issueCode());
      const { payload, protectedHeader } = await verifyIdToken(answer.id_token!, WEB.clientId);
      expect(protectedHeader.alg).toBe('RS256');
      expect(payload).toMatchObject({
        sub: 'user-alice',
        azp: WEB.clientId,
        nonce: 'n-0S6_WzA2Mj',
        auth_time: 1_700_000_000,
        acr: 'urn:example:loa:2',
        amr: ['pwd', 'otp'],
        sid: 'sid-1',
        grant_id: 'grant-1',
        at_hash: tokenHash(answer.access_token, 'RS256'),
        // profile was granted, email was not: only profile's claims are released (§5.4).
        name: 'Alice',
        nickname: 'al',
      });
      expect(payload.email).toBeUndefined();
      expect(payload.exp! - payload.iat!).toBe(300);
    });

    it('records both tokens, acknowledged before the answer, with no user claim on any event', async () => {
      const answer = await redeem(await issueCode());
      const issued = published().filter((e) => e.type === 'token.issued');
      expect(issued.map((e) => e.data)).toEqual([
        expect.objectContaining({
          jti: decodeJwt(answer.access_token).jti,
          aud: ORDERS.identifier,
          grant_id: 'grant-1',
          grant_type: 'authorization_code',
          token_kind: 'access_token',
          auth_time: 1_700_000_000,
          amr: ['pwd', 'otp'],
        }),
        expect.objectContaining({
          jti: decodeJwt(answer.id_token!).jti,
          token_kind: 'id_token',
          aud: WEB.clientId,
          sub: 'user-alice',
          grant_id: 'grant-1',
        }),
      ]);
      // v3 for every token (libs/events topics.ts): its kind and its grant on each.
      for (const e of issued) expect(e.dataschema).toMatch(/:v3$/);
      expect(JSON.stringify(published())).not.toMatch(/Alice|alice@example|n-0S6_WzA2Mj/);
    });

    it('gives no ID token when openid was not granted', async () => {
      const answer = await redeem(await issueCode({ scopes: ['orders:read'] }));
      expect(answer.id_token).toBeUndefined();
      expect(answer.scope).toBe('orders:read');
    });

    it('gives a pairwise client its pairwise subject in both tokens, signed with its algorithm', async () => {
      const code = await issueCode({ clientId: PAIRWISE.clientId });
      const answer = await redeem(code, PAIRWISE);
      const sub = pairwiseSubject('app.example.com', 'user-alice', SALT);
      expect(decodeJwt(answer.access_token).sub).toBe(sub);
      const { payload, protectedHeader } = await verifyIdToken(answer.id_token!, PAIRWISE.clientId);
      expect(payload.sub).toBe(sub);
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload.at_hash).toBe(tokenHash(answer.access_token, 'ES256'));
    });
  });

  describe('which access token (RFC 8707 §2.2)', () => {
    const bothResources = { resources: [ORDERS.identifier, LEDGER.identifier] };
    const bothScopes = { scopes: ['openid', 'orders:read', 'ledger:read'] };

    it('serves the resource the token request names, with its scopes and the OpenID ones', async () => {
      const code = await issueCode({ ...bothResources, ...bothScopes });
      const answer = await redeem(code, WEB, { resource: LEDGER.identifier });
      expect(answer.scope).toBe('openid ledger:read');
      expect(answer.expires_in).toBe(LEDGER.accessTokenTtl);
      expect(answer.access_token).toMatch(/^at_/);
      // The opaque record holds what introspection answers, authentication included.
      await expect(tokens.find(tokenDigest(answer.access_token))).resolves.toMatchObject({
        aud: LEDGER.identifier,
        authTime: 1_700_000_000,
        acr: 'urn:example:loa:2',
        amr: ['pwd', 'otp'],
      });
    });

    it('serves the first consented resource when the request names none', async () => {
      const code = await issueCode({ ...bothResources, ...bothScopes });
      const answer = await redeem(code);
      expect(decodeJwt(answer.access_token).aud).toBe(ORDERS.identifier);
      expect(answer.scope).toBe('openid orders:read');
    });

    it('refuses a resource the code was not granted for', async () => {
      const code = await issueCode();
      await expect(redeem(code, WEB, { resource: LEDGER.identifier })).rejects.toMatchObject({
        error: 'invalid_target',
      });
    });

    it("takes resource repeated past the token endpoint's parameter checks", () => {
      const grant = new GrantRegistry([sut]).get(sut.grantType);
      const form = tokenRequest({
        code: 'c',
        redirect_uri: REDIRECT,
        code_verifier: VERIFIER,
        resource: [ORDERS.identifier, LEDGER.identifier],
      }).form;
      expect(() => checkGrantParameters(grant, form)).not.toThrow();
    });

    it('serves the same resource named twice as that one resource', async () => {
      const code = await issueCode({ ...bothResources, ...bothScopes });
      const answer = await redeem(code, WEB, { resource: [LEDGER.identifier, LEDGER.identifier] });
      expect(answer.scope).toBe('openid ledger:read');
      await expect(tokens.find(tokenDigest(answer.access_token))).resolves.toMatchObject({
        aud: LEDGER.identifier,
      });
    });

    it('refuses two different resources with invalid_target: one token carries one audience', async () => {
      const code = await issueCode({ ...bothResources, ...bothScopes });
      const twoResources = { resource: [ORDERS.identifier, LEDGER.identifier] };
      await expect(redeem(code, WEB, twoResources)).rejects.toMatchObject({
        error: 'invalid_target',
        description: expect.stringContaining('one resource'),
      });
      expect(published().filter((e) => e.type === 'token.issued')).toEqual([]);
    });

    it('serves /userinfo when only OpenID scopes and no resource were granted', async () => {
      const code = await issueCode({ resources: [], scopes: ['openid', 'email'] });
      const answer = await redeem(code);
      expect(decodeProtectedHeader(answer.access_token)).toMatchObject({
        typ: 'at+jwt',
        alg: 'ES256',
      });
      expect(decodeJwt(answer.access_token)).toMatchObject({
        aud: USERINFO,
        scope: 'openid email',
      });
      expect(answer.expires_in).toBe(86_400);
    });
  });

  describe('invalid_grant (RFC 6749 §5.2)', () => {
    it.each([
      ['an unknown code', async () => redeem(randomBytes(32).toString('base64url'))],
      ['a code of absurd length', async () => redeem('a'.repeat(10_000))],
      ['another client’s code', async () => redeem(await issueCode(), OTHER)],
      [
        'a mismatched redirect_uri',
        async () => redeem(await issueCode(), WEB, { redirect_uri: `${REDIRECT}/` }),
      ],
      [
        'a wrong code_verifier',
        async () => redeem(await issueCode(), WEB, { code_verifier: 'x'.repeat(43) }),
      ],
      [
        'the challenge sent as verifier (plain downgrade)',
        async () => redeem(await issueCode(), WEB, { code_verifier: s256Challenge(VERIFIER) }),
      ],
      [
        'a verifier shorter than 43 characters whose hash is the challenge',
        async () =>
          redeem(await issueCode({ codeChallenge: s256Challenge('short') }), WEB, {
            code_verifier: 'short',
          }),
      ],
    ])('%s', async (_case, attempt) => {
      await expect(attempt()).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(published().filter((e) => e.type === 'token.issued')).toEqual([]);
    });

    it('an expired code', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
      try {
        const code = await issueCode();
        jest.setSystemTime(Date.now() + 60_001);
        await expect(redeem(code)).rejects.toMatchObject({ error: 'invalid_grant' });
      } finally {
        jest.useRealTimers();
      }
    });

    it('does not look up a code longer than any it issues', async () => {
      const lookup = jest.spyOn(codes, 'redeem');
      await expect(redeem('a'.repeat(257))).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(lookup).not.toHaveBeenCalled();
    });

    it('uses the code up even when the redemption fails: one try per code', async () => {
      const code = await issueCode();
      await expect(redeem(code, WEB, { code_verifier: 'x'.repeat(43) })).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      await expect(redeem(code)).rejects.toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('a code redeemed twice (RFC 6749 §4.1.2)', () => {
    const grantRevoked = () => published().filter((e) => e.type === 'grant.revoked');

    it.each([
      ['by its own client', WEB],
      ['by another client', OTHER],
    ])('%s: invalid_grant, and the grant is revoked with its event', async (_case, replayer) => {
      const code = await issueCode();
      const first = await redeem(code);
      const before = Math.floor(Date.now() / 1000);
      await expect(redeem(code, replayer)).rejects.toMatchObject({ error: 'invalid_grant' });

      expect(grantRevoked()).toHaveLength(1);
      const { data, partitionkey } = grantRevoked()[0]!;
      expect(partitionkey).toBe('grant-1');
      expect(data).toEqual({
        grant_id: 'grant-1',
        client_id: WEB.clientId,
        reason: 'code_replay',
        exp: expect.any(Number),
      });
      expect((data as { exp: number }).exp).toBeGreaterThanOrEqual(before + config.maxTokenTtl);
      const claims = decodeJwt(first.access_token);
      await expect(
        revocations.isRevoked({
          clientId: WEB.clientId,
          jti: claims.jti!,
          grantId: 'grant-1',
          iat: claims.iat!,
        }),
      ).resolves.toBe(true);
    });

    it('revokes on the log even when the store is down: the projector applies it', async () => {
      const code = await issueCode();
      await redeem(code);
      jest.spyOn(revocations, 'revoke').mockRejectedValueOnce(new StoreUnavailable());
      await expect(redeem(code)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect(grantRevoked()).toHaveLength(1);
    });

    it('writes no revocation when the log refuses the event', async () => {
      const code = await issueCode();
      await redeem(code);
      jest.spyOn(bus, 'publish').mockRejectedValueOnce(new Error('log down'));
      const revoke = jest.spyOn(revocations, 'revoke');
      await expect(redeem(code)).rejects.toThrow('log down');
      expect(revoke).not.toHaveBeenCalled();
    });
  });

  describe('refresh tokens (OIDC Core §11)', () => {
    const grant = (grantId: string) => ({
      grantId,
      subject: 'user-alice',
      clientId: REFRESHING.clientId,
      scopes: ['openid', 'offline_access'],
      resources: [ORDERS.identifier],
      authTime: 1_700_000_000,
      amr: [],
      idTokenClaims: {},
      userinfoClaims: {},
      createdAt: Date.now() - 10_000,
      lastUsedAt: Date.now() - 10_000,
    });
    const redeemRefreshing = async (grantId: string, scopes: string[]) => {
      await grants.save(grant(grantId), Date.now() + 60_000);
      const code = await issueCode({ clientId: REFRESHING.clientId, grantId, scopes });
      return { code, answer: await redeem(code, REFRESHING) };
    };

    it('comes with the code when offline_access was granted, recorded by digest with its deadlines', async () => {
      const { answer } = await redeemRefreshing('grant-rt', [
        'openid',
        'offline_access',
        'orders:read',
      ]);
      expect(answer.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
      const event = published().find(
        (e) => e.type === 'token.issued' && tokenKindOf(e.data) === 'refresh_token',
      );
      const created = grant('grant-rt').createdAt;
      expect(event?.data).toMatchObject({
        token_digest: tokenDigest(answer.refresh_token!),
        grant_id: 'grant-rt',
        family_exp: Math.floor((created + REFRESHING.refreshToken.ttl * 1000) / 1000),
      });
      await expect(
        refreshStore.find(tokenDigest(answer.refresh_token!), Date.now()),
      ).resolves.toMatchObject({
        active: true,
      });
    });

    it('not for an OpenID grant without offline_access, nor for a client without the grant type', async () => {
      const { answer } = await redeemRefreshing('grant-no-offline', ['openid', 'orders:read']);
      expect(answer.refresh_token).toBeUndefined();
      expect(
        (await redeem(await issueCode({ scopes: ['openid', 'offline_access'] }))).refresh_token,
      ).toBeUndefined();
    });

    it('a replayed code revokes the refresh token its first redemption answered', async () => {
      const { code, answer } = await redeemRefreshing('grant-replayed', [
        'openid',
        'offline_access',
        'orders:read',
      ]);
      await expect(redeem(code, REFRESHING)).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(
        refreshStore.find(tokenDigest(answer.refresh_token!), Date.now()),
      ).resolves.toMatchObject({
        active: false,
      });
    });
  });

  describe('DPoP (RFC 9449 §5, §10)', () => {
    const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    const OTHER_JKT = 'oKIywvGUpTVTyxMQ3bwIIeQUudfr_CkLMjCE19ECD-U';
    const PUBLIC_REFRESHING: ClientConfig = { ...REFRESHING, authMethod: 'none' };
    const refreshFamilyOf = async (by: ClientConfig, dpop?: { jkt: string }) => {
      const grantId = `grant-dpop-${Math.random()}`;
      await grants.save(
        {
          grantId,
          subject: 'user-alice',
          clientId: by.clientId,
          scopes: ['openid', 'offline_access'],
          resources: [ORDERS.identifier],
          authTime: 1_700_000_000,
          amr: [],
          idTokenClaims: {},
          userinfoClaims: {},
          createdAt: Date.now(),
          lastUsedAt: Date.now(),
        },
        Date.now() + 60_000,
      );
      const scopes = ['openid', 'offline_access', 'orders:read'];
      const code = await issueCode({ clientId: by.clientId, grantId, scopes });
      const answer = await redeem(code, by, {}, dpop);
      const state = await refreshStore.find(tokenDigest(answer.refresh_token!), Date.now());
      const event = published().find(
        (e) =>
          e.type === 'token.issued' && e.data.token_digest === tokenDigest(answer.refresh_token!),
      );
      return { answer, record: state?.record, event };
    };

    it('binds the access token to the proof', async () => {
      const answer = await redeem(await issueCode(), WEB, {}, { jkt: JKT });
      expect(answer.token_type).toBe('DPoP');
      expect(decodeJwt(answer.access_token).cnf).toEqual({ jkt: JKT });
    });

    it('redeems a code bound by dpop_jkt only with a proof of that key', async () => {
      await expect(redeem(await issueCode({ dpopJkt: JKT }))).rejects.toMatchObject({
        error: 'invalid_dpop_proof',
      });
      await expect(
        redeem(await issueCode({ dpopJkt: JKT }), WEB, {}, { jkt: OTHER_JKT }),
      ).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
      await expect(
        redeem(await issueCode({ dpopJkt: JKT }), WEB, {}, { jkt: JKT }),
      ).resolves.toMatchObject({ token_type: 'DPoP' });
    });

    it("binds a public client's refresh-token family to the proof's key, on its event too", async () => {
      const { record, event } = await refreshFamilyOf(PUBLIC_REFRESHING, { jkt: JKT });
      expect(record?.jkt).toBe(JKT);
      expect(event?.data).toMatchObject({ cnf_kind: 'jkt', cnf_thumbprint: JKT });
    });

    it("leaves a confidential client's family unbound, and a public one's without a proof", async () => {
      const confidential = await refreshFamilyOf(REFRESHING, { jkt: JKT });
      expect(confidential.answer.token_type).toBe('DPoP');
      expect(confidential.record).not.toHaveProperty('jkt');
      expect(confidential.event?.data).not.toHaveProperty('cnf_kind');
      const bearer = await refreshFamilyOf(PUBLIC_REFRESHING);
      expect(bearer.record).not.toHaveProperty('jkt');
    });
  });
});
