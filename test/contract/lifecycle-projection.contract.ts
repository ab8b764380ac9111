import type { AppConfig } from '@app/config';
import { AnyLifecycleEvent, EventCatalogue, EventFactory, EventType } from '@app/events';
import {
  exchangeGrantId,
  issuedTokenOf,
  LifecycleProjection,
  opaqueTokenRecord,
  tokenIssuedData,
} from '@app/projection';
import type {
  ExchangeChainStore,
  GrantStore,
  RefreshTokenStore,
  Revocation,
  RevocationStore,
  TokenStore,
} from '@app/store';
import { OpaqueTokenFormat } from '@app/tokens';
import { unique } from './flow/flow-fixtures';

export const PROJECTION_CONFIG = {
  issuer: 'https://as.example.com',
  signIn: { sessionMaxTtl: 86_400 },
} as AppConfig;

/** One adapter set under the projection, and the revocations it put on the replicas' stream. */
export interface ProjectionSubject {
  readonly tokens: TokenStore;
  readonly revocations: RevocationStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly grants: GrantStore;
  readonly chains: ExchangeChainStore;
  /** Every revocation on the stream so far (the suite filters by its own unique ids). */
  streamed(): Promise<Revocation[]>;
}

const factory = new EventFactory('urn:token-lifecycle:contract:projection');
const event = <T extends EventType>(type: T, key: string, data: EventCatalogue[T]) =>
  factory.create(type, key, key, data) as AnyLifecycleEvent;

/**
 * The contract of `LifecycleProjection.apply` (DESIGN "One projection"), run on the in-memory
 * adapters and on Redis: what each event writes, that applying it again (the projector after
 * the request path) or replaying the log changes nothing, and that a revocation reaches the
 * stream the replicas follow once, however often its event is applied.
 */
