import { AppConfig } from '@app/config';
import { AnyLifecycleEvent, EventFactory, TokenIssuedV1 } from '@app/events';
import {
  MemoryExchangeChainStore,
  MemoryGrantStore,
  MemoryRefreshTokenStore,
  RevocationStore,
  TokenStore,
} from '@app/store';
import { OPAQUE_DIGEST, OPAQUE_TOKEN_ISSUED } from '../../../test/support/token-issued.fixture';
import { LifecycleProjection } from './lifecycle.projection';

const factory = new EventFactory('urn:token-lifecycle:test:projector-spec');
const opaque: TokenIssuedV1 = OPAQUE_TOKEN_ISSUED;

/** What apply(event) writes, each store call recorded; no I/O. */
function setup() {
  const tokens = { save: jest.fn(async () => undefined), find: jest.fn() };
  const revocations = {
    revoke: jest.fn(async () => undefined),
    isRevoked: jest.fn(),
    keyAnnounced: jest.fn(),
    announceKey: jest.fn(),
  };
  const refreshTokens = new MemoryRefreshTokenStore();
  const grants = new MemoryGrantStore();
  const sut = new LifecycleProjection(
    { issuer: 'https://as.example.com', signIn: { sessionMaxTtl: 86_400 } } as AppConfig,
    tokens as unknown as TokenStore,
    revocations as unknown as RevocationStore,
    refreshTokens,
    grants,
    new MemoryExchangeChainStore(),
  );
  const writes = () => [...tokens.save.mock.calls, ...revocations.revoke.mock.calls];
  return { sut, tokens, revocations, refreshTokens, grants, writes };
}

