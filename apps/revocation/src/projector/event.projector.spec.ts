import { AppConfig } from '@app/config';
import { AnyLifecycleEvent, EventBus, EventFactory, TokenIssuedV1 } from '@app/events';
import { ProjectionMarker, RevocationStore, TokenStore } from '@app/store';
import { EventProjector } from './event.projector';

const factory = new EventFactory('urn:token-lifecycle:test:projector-spec');
const DIGEST = 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg';
const opaque: TokenIssuedV1 = {
  jti: 'jti-1',
  client_id: 'web-app',
  sub: 'user-1',
  aud: 'https://orders.example.com',
  scope: 'orders:read',
  grant_type: 'authorization_code',
  grant_id: 'grant-1',
  format: 'opaque',
  token_digest: DIGEST,
  iat: 1_700_000_000,
  exp: 1_700_003_600,
};

/** What apply(event) writes, each store call recorded; no I/O. */
function setup() {
  const tokens = { save: jest.fn(async () => undefined), find: jest.fn() };
  const revocations = {
    revoke: jest.fn(async () => undefined),
    isRevoked: jest.fn(),
    keyAnnounced: jest.fn(),
    announceKey: jest.fn(),
  };
  const sut = new EventProjector(
    { issuer: 'https://as.example.com', projector: true } as unknown as AppConfig,
    {} as EventBus,
    tokens as unknown as TokenStore,
    revocations as unknown as RevocationStore,
    {} as ProjectionMarker,
  );
  const writes = () => [...tokens.save.mock.calls, ...revocations.revoke.mock.calls];
  return { sut, tokens, writes };
}

describe('EventProjector.apply', () => {
  it('saves an opaque access token (v1) by its digest', async () => {
    const { sut, tokens } = setup();
    await sut.apply(
      factory.create('token.issued', 'jti-1', 'grant-1', opaque) as AnyLifecycleEvent,
    );
    expect(tokens.save).toHaveBeenCalledWith(
      DIGEST,
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
      DIGEST,
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
    expect(tokens.save).toHaveBeenCalledWith(DIGEST, expect.objectContaining({ jti: 'jti-1' }));
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
    factory.create('grant.created', 'grant-1', 'grant-1', {
      grant_id: 'grant-1',
      sub: 'user-1',
      client_id: 'web-app',
      scopes: ['openid'],
      resources: [],
      auth_time: 1_700_000_000,
    }),
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
  ] as AnyLifecycleEvent[])('ignores $type: no store state derives from it yet', async (event) => {
    const { sut, writes } = setup();
    await expect(sut.apply(event)).resolves.toBeUndefined();
    expect(writes()).toEqual([]);
  });
});