export function describeLifecycleProjectionContract(
  name: string,
  make: () => ProjectionSubject,
): void {
  describe(`LifecycleProjection on ${name} adapters`, () => {
    let s: ProjectionSubject;
    let sut: LifecycleProjection;
    beforeEach(() => {
      s = make();
      sut = new LifecycleProjection(
        PROJECTION_CONFIG,
        s.tokens,
        s.revocations,
        s.refreshTokens,
        s.grants,
        s.chains,
      );
    });
    const now = () => Math.floor(Date.now() / 1000);
    /** Twice, as the request path and then the projector apply every event. */
    const applyTwice = async (e: AnyLifecycleEvent) => {
      await expect(sut.apply(e)).resolves.toBe(true);
      await expect(sut.apply(e)).resolves.toBe(true);
    };
    const streamedFor = async (clientId: string) =>
      (await s.streamed()).filter((r) => r.kind !== 'subject' && r.clientId === clientId);

    const accessToken = (clientId: string, grantId?: string) => {
      const { digest } = OpaqueTokenFormat.mint('at');
      const data = tokenIssuedData({
        kind: 'access_token',
        jti: unique('jti'),
        clientId,
        sub: 'user-1',
        aud: 'https://orders.example.com',
        scope: 'orders:read',
        grantType: grantId ? 'authorization_code' : 'client_credentials',
        ...(grantId === undefined ? {} : { grantId, authTime: now() - 5, amr: ['pwd'] }),
        digest,
        iat: now(),
        exp: now() + 600,
      });
      return { digest, data, event: event('token.issued', grantId ?? clientId, data) };
    };

    it('stores an opaque access token as the codec makes its record, and again unchanged', async () => {
      const clientId = unique('client');
      const t = accessToken(clientId, unique('grant'));
      await applyTwice(t.event);
      const record = opaqueTokenRecord(issuedTokenOf(t.data), PROJECTION_CONFIG.issuer);
      await expect(s.tokens.find(t.digest)).resolves.toEqual(record);
    });

    it('keeps no state for a JWT or an ID token', async () => {
      const clientId = unique('client');
      const t = accessToken(clientId);
      const { token_digest: _d, ...jwt } = { ...t.data, format: 'jwt' as const };
      await applyTwice(event('token.issued', clientId, jwt));
      const idToken = { ...t.data, token_kind: 'id_token' as const, grant_id: unique('grant') };
      await applyTwice(event('token.issued', clientId, idToken));
      await expect(s.tokens.find(t.digest)).resolves.toBeNull();
    });

    it('revokes a token: on the stream once, however often its event is applied', async () => {
      const clientId = unique('client');
      const jti = unique('jti');
      const exp = now() + 600;
      const revoked = event('token.revoked', clientId, {
        jti,
        client_id: clientId,
        exp,
        revoked_by: clientId,
      });
      await applyTwice(revoked);
      await applyTwice(revoked);
      await expect(s.revocations.isRevoked({ clientId, jti, iat: now() })).resolves.toBe(true);
      await expect(streamedFor(clientId)).resolves.toEqual([
        { kind: 'token', clientId, jti, expiresAt: exp * 1000 },
      ]);
    });

    it('streams a token revocation once when the request path and the projector apply it at once', async () => {
      const clientId = unique('client');
      const jti = unique('jti');
      const exp = now() + 600;
      const revoked = event('token.revoked', clientId, {
        jti,
        client_id: clientId,
        exp,
        revoked_by: clientId,
      });
      // Both read the store before either wrote it (on a cluster each write waits for a replica).
      await expect(Promise.all([sut.apply(revoked), sut.apply(revoked)])).resolves.toEqual([
        true,
        true,
      ]);
      await expect(streamedFor(clientId)).resolves.toEqual([
        { kind: 'token', clientId, jti, expiresAt: exp * 1000 },
      ]);
    });

    it('streams a client revocation again only when it widens the entry', async () => {
      const clientId = unique('client');
      const at = Date.now();
      const t0 = now();
      const cut = (revokedAt: number, exp: number) =>
        event('client.tokens_revoked', clientId, {
          client_id: clientId,
          revoked_at: revokedAt,
          exp,
          reason: 'admin',
        });
      await applyTwice(cut(at, t0 + 600));
      await applyTwice(cut(at - 1000, t0 + 300)); // older and shorter: replayed out of order
      await applyTwice(cut(at + 1000, t0 + 300)); // a later cut-off widens it
      await expect(streamedFor(clientId)).resolves.toEqual([
        { kind: 'client', clientId, revokedAt: at, expiresAt: (t0 + 600) * 1000 },
        { kind: 'client', clientId, revokedAt: at + 1000, expiresAt: (t0 + 300) * 1000 },
      ]);
    });

    it('revokes a subject everywhere, streamed once', async () => {
      const subject = unique('user');
      const revoked = event('subject.tokens_revoked', subject, {
        sub: subject,
        revoked_at: Date.now(),
        exp: now() + 600,
        reason: 'admin',
      });
      await applyTwice(revoked);
      const ofSubject = (await s.streamed()).filter(
        (r) => r.kind === 'subject' && r.subject === subject,
      );
      expect(ofSubject).toHaveLength(1);
      const token = { clientId: unique('client'), jti: 'j', sub: subject, iat: now() - 1 };
      await expect(s.revocations.isRevoked(token)).resolves.toBe(true);
    });

    describe('token exchange chains (RFC 8693)', () => {
      /** A token exchanged from `subject` (client and jti, and its grant) by `clientId`. */
      const exchanged = (
        clientId: string,
        subject: { clientId: string; jti: string; grantId?: string },
        opaque = true,
        sub = 'user-1',
      ) => {
        const { digest } = OpaqueTokenFormat.mint('at');
        const jti = unique('jti');
        const grantId = exchangeGrantId(subject.clientId, subject.jti);
        const data = tokenIssuedData({
          kind: 'access_token',
          jti,
          clientId,
          sub,
          aud: 'https://ledger.example.com',
          scope: 'ledger:read',
          grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
          grantId,
          ...(opaque ? { digest } : {}),
          iat: now(),
          exp: now() + 300,
          act: { sub: clientId },
          exchange: {
            kind: 'delegation',
            subjectJti: subject.jti,
            subjectClientId: subject.clientId,
            ...(subject.grantId === undefined ? {} : { subjectGrantId: subject.grantId }),
          },
        });
        const token = { clientId, jti, grantId, sub, iat: now() };
        return { token, data, event: event('token.issued', grantId, data) };
      };
      const tokenRevoked = (clientId: string, jti: string) =>
        event('token.revoked', clientId, {
          jti,
          client_id: clientId,
          exp: now() + 600,
          revoked_by: clientId,
        });

      it('keeps the act of an exchanged opaque token in its record', async () => {
        const x = exchanged(unique('ledger'), { clientId: unique('orders'), jti: unique('jti') });
        await applyTwice(x.event);
        const record = await s.tokens.find(x.data.token_digest!);
        expect(record?.act).toEqual({ sub: x.token.clientId });
      });

      it('revokes a chain of two exchanges when the first subject token is revoked, streamed once each', async () => {
        const [orders, ledger, payments] = [unique('orders'), unique('ledger'), unique('payments')];
        const root = { clientId: orders, jti: unique('jti') }; // a client_credentials JWT
        const first = exchanged(ledger, root, false);
        const second = exchanged(payments, { ...first.token, grantId: first.token.grantId });
        await applyTwice(first.event);
        await applyTwice(second.event);
        await expect(s.revocations.isRevoked(first.token)).resolves.toBe(false);
        await expect(s.revocations.isRevoked(second.token)).resolves.toBe(false);
        await applyTwice(tokenRevoked(orders, root.jti));
        await expect(s.revocations.isRevoked(first.token)).resolves.toBe(true);
        await expect(s.revocations.isRevoked(second.token)).resolves.toBe(true);
        await expect(streamedFor(ledger)).resolves.toEqual([
          expect.objectContaining({
            kind: 'grant',
            clientId: ledger,
            grantId: first.token.grantId,
          }),
        ]);
        await expect(streamedFor(payments)).resolves.toEqual([
          expect.objectContaining({
            kind: 'grant',
            clientId: payments,
            grantId: second.token.grantId,
          }),
        ]);
      });

      it('revokes only the tokens below the revoked one: the middle of a chain', async () => {
        const [orders, ledger, payments] = [unique('orders'), unique('ledger'), unique('payments')];
        const root = { clientId: orders, jti: unique('jti') };
        const first = exchanged(ledger, root);
        const second = exchanged(payments, { ...first.token });
        await applyTwice(first.event);
        await applyTwice(second.event);
        await applyTwice(tokenRevoked(ledger, first.token.jti));
        await expect(s.revocations.isRevoked(first.token)).resolves.toBe(true);
        await expect(s.revocations.isRevoked(second.token)).resolves.toBe(true);
        // The exchange grant of the root token (which holds `first`) is untouched by this.
        await expect(streamedFor(ledger)).resolves.toEqual([
          expect.objectContaining({ kind: 'token', jti: first.token.jti }),
        ]);
      });

      it("revokes what was exchanged from a user grant's token when the grant is revoked", async () => {
        const [web, ledger] = [unique('web'), unique('ledger')];
        const grantId = unique('grant');
        const user = { clientId: web, jti: unique('jti'), grantId };
        const x = exchanged(ledger, user);
        await applyTwice(x.event);
        await applyTwice(
          event('grant.revoked', grantId, {
            grant_id: grantId,
            client_id: web,
            exp: now() + 600,
            reason: 'admin',
          }),
        );
        await expect(s.revocations.isRevoked(x.token)).resolves.toBe(true);
      });

      const clientRevoked = (clientId: string, revokedAt: number) =>
        event('client.tokens_revoked', clientId, {
          client_id: clientId,
          revoked_at: revokedAt,
          exp: now() + 600,
          reason: 'admin',
        });

      it("revokes what was exchanged from a client's tokens when all its tokens are, down the chain", async () => {
        const [orders, ledger, payments] = [unique('orders'), unique('ledger'), unique('payments')];
        const first = exchanged(ledger, { clientId: orders, jti: unique('jti') });
        const second = exchanged(payments, { ...first.token });
        const elsewhere = exchanged(ledger, { clientId: unique('web'), jti: unique('jti') });
        for (const x of [first, second, elsewhere]) await applyTwice(x.event);
        await applyTwice(clientRevoked(orders, Date.now()));
        await expect(s.revocations.isRevoked(first.token)).resolves.toBe(true);
        await expect(s.revocations.isRevoked(second.token)).resolves.toBe(true);
        await expect(s.revocations.isRevoked(elsewhere.token)).resolves.toBe(false);
        await expect(streamedFor(ledger)).resolves.toEqual([
          expect.objectContaining({ kind: 'grant', grantId: first.token.grantId }),
        ]);
      });

      it("leaves what was exchanged after a client's cut-off, in whatever order the log is applied", async () => {
        const [orders, ledger] = [unique('orders'), unique('ledger')];
        const before = exchanged(ledger, { clientId: orders, jti: unique('jti') });
        const after = exchanged(ledger, { clientId: orders, jti: unique('jti') });
        const cutOff = (before.data.iat - 1) * 1000;
        // The cut-off is older than both exchanges: neither subject token is known to be
        // covered, whether the revocation is applied first or last.
        await applyTwice(before.event);
        await applyTwice(clientRevoked(orders, cutOff));
        await applyTwice(after.event);
        await expect(s.revocations.isRevoked(before.token)).resolves.toBe(false);
        await expect(s.revocations.isRevoked(after.token)).resolves.toBe(false);
      });

      it("revokes an exchange applied after its subject client's cut-off that covers it (a replay)", async () => {
        const [orders, ledger] = [unique('orders'), unique('ledger')];
        const x = exchanged(ledger, { clientId: orders, jti: unique('jti') });
        await applyTwice(clientRevoked(orders, Date.now() + 1000));
        await applyTwice(x.event);
        await expect(s.revocations.isRevoked(x.token)).resolves.toBe(true);
      });

      /**
       * What an exchange and a revocation leave in either order of the log (a rebuilt Redis
       * replays partitions in another order than the live projection saw them): whether the
       * exchanged token is revoked, and the grant entries put on the stream for its client.
       */
      const bothOrders = async (
        revocation: (subject: { clientId: string; jti: string; sub: string }) => AnyLifecycleEvent,
      ) => {
        const results = [];
        for (const order of ['exchange first', 'revocation first']) {
          const subject = { clientId: unique('orders'), jti: unique('jti'), sub: unique('sub') };
          const ledger = unique('ledger');
          const x = exchanged(ledger, subject, true, subject.sub);
          const events = [x.event, revocation(subject)];
          if (order === 'revocation first') events.reverse();
          for (const e of events) await applyTwice(e);
          const grants = (await streamedFor(ledger)).filter((r) => r.kind === 'grant');
          results.push({ order, x, grants, revoked: await s.revocations.isRevoked(x.token) });
        }
        return results;
      };

      it("revokes an exchange grant for as long as its own tokens live, not its subject client's, in either order", async () => {
        const results = await bothOrders((subject) =>
          clientRevoked(subject.clientId, Date.now() + 1000),
        );
        for (const { order, x, grants, revoked } of results) {
          expect({ order, revoked }).toEqual({ order, revoked: true });
          // The client's revocation lasts 600 s; the exchanged token, 300 s.
          expect(grants).toEqual([
            expect.objectContaining({ grantId: x.token.grantId, expiresAt: x.data.exp * 1000 }),
          ]);
        }
      });

      it('revokes an exchange grant for as long as its own tokens live, not its subject token, in either order', async () => {
        const results = await bothOrders((subject) => tokenRevoked(subject.clientId, subject.jti));
        for (const { order, x, grants, revoked } of results) {
          expect({ order, revoked }).toEqual({ order, revoked: true });
          // The subject token lives 600 s; the exchanged token, 300 s.
          expect(grants).toEqual([
            expect.objectContaining({ grantId: x.token.grantId, expiresAt: x.data.exp * 1000 }),
          ]);
        }
      });

      it('adds no grant entry for a revocation of the whole subject, in either order: it covers the exchanged token itself', async () => {
        const results = await bothOrders((subject) =>
          event('subject.tokens_revoked', subject.sub, {
            sub: subject.sub,
            revoked_at: Date.now() + 1000,
            exp: now() + 600,
            reason: 'admin',
          }),
        );
        for (const { order, grants, revoked } of results)
          expect({ order, revoked, grants }).toEqual({ order, revoked: true, grants: [] });
      });

      it('revokes an exchange applied after its subject token was revoked (a race, or a replay)', async () => {
        const [orders, ledger, payments] = [unique('orders'), unique('ledger'), unique('payments')];
        const root = { clientId: orders, jti: unique('jti') };
        const first = exchanged(ledger, root);
        const second = exchanged(payments, { ...first.token });
        // Log order across partitions is not promised: the revocation first, then both.
        await applyTwice(tokenRevoked(orders, root.jti));
        await applyTwice(second.event);
        await applyTwice(first.event);
        await expect(s.revocations.isRevoked(first.token)).resolves.toBe(true);
        await expect(s.revocations.isRevoked(second.token)).resolves.toBe(true);
      });
    });

    describe('grants and their refresh tokens', () => {
      const grantOf = (clientId: string) => {
        const grantId = unique('grant');
        const created = event('grant.created', grantId, {
          grant_id: grantId,
          sub: unique('user'),
          client_id: clientId,
          scopes: ['openid', 'offline_access'],
          resources: [],
          amr: ['pwd'],
          auth_time: now() - 10,
        });
        const refreshToken = (iat: number, cnf?: { jkt: string }) => {
          const { digest } = OpaqueTokenFormat.mint('rt');
          const data = tokenIssuedData({
            kind: 'refresh_token',
            jti: unique('jti'),
            clientId,
            sub: 'user-1',
            aud: PROJECTION_CONFIG.issuer,
            scope: 'openid offline_access',
            grantType: 'authorization_code',
            grantId,
            digest,
            iat,
            exp: iat + 3600,
            familyExp: now() + 86_400,
            ...(cnf === undefined ? {} : { cnf }),
          });
          return { digest, event: event('token.issued', grantId, data) };
        };
        const exp = now() + 600;
        const revoked = event('grant.revoked', grantId, {
          grant_id: grantId,
          client_id: clientId,
          exp,
          refresh_exp: now() + 86_400,
          reason: 'refresh_token_reuse',
        });
        return { grantId, created, refreshToken, revoked, exp };
      };

      it('stores the grant of grant.created, and the request keeps the claims it released', async () => {
        const g = grantOf(unique('client'));
        const consent = { idTokenClaims: { name: 'A' }, userinfoClaims: { name: 'A' } };
        await expect(sut.apply(g.created, { consent })).resolves.toBe(true);
        await applyTwice(g.created);
        await expect(s.grants.find(g.grantId)).resolves.toMatchObject({
          grantId: g.grantId,
          createdAt: Date.parse(g.created.time),
          ...consent,
        });
      });

      it("keeps the request's claims when the projector applied the event first (split topology)", async () => {
        const g = grantOf(unique('client'));
        const consent = { idTokenClaims: { email: 'a@x.example' }, userinfoClaims: { name: 'A' } };
        await sut.apply(g.created);
        await sut.apply(g.created, { consent });
        await sut.apply(g.created);
        await expect(s.grants.find(g.grantId)).resolves.toMatchObject(consent);
      });

      it('rebuilds a family from the log in order: the newest token is the live one', async () => {
        const g = grantOf(unique('client'));
        const [first, second] = [g.refreshToken(now() - 20), g.refreshToken(now() - 10)];
        for (const e of [g.created, first.event, second.event]) await applyTwice(e);
        // The older event again (redelivered): its token stays retired, and apply says so.
        await expect(sut.apply(first.event)).resolves.toBe(false);
        const [a, b] = await Promise.all([
          s.refreshTokens.find(first.digest, Date.now()),
          s.refreshTokens.find(second.digest, Date.now()),
        ]);
        expect([a?.active, b?.active]).toEqual([false, true]);
        expect(b?.record.grantId).toBe(g.grantId);
      });

      // RFC 9449 §5: a public client's family is bound to a DPoP key; token.issued v4 carries it.
      it("rebuilds a bound family with its DPoP key from the tokens' cnf", async () => {
        const g = grantOf(unique('client'));
        const cnf = { jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' };
        const [first, second] = [g.refreshToken(now() - 20, cnf), g.refreshToken(now() - 10, cnf)];
        expect(second.event.data).toMatchObject({ cnf_kind: 'jkt', cnf_thumbprint: cnf.jkt });
        for (const e of [g.created, first.event, second.event]) await applyTwice(e);
        await expect(s.refreshTokens.find(second.digest, Date.now())).resolves.toMatchObject({
          active: true,
          record: { grantId: g.grantId, jkt: cnf.jkt },
        });
        const unbound = grantOf(unique('client')).refreshToken(now());
        await applyTwice(unbound.event);
        const state = await s.refreshTokens.find(unbound.digest, Date.now());
        expect(state?.record).not.toHaveProperty('jkt');
      });

      it('changes nothing when the event of a rotation is applied after the atomic rotation', async () => {
        const g = grantOf(unique('client'));
        const first = g.refreshToken(now() - 20);
        await applyTwice(first.event);
        const second = g.refreshToken(now());
        const rotation = await s.refreshTokens.rotate(
          first.digest,
          { digest: second.digest, idleExpiresAt: Date.now() + 3_600_000 },
          Date.now(),
          0,
        );
        expect(rotation.outcome).toBe('rotated');
        const before = await s.refreshTokens.find(second.digest, Date.now());
        await applyTwice(second.event);
        await expect(s.refreshTokens.find(second.digest, Date.now())).resolves.toEqual(before);
        await expect(s.refreshTokens.find(first.digest, Date.now())).resolves.toMatchObject({
          active: false,
        });
      });

      it('revokes every token of the grant and ends it: streamed once, later issues refused', async () => {
        const clientId = unique('client');
        const g = grantOf(clientId);
        const first = g.refreshToken(now() - 20);
        for (const e of [g.created, first.event]) await applyTwice(e);
        await applyTwice(g.revoked);
        await expect(s.grants.find(g.grantId)).resolves.toBeNull();
        await expect(s.refreshTokens.find(first.digest, Date.now())).resolves.toMatchObject({
          active: false,
        });
        const token = { clientId, jti: 'any', grantId: g.grantId, iat: now() };
        await expect(s.revocations.isRevoked(token)).resolves.toBe(true);
        await expect(streamedFor(clientId)).resolves.toEqual([
          { kind: 'grant', clientId, grantId: g.grantId, expiresAt: g.exp * 1000 },
        ]);
        // A refresh token issued after the revocation (a redemption racing it) is refused.
        await expect(sut.apply(g.refreshToken(now()).event)).resolves.toBe(false);
      });
    });
  });
}
