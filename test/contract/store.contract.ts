import type { AuthThrottleConfig } from '@app/config';
import type { AccessTokenClaims } from '@app/tokens';
import {
  AuthFailureThrottle,
  ProjectionMarker,
  ReplayStore,
  RevocationFeed,
  RevocationStore,
  TokenStore,
} from '@app/store';

/**
 * The behaviour every adapter of the store ports must have. The in-memory adapters and the Redis
 * adapters both run these suites, so the development server can never behave differently from
 * production. Time is real here (Redis keeps its own clock): lifetimes are short instead.
 */
export interface StoreFactory {
  tokens(): TokenStore;
  revocations(): RevocationStore;
  replays(): ReplayStore;
  throttle(limits: AuthThrottleConfig): AuthFailureThrottle;
  /** A store of its own with no projection marker yet, the feed of it, and its marker. */
  projection(): Promise<ProjectedStore>;
}

export interface ProjectedStore {
  readonly revocations: RevocationStore;
  readonly feed: RevocationFeed;
  readonly marker: ProjectionMarker;
}

let counter = 0;
const unique = (p: string) => `${p}-${process.pid}-${Date.now()}-${++counter}`;
const nowSec = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function claims(overrides: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const iat = nowSec();
  return {
    iss: 'https://issuer.example',
    sub: 'svc-a',
    aud: 'https://orders.example.com',
    clientId: unique('client'),
    scope: 'orders:read',
    jti: unique('jti'),
    iat,
    nbf: iat,
    exp: iat + 60,
    ...overrides,
  };
}