describe('LifecycleProjection.apply', () => {
  it('saves an opaque access token (v1) by its digest', async () => {
    const { sut, tokens } = setup();
    await sut.apply(
      factory.create('token.issued', 'jti-1', 'grant-1', opaque) as AnyLifecycleEvent,
    );
    expect(tokens.save).toHaveBeenCalledWith(
      OPAQUE_DIGEST,
      expect.objectContaining({ jti: 'jti-1', grantId: 'grant-1', clientId: 'web-app' }),
    );
  });

  it('rebuilds how the user signed in (RFC 9068 §2.2.1) from the event, as the minter wrote it', async () => {
    const { sut, tokens } = setup();
    const signedIn = { ...opaque, auth_time: 1_700_000_000, acr: 'loa-2', amr: ['pwd', 'otp'] };
    await sut.apply(
      factory.create('token.issued', 'jti-1', 'grant-1', signedIn) as AnyLifecycleEvent,
    );
    expect(tokens.save).toHaveBeenCalledWith(
      OPAQUE_DIGEST,
      expect.objectContaining({ authTime: 1_700_000_000, acr: 'loa-2', amr: ['pwd', 'otp'] }),
    );
  });

  it('saves an opaque access token written as v2 (kind access_token) the same way', async () => {
    const { sut, tokens } = setup();
    const event = factory.create('token.issued', 'jti-1', 'grant-1', {
      ...opaque,
      kind: 'access_token',
    });
    expect(event.dataschema).toBe('urn:token-lifecycle:schema:token.issued:v2');
    await sut.apply(event as AnyLifecycleEvent);
    expect(tokens.save).toHaveBeenCalledWith(
      OPAQUE_DIGEST,
      expect.objectContaining({ jti: 'jti-1' }),
    );
  });

  it('keeps no state for an ID token, even one that came with a digest (OIDC Core §2)', async () => {
    const { sut, writes } = setup();
    const idToken = factory.create('token.issued', 'jti-2', 'grant-1', {
      ...opaque,
      jti: 'jti-2',
      aud: 'web-app',
      kind: 'id_token',
    });
    await sut.apply(idToken as AnyLifecycleEvent);
    await sut.apply({
      ...idToken,
      dataschema: 'urn:token-lifecycle:schema:token.issued:v3',
      data: { ...opaque, jti: 'jti-2', token_kind: 'id_token' },
    } as AnyLifecycleEvent);
    expect(writes()).toEqual([]);
  });

  it("revokes a subject's tokens, of every client, issued up to revoked_at", async () => {
    const { sut, writes } = setup();
    const event = factory.create('subject.tokens_revoked', 'user-1', 'user-1', {
      sub: 'user-1',
      revoked_at: 1_700_000_000_456,
      exp: 1_700_003_660,
      reason: 'admin',
    });
    await sut.apply(event as AnyLifecycleEvent);
    expect(writes()).toEqual([
      [
        {
          kind: 'subject',
          subject: 'user-1',
          revokedAt: 1_700_000_000_456,
          expiresAt: 1_700_003_660_000,
        },
      ],
    ]);
  });

  it.each<AnyLifecycleEvent>([
    factory.create('authorization.denied', 'web-app', 'web-app', {
      client_id: 'web-app',
      reason: 'consent_denied',
      error: 'access_denied',
    }),
    factory.create('session.started', 'sid-1', 'sid-1', {
      sid: 'sid-1',
      sub: 'user-1',
      auth_time: 1_700_000_000,
      exp: 1_700_086_400,
    }),
    factory.create('session.ended', 'sid-1', 'sid-1', {
      sid: 'sid-1',
      sub: 'user-1',
      reason: 'logout',
    }),
  ] as AnyLifecycleEvent[])('ignores $type: no hot state derives from it', async (event) => {
    const { sut, writes } = setup();
    await expect(sut.apply(event)).resolves.toBe(true);
    expect(writes()).toEqual([]);
  });

  describe('grants', () => {
    const created = factory.create('grant.created', 'grant-1', 'grant-1', {
      grant_id: 'grant-1',
      sub: 'user-1',
      client_id: 'web-app',
      scopes: ['openid', 'offline_access'],
      resources: ['https://orders.example.com'],
      acr: 'loa-2',
      amr: ['pwd'],
      auth_time: 1_700_000_000,
    }) as AnyLifecycleEvent;
    const revoked = factory.create('grant.revoked', 'grant-1', 'grant-1', {
      grant_id: 'grant-1',
      client_id: 'web-app',
      exp: Math.floor(Date.now() / 1000) + 900,
      reason: 'withdrawn',
    }) as AnyLifecycleEvent;
    const createdAt = Date.parse(created.time);

    it('stores the grant of grant.created, created when its event was, released claims none', async () => {
      const { sut, grants } = setup();
      await sut.apply(created);
      await expect(grants.find('grant-1')).resolves.toEqual({
        grantId: 'grant-1',
        subject: 'user-1',
        clientId: 'web-app',
        scopes: ['openid', 'offline_access'],
        resources: ['https://orders.example.com'],
        authTime: 1_700_000_000,
        acr: 'loa-2',
        amr: ['pwd'],
        idTokenClaims: {},
        userinfoClaims: {},
        createdAt,
        lastUsedAt: createdAt,
      });
    });

    it("keeps the request's record (claims, remembered consent) when the log is applied again", async () => {
      const { sut, grants } = setup();
      const consent = {
        idTokenClaims: { email: 'a@example.com' },
        userinfoClaims: { email: 'a@example.com' },
        rememberedUntil: createdAt + 60_000,
      };
      await sut.apply(created, { consent });
      await sut.apply(created);
      await expect(grants.find('grant-1')).resolves.toMatchObject(consent);
    });

    it('ends the grant record with grant.revoked', async () => {
      const { sut, grants } = setup();
      await sut.apply(created);
      await sut.apply(revoked);
      await expect(grants.find('grant-1')).resolves.toBeNull();
      await expect(grants.pageBySubject('user-1', 10)).resolves.toEqual({ grants: [] });
    });
  });

  describe('refresh tokens', () => {
    const now = Math.floor(Date.now() / 1000);
    const [d1, d2] = ['A'.repeat(43), 'B'.repeat(43)];
    const issued = (digest: string, iat: number) =>
      factory.create('token.issued', `rt-${iat}`, 'grant-9', {
        ...opaque,
        jti: `rt-${iat}`,
        aud: 'https://as.example.com',
        scope: 'openid offline_access orders:read',
        grant_id: 'grant-9',
        token_digest: digest,
        kind: 'refresh_token',
        iat,
        exp: iat + 3600,
        family_exp: now + 86_400,
      }) as AnyLifecycleEvent;

    it('rebuilds the family from the log: the last issued token is the live one', async () => {
      const { sut, refreshTokens, writes } = setup();
      await sut.apply(issued(d1, now - 10));
      await sut.apply(issued(d2, now - 5));
      // Re-applied (a live projector after the request path) it changes nothing.
      await sut.apply(issued(d1, now - 10));
      expect(writes()).toEqual([]);
      await expect(refreshTokens.find(d2, Date.now())).resolves.toEqual({
        record: {
          grantId: 'grant-9',
          clientId: 'web-app',
          subject: 'user-1',
          scopes: ['openid', 'offline_access', 'orders:read'],
        },
        active: true,
        expiresAt: (now - 5 + 3600) * 1000,
      });
      await expect(refreshTokens.find(d1, Date.now())).resolves.toMatchObject({ active: false });
    });

    it('revokes the family with the grant, for as long as its refresh tokens could live', async () => {
      const { sut, refreshTokens, revocations } = setup();
      await sut.apply(issued(d1, now - 10));
      const revoked = factory.create('grant.revoked', 'grant-9', 'grant-9', {
        grant_id: 'grant-9',
        client_id: 'web-app',
        exp: now + 900,
        refresh_exp: now + 86_400,
        reason: 'refresh_token_reuse',
      }) as AnyLifecycleEvent;
      await sut.apply(revoked);
      expect(revocations.revoke).toHaveBeenCalledWith({
        kind: 'grant',
        clientId: 'web-app',
        grantId: 'grant-9',
        expiresAt: (now + 900) * 1000,
      });
      await expect(refreshTokens.find(d1, Date.now())).resolves.toMatchObject({ active: false });
      await sut.apply(issued(d2, now - 5));
      await expect(refreshTokens.find(d2, Date.now())).resolves.toBeNull();
    });
  });
});