export function describeStoreContract(name: string, make: () => StoreFactory): void {
  describe(`${name} store contract`, () => {
    let sut: StoreFactory;
    beforeEach(() => {
      sut = make();
    });

    describe('TokenStore', () => {
      it('finds a saved token record by digest, and nothing for another digest', async () => {
        const c = claims({ grantId: 'g-1' });
        const digest = unique('digest');
        await sut.tokens().save(digest, c);
        await expect(sut.tokens().find(digest)).resolves.toEqual(c);
        await expect(sut.tokens().find(unique('digest'))).resolves.toBeNull();
      });

      it('forgets a record when its token expires', async () => {
        const digest = unique('digest');
        // exp is whole seconds: the record lives until the next second boundary at most.
        await sut.tokens().save(digest, claims({ exp: nowSec() + 1 }));
        await expect(sut.tokens().find(digest)).resolves.not.toBeNull();
        await sleep(2100);
        await expect(sut.tokens().find(digest)).resolves.toBeNull();
      });

      it('does not keep a record whose token has already expired', async () => {
        const digest = unique('digest');
        await sut.tokens().save(digest, claims({ exp: nowSec() - 1 }));
        await expect(sut.tokens().find(digest)).resolves.toBeNull();
      });
    });

    describe('RevocationStore', () => {
      const subject = (c: AccessTokenClaims) => ({
        clientId: c.clientId,
        jti: c.jti,
        grantId: c.grantId,
        sub: c.sub,
        iat: c.iat,
      });

      it('revokes one token by jti and leaves its siblings alone', async () => {
        const a = claims();
        const b = claims({ clientId: a.clientId });
        await sut.revocations().revoke({
          kind: 'token',
          clientId: a.clientId,
          jti: a.jti,
          expiresAt: a.exp * 1000,
        });
        await expect(sut.revocations().isRevoked(subject(a))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(b))).resolves.toBe(false);
      });

      it('does not confuse the same jti under another client', async () => {
        const a = claims();
        await sut.revocations().revoke({
          kind: 'token',
          clientId: a.clientId,
          jti: a.jti,
          expiresAt: a.exp * 1000,
        });
        const other = { ...subject(a), clientId: unique('client') };
        await expect(sut.revocations().isRevoked(other)).resolves.toBe(false);
      });

      it('revokes every token of a grant', async () => {
        const a = claims({ grantId: unique('grant') });
        const b = claims({ clientId: a.clientId, grantId: a.grantId });
        const c = claims({ clientId: a.clientId, grantId: unique('grant') });
        await sut.revocations().revoke({
          kind: 'grant',
          clientId: a.clientId,
          grantId: a.grantId!,
          expiresAt: a.exp * 1000,
        });
        await expect(sut.revocations().isRevoked(subject(a))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(b))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(c))).resolves.toBe(false);
      });

      it('revokes the tokens a client was issued up to an instant, not later ones', async () => {
        const old = claims({ iat: nowSec() - 10 });
        const later = claims({ clientId: old.clientId, iat: nowSec() + 5 });
        await sut.revocations().revoke({
          kind: 'client',
          clientId: old.clientId,
          revokedAt: Date.now(),
          expiresAt: Date.now() + 60_000,
        });
        await expect(sut.revocations().isRevoked(subject(old))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(later))).resolves.toBe(false);
      });

      it('never narrows a client revocation with an older, replayed one', async () => {
        const c = claims({ iat: nowSec() - 5 });
        const clientId = c.clientId;
        await sut.revocations().revoke({
          kind: 'client',
          clientId,
          revokedAt: Date.now(),
          expiresAt: Date.now() + 60_000,
        });
        await sut.revocations().revoke({
          kind: 'client',
          clientId,
          revokedAt: Date.now() - 60_000,
          expiresAt: Date.now() + 1_000,
        });
        await expect(sut.revocations().isRevoked(subject(c))).resolves.toBe(true);
      });

      it("revokes a subject's tokens of every client up to an instant, not later ones", async () => {
        const sub = unique('alice@example.com');
        const a = claims({ sub, iat: nowSec() - 10 });
        const b = claims({ sub, iat: nowSec() - 10, grantId: unique('grant') });
        const later = claims({ sub, iat: nowSec() + 5 });
        const other = claims({ iat: nowSec() - 10 });
        await sut.revocations().revoke({
          kind: 'subject',
          subject: sub,
          revokedAt: Date.now(),
          expiresAt: Date.now() + 60_000,
        });
        await expect(sut.revocations().isRevoked(subject(a))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(b))).resolves.toBe(true);
        await expect(sut.revocations().isRevoked(subject(later))).resolves.toBe(false);
        await expect(sut.revocations().isRevoked(subject(other))).resolves.toBe(false);
        const { sub: _, ...withoutSub } = subject(a);
        await expect(sut.revocations().isRevoked(withoutSub)).resolves.toBe(false);
      });

      it('never narrows a subject revocation with an older, replayed one', async () => {
        const c = claims({ sub: unique('user'), iat: nowSec() - 5 });
        const at = Date.now();
        await sut.revocations().revoke({
          kind: 'subject',
          subject: c.sub,
          revokedAt: at,
          expiresAt: at + 60_000,
        });
        await sut.revocations().revoke({
          kind: 'subject',
          subject: c.sub,
          revokedAt: at - 60_000,
          expiresAt: at + 1_000,
        });
        await expect(sut.revocations().isRevoked(subject(c))).resolves.toBe(true);
      });

      it('forgets a revocation once the tokens it covers have expired', async () => {
        const a = claims();
        await sut.revocations().revoke({
          kind: 'token',
          clientId: a.clientId,
          jti: a.jti,
          expiresAt: Date.now() + 300,
        });
        await expect(sut.revocations().isRevoked(subject(a))).resolves.toBe(true);
        await sleep(500);
        await expect(sut.revocations().isRevoked(subject(a))).resolves.toBe(false);
      });
    });

    describe('RevocationStore key notices', () => {
      it('remembers which signing keys were announced', async () => {
        const kid = unique('kid');
        await expect(sut.revocations().keyAnnounced(kid)).resolves.toBe(false);
        await sut.revocations().announceKey({ kid, alg: 'ES256' });
        await expect(sut.revocations().keyAnnounced(kid)).resolves.toBe(true);
        await expect(sut.revocations().keyAnnounced(unique('kid'))).resolves.toBe(false);
      });
    });

    describe('ReplayStore', () => {
      it('accepts a key once, refuses it until it expires, then accepts it again', async () => {
        const key = unique('jti');
        await expect(sut.replays().claimOnce(key, Date.now() + 300)).resolves.toBe(true);
        await expect(sut.replays().claimOnce(key, Date.now() + 300)).resolves.toBe(false);
        await sleep(500);
        await expect(sut.replays().claimOnce(key, Date.now() + 300)).resolves.toBe(true);
      });

      it('lets exactly one of many concurrent claims win', async () => {
        const key = unique('jti');
        const results = await Promise.all(
          Array.from({ length: 20 }, () => sut.replays().claimOnce(key, Date.now() + 5_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it('takes a released claim again, and releases an unknown key as a no-op', async () => {
        const key = unique('rat');
        await expect(sut.replays().claimOnce(key, Date.now() + 5_000)).resolves.toBe(true);
        await sut.replays().release(key);
        await expect(sut.replays().claimOnce(key, Date.now() + 5_000)).resolves.toBe(true);
        await expect(sut.replays().claimOnce(key, Date.now() + 5_000)).resolves.toBe(false);
        await expect(sut.replays().release(unique('never-claimed'))).resolves.toBeUndefined();
      });
    });

    describe('AuthFailureThrottle', () => {
      const limits = { failuresPerClient: 3, failuresPerAddress: 5, windowSeconds: 1 };
      const attempt = (clientId = unique('client'), address = unique('addr')) => ({
        clientId,
        address,
      });
      const fail = async (
        t: AuthFailureThrottle,
        a: { clientId?: string; address: string },
        n = 1,
      ) => {
        for (let i = 0; i < n; i++) await t.recordFailure(a);
      };

      it('lets a client id fail up to its limit, then asks it to wait out the window', async () => {
        const t = sut.throttle(limits);
        const a = attempt();
        await fail(t, a, 2);
        await expect(t.retryAfter(a)).resolves.toBe(0);
        await fail(t, a);
        const wait = await t.retryAfter(a);
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(1000);
        // Another address naming the same client id waits too: the id is counted on its own.
        await expect(t.retryAfter({ ...a, address: unique('addr') })).resolves.toBeGreaterThan(0);
      });

      it('counts an address across every client id it names', async () => {
        const t = sut.throttle(limits);
        const address = unique('addr');
        for (let i = 0; i < 5; i++) await fail(t, attempt(unique('client'), address));
        await expect(t.retryAfter(attempt(unique('client'), address))).resolves.toBeGreaterThan(0);
        await expect(t.retryAfter({ address })).resolves.toBeGreaterThan(0);
        // Another address with a fresh client id is unaffected.
        await expect(t.retryAfter(attempt())).resolves.toBe(0);
      });

      it('counts a failure that names no client id against its address only', async () => {
        const t = sut.throttle(limits);
        const address = unique('addr');
        await fail(t, { address }, 5);
        await expect(t.retryAfter({ address })).resolves.toBeGreaterThan(0);
      });

      it('forgets the failures once the window has passed', async () => {
        const t = sut.throttle(limits);
        const a = attempt();
        await fail(t, a, 3);
        await expect(t.retryAfter(a)).resolves.toBeGreaterThan(0);
        await sleep(1200);
        await expect(t.retryAfter(a)).resolves.toBe(0);
      });

      it('counts every one of many concurrent failures', async () => {
        const t = sut.throttle({ ...limits, failuresPerClient: 20, failuresPerAddress: 1000 });
        const a = attempt();
        await Promise.all(Array.from({ length: 19 }, () => t.recordFailure(a)));
        await expect(t.retryAfter(a)).resolves.toBe(0);
        await t.recordFailure(a);
        await expect(t.retryAfter(a)).resolves.toBeGreaterThan(0);
      });
    });

    describe('RevocationFeed', () => {
      const revocation = (jti: string) => ({
        kind: 'token' as const,
        clientId: 'c',
        jti,
        expiresAt: Date.now() + 60_000,
      });

      it('delivers revocations and key notices in order, and resumes after the last id', async () => {
        const { revocations, feed, marker } = await sut.projection();
        await marker.mark();
        await revocations.revoke(revocation('a'));
        await revocations.announceKey({ kid: 'k', alg: 'ES256' });
        const first = await feed.read('0', 0);
        expect(first.entries.map((e) => ('revocation' in e ? e.revocation : e.key))).toEqual([
          { kind: 'token', clientId: 'c', jti: 'a', expiresAt: expect.any(Number) },
          { kid: 'k', alg: 'ES256' },
        ]);
        const last = first.entries[1]!.id;
        await expect(feed.read(last, 0)).resolves.toEqual({ entries: [], complete: true });
        const pending = feed.read(last, 5_000);
        await revocations.revoke(revocation('b'));
        const next = await pending;
        expect(next.entries.map((e) => ('revocation' in e ? e.revocation : e.key))).toEqual([
          { kind: 'token', clientId: 'c', jti: 'b', expiresAt: expect.any(Number) },
        ]);
      });

      it('says complete only once the projection marker is there, and feeds what it has before', async () => {
        const { revocations, feed, marker } = await sut.projection();
        await revocations.revoke(revocation('replayed'));
        const before = await feed.read('0', 0);
        expect(before.complete).toBe(false);
        expect(before.entries).toHaveLength(1);
        await expect(marker.present()).resolves.toBe(false);
        await marker.mark();
        await expect(marker.present()).resolves.toBe(true);
        await expect(feed.read(before.entries[0]!.id, 0)).resolves.toEqual({
          entries: [],
          complete: true,
        });
      });
    });
  });
}
