import type { RefreshTokenRecord, RefreshTokenStore } from '@app/store';
import {
  concurrently,
  Elapse,
  PAST_SHORT_TTL_MS,
  SHORT_TTL_MS,
  unique,
} from './flow/flow-fixtures';

const HOUR = 3_600_000;

function family(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    grantId: unique('grant'),
    clientId: unique('client'),
    subject: unique('sub'),
    scopes: ['openid', 'offline_access', 'orders:read'],
    ...overrides,
  };
}

/**
 * The behaviour every RefreshTokenStore adapter must have (issue 11, fosite flow_refresh):
 * rotation, reuse detection and grace as one atomic step; at most one live token per family
 * under any interleaving; deadlines. The in-memory adapter (fake clock) and Redis both run it.
 */
export function describeRefreshTokenContract(
  name: string,
  make: () => RefreshTokenStore,
  elapse: Elapse,
): void {
  describe(`${name} RefreshTokenStore contract`, () => {
    let sut: RefreshTokenStore;
    beforeEach(() => {
      sut = make();
    });
    const deadlines = (now: number) => ({
      absoluteExpiresAt: now + 24 * HOUR,
      idleExpiresAt: now + HOUR,
    });
    const next = (now: number) => ({ digest: unique('rt'), idleExpiresAt: now + HOUR });
    async function issued(record = family(), now = Date.now()) {
      const digest = unique('rt');
      await expect(sut.issue(record, digest, deadlines(now), now)).resolves.toBe(true);
      return { record, digest, now };
    }
    async function liveAmong(digests: string[], now: number): Promise<string[]> {
      const states = await Promise.all(digests.map((d) => sut.find(d, now)));
      return digests.filter((_, i) => states[i]?.active === true);
    }

    it('rotates the live token: the new one is live, the presented one retired', async () => {
      const { record, digest, now } = await issued();
      const n = next(now);
      await expect(sut.rotate(digest, n, now + 1, 0)).resolves.toEqual({
        outcome: 'rotated',
        record,
        expiresAt: n.idleExpiresAt,
      });
      await expect(sut.find(n.digest, now + 2)).resolves.toEqual({
        record,
        active: true,
        expiresAt: n.idleExpiresAt,
      });
      await expect(sut.find(digest, now + 2)).resolves.toMatchObject({ record, active: false });
    });

    // RFC 9449 §5: the family's DPoP key is part of its record, kept through every rotation.
    it("keeps a bound family's DPoP key thumbprint through find and rotation", async () => {
      const bound = family({ jkt: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' });
      const { record, digest, now } = await issued(bound);
      await expect(sut.find(digest, now + 1)).resolves.toMatchObject({ record: bound });
      const n = next(now);
      await expect(sut.rotate(digest, n, now + 1, 0)).resolves.toMatchObject({
        outcome: 'rotated',
        record: { jkt: bound.jkt },
      });
      await expect(sut.find(n.digest, now + 2)).resolves.toEqual({
        record,
        active: true,
        expiresAt: n.idleExpiresAt,
      });
      const unbound = await issued();
      expect((await sut.find(unbound.digest, now))?.record).not.toHaveProperty('jkt');
    });

    it('without grace, a retired token presented again revokes the family', async () => {
      const { record, digest, now } = await issued();
      const n = next(now);
      await sut.rotate(digest, n, now + 1, 0);
      await expect(sut.rotate(digest, next(now), now + 2, 0)).resolves.toEqual({
        outcome: 'reuse',
        record,
      });
      await expect(sut.find(n.digest, now + 3)).resolves.toMatchObject({ active: false });
      await expect(sut.rotate(n.digest, next(now), now + 3, 0)).resolves.toEqual({
        outcome: 'unknown',
      });
      // A revoked family takes no new token either (a code redemption racing the revocation).
      await expect(sut.issue(record, unique('rt'), deadlines(now), now + 4)).resolves.toBe(false);
    });

    // Replicas read their clocks before their steps reach the store, so a second presentation
    // may carry a `now` earlier than the rotation that retired the token (CI saw two 200s).
    it('without grace, a reuse whose clock reads before the retirement still revokes', async () => {
      const { record, digest, now } = await issued();
      const n = next(now);
      await sut.rotate(digest, n, now + 5, 0);
      await expect(sut.rotate(digest, next(now), now + 4, 0)).resolves.toEqual({
        outcome: 'reuse',
        record,
      });
      await expect(liveAmong([digest, n.digest], now + 6)).resolves.toEqual([]);
    });

    it('within the grace, a presentation whose clock reads before the retirement is in it', async () => {
      const { record, digest, now } = await issued();
      const [n1, n2] = [next(now), next(now)];
      await sut.rotate(digest, n1, now + 5, 10_000);
      await expect(sut.rotate(digest, n2, now + 4, 10_000)).resolves.toEqual({
        outcome: 'reused-within-grace',
        record,
        expiresAt: n2.idleExpiresAt,
      });
      await expect(liveAmong([digest, n1.digest, n2.digest], now + 6)).resolves.toEqual([
        n2.digest,
      ]);
    });

    it('within the grace, a retired token gets a new one and the family continues from it', async () => {
      const { record, digest, now } = await issued();
      const [n1, n2, n3] = [next(now), next(now), next(now)];
      await sut.rotate(digest, n1, now + 1, 10_000);
      await expect(sut.rotate(digest, n2, now + 2, 10_000)).resolves.toEqual({
        outcome: 'reused-within-grace',
        record,
        expiresAt: n2.idleExpiresAt,
      });
      await expect(liveAmong([digest, n1.digest, n2.digest], now + 3)).resolves.toEqual([
        n2.digest,
      ]);
      // n1, retired by the grace exchange, is itself within the grace.
      await expect(sut.rotate(n1.digest, n3, now + 4, 10_000)).resolves.toMatchObject({
        outcome: 'reused-within-grace',
      });
      await expect(liveAmong([n1.digest, n2.digest, n3.digest], now + 5)).resolves.toEqual([
        n3.digest,
      ]);
      // Past the grace, the first token is a reuse.
      await expect(sut.rotate(digest, next(now), now + 10_002, 10_000)).resolves.toEqual({
        outcome: 'reuse',
        record,
      });
      await expect(liveAmong([n3.digest], now + 10_003)).resolves.toEqual([]);
    });

    it('of 20 concurrent presentations without grace, one rotates and none leaves a live token', async () => {
      const { digest, now } = await issued();
      const nexts = Array.from({ length: 20 }, () => next(now));
      const results = await concurrently(20, (i) => sut.rotate(digest, nexts[i]!, now + 1, 0));
      expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'reuse')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'unknown')).toHaveLength(18);
      await expect(
        liveAmong(
          nexts.map((n) => n.digest),
          now + 2,
        ),
      ).resolves.toEqual([]);
    });

    it('of 20 concurrent presentations within the grace, all succeed and one token is live', async () => {
      const { digest, now } = await issued();
      const nexts = Array.from({ length: 20 }, () => next(now));
      const results = await concurrently(20, (i) => sut.rotate(digest, nexts[i]!, now + 1, 5_000));
      expect(results.filter((r) => r.outcome === 'rotated')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'reused-within-grace')).toHaveLength(19);
      await expect(
        liveAmong([digest, ...nexts.map((n) => n.digest)], now + 2),
      ).resolves.toHaveLength(1);
    });

    it('refuses a token past its idle deadline, and caps every deadline at the absolute one', async () => {
      const now = Date.now();
      const record = family();
      const digest = unique('rt');
      await sut.issue(
        record,
        digest,
        { absoluteExpiresAt: now + 3 * HOUR, idleExpiresAt: now + HOUR },
        now,
      );
      await expect(sut.rotate(digest, next(now), now + HOUR, 0)).resolves.toEqual({
        outcome: 'expired',
        record,
      });
      await expect(sut.find(digest, now + HOUR)).resolves.toMatchObject({ active: false });
      const n = { digest: unique('rt'), idleExpiresAt: now + 5 * HOUR };
      await expect(sut.rotate(digest, n, now + HOUR - 1, 0)).resolves.toEqual({
        outcome: 'rotated',
        record,
        expiresAt: now + 3 * HOUR,
      });
      await expect(sut.rotate(n.digest, next(now), now + 3 * HOUR, 0)).resolves.toEqual({
        outcome: 'expired',
        record,
      });
    });

    it('forgets the family and its tokens at the absolute deadline', async () => {
      const now = Date.now();
      const digest = unique('rt');
      const d = { absoluteExpiresAt: now + SHORT_TTL_MS, idleExpiresAt: now + HOUR };
      await sut.issue(family(), digest, d, now);
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find(digest, Date.now())).resolves.toBeNull();
      await expect(sut.rotate(digest, next(Date.now()), Date.now(), 0)).resolves.toEqual({
        outcome: 'unknown',
      });
      await expect(sut.issue(family(), unique('rt'), d, Date.now())).resolves.toBe(false);
    });

    it('revokes a family: no token of it is live, exchanged or issued again', async () => {
      const { record, digest, now } = await issued();
      await sut.revokeFamily(record.grantId, now + HOUR);
      await expect(sut.find(digest, now + 1)).resolves.toMatchObject({ active: false });
      await expect(sut.rotate(digest, next(now), now + 1, 60_000)).resolves.toEqual({
        outcome: 'unknown',
      });
      await expect(sut.issue(record, unique('rt'), deadlines(now), now + 2)).resolves.toBe(false);
    });

    it('remembers a revocation that arrives before the family is issued', async () => {
      const record = family();
      const now = Date.now();
      await sut.revokeFamily(record.grantId, now + HOUR);
      await expect(sut.issue(record, unique('rt'), deadlines(now), now)).resolves.toBe(false);
    });

    it('applies an issue again without effect: a newer live token stays live', async () => {
      const { record, digest, now } = await issued();
      await expect(sut.issue(record, digest, deadlines(now), now)).resolves.toBe(true);
      const n = next(now);
      await sut.rotate(digest, n, now + 1, 0);
      // The projector re-applying the first token's event, or the rotation's own event.
      await expect(sut.issue(record, digest, deadlines(now), now + 2)).resolves.toBe(false);
      await expect(sut.issue(record, n.digest, deadlines(now), now + 2)).resolves.toBe(true);
      await expect(liveAmong([digest, n.digest], now + 3)).resolves.toEqual([n.digest]);
      await expect(sut.rotate(n.digest, next(now), now + 4, 0)).resolves.toMatchObject({
        outcome: 'rotated',
      });
    });

    it('rebuilds a family from its issues in log order, each at its own time', async () => {
      const record = family();
      const now = Date.now();
      const [t1, t2, t3] = [unique('rt'), unique('rt'), unique('rt')];
      for (const [i, d] of [t1, t2, t3].entries())
        await sut.issue(record, d, deadlines(now + i * 1000), now + i * 1000);
      await expect(liveAmong([t1, t2, t3], now + 2001)).resolves.toEqual([t3]);
      // t2 was retired at t3's issue: within a 5 s grace it is exchanged, t1 is past it.
      await expect(sut.rotate(t2, next(now), now + 3000, 5_000)).resolves.toMatchObject({
        outcome: 'reused-within-grace',
      });
      await expect(sut.rotate(t1, next(now), now + 7000, 5_000)).resolves.toEqual({
        outcome: 'reuse',
        record,
      });
    });

    describe('undoing a rotation whose new token was never handed out (RFC 9700 §4.14.2)', () => {
      it('makes the presented token live again, with its own deadline, and the new one never', async () => {
        const { record, digest, now } = await issued();
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 0);
        await expect(sut.undoRotation(record.grantId, n.digest)).resolves.toBe(true);
        await expect(sut.find(digest, now + 2)).resolves.toEqual({
          record,
          active: true,
          expiresAt: deadlines(now).idleExpiresAt,
        });
        await expect(sut.find(n.digest, now + 2)).resolves.toMatchObject({ active: false });
        // The client's retry with the same token is an exchange, not a reuse.
        const retry = next(now);
        await expect(sut.rotate(digest, retry, now + 3, 0)).resolves.toMatchObject({
          outcome: 'rotated',
        });
        await expect(liveAmong([digest, n.digest, retry.digest], now + 4)).resolves.toEqual([
          retry.digest,
        ]);
      });

      it('forgets the new token: presenting it is a reuse, even within a grace', async () => {
        const { record, digest, now } = await issued();
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 60_000);
        await sut.undoRotation(record.grantId, n.digest);
        await expect(sut.rotate(n.digest, next(now), now + 2, 60_000)).resolves.toEqual({
          outcome: 'reuse',
          record,
        });
        await expect(liveAmong([digest, n.digest], now + 3)).resolves.toEqual([]);
      });

      it('a restored token is no longer a retired one: only its next retirement counts', async () => {
        const { record, digest, now } = await issued();
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 10_000);
        await sut.undoRotation(record.grantId, n.digest);
        await expect(sut.rotate(digest, next(now), now + 9_000, 10_000)).resolves.toMatchObject({
          outcome: 'rotated',
        });
        // Retired at now + 9 s (not at now + 1 ms): within the grace from then, past it after.
        await expect(sut.rotate(digest, next(now), now + 10_500, 10_000)).resolves.toMatchObject({
          outcome: 'reused-within-grace',
        });
        await expect(sut.rotate(digest, next(now), now + 19_000, 10_000)).resolves.toEqual({
          outcome: 'reuse',
          record,
        });
      });

      it('undoes a grace exchange by making the token it retired live again', async () => {
        const { record, digest, now } = await issued();
        const [n1, n2] = [next(now), next(now)];
        await sut.rotate(digest, n1, now + 1, 10_000);
        await sut.rotate(digest, n2, now + 2, 10_000);
        await expect(sut.undoRotation(record.grantId, n2.digest)).resolves.toBe(true);
        await expect(liveAmong([digest, n1.digest, n2.digest], now + 3)).resolves.toEqual([
          n1.digest,
        ]);
        // The presented token stays retired as it was: exchanged within the grace only.
        await expect(sut.rotate(digest, next(now), now + 4, 10_000)).resolves.toMatchObject({
          outcome: 'reused-within-grace',
        });
      });

      it('changes nothing once a newer exchange made another token live', async () => {
        const { record, digest, now } = await issued();
        const [n1, n2] = [next(now), next(now)];
        await sut.rotate(digest, n1, now + 1, 10_000);
        await sut.rotate(digest, n2, now + 2, 10_000);
        await expect(sut.undoRotation(record.grantId, n1.digest)).resolves.toBe(false);
        await expect(liveAmong([digest, n1.digest, n2.digest], now + 3)).resolves.toEqual([
          n2.digest,
        ]);
      });

      it('changes nothing in a revoked family (a reuse or a revocation won)', async () => {
        const { record, digest, now } = await issued();
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 0);
        await sut.rotate(digest, next(now), now + 2, 0);
        await expect(sut.undoRotation(record.grantId, n.digest)).resolves.toBe(false);
        const other = await issued();
        const m = next(other.now);
        await sut.rotate(other.digest, m, other.now + 1, 0);
        await sut.revokeFamily(other.record.grantId, other.now + HOUR);
        await expect(sut.undoRotation(other.record.grantId, m.digest)).resolves.toBe(false);
        await expect(
          liveAmong([digest, n.digest, other.digest, m.digest], now + 3),
        ).resolves.toEqual([]);
      });

      it('undoes once, and only what a rotation did', async () => {
        const { record, digest, now } = await issued();
        // An issue is no rotation: nothing to undo.
        await expect(sut.undoRotation(record.grantId, digest)).resolves.toBe(false);
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 0);
        await expect(sut.undoRotation(record.grantId, n.digest)).resolves.toBe(true);
        await expect(sut.undoRotation(record.grantId, n.digest)).resolves.toBe(false);
        await expect(sut.undoRotation(record.grantId, digest)).resolves.toBe(false);
        await expect(sut.undoRotation(unique('grant'), n.digest)).resolves.toBe(false);
        await expect(liveAmong([digest, n.digest], now + 2)).resolves.toEqual([digest]);
      });

      it("the projector re-applying the undone token's event leaves the restored token live", async () => {
        const { record, digest, now } = await issued();
        const n = next(now);
        await sut.rotate(digest, n, now + 1, 0);
        await sut.undoRotation(record.grantId, n.digest);
        await expect(sut.issue(record, n.digest, deadlines(now), now + 2)).resolves.toBe(false);
        await expect(liveAmong([digest, n.digest], now + 3)).resolves.toEqual([digest]);
      });

      it('racing grace exchanges of the same token, one family has one live token', async () => {
        const { record, digest, now } = await issued();
        const first = next(now);
        await sut.rotate(digest, first, now + 1, 5_000);
        const nexts = Array.from({ length: 10 }, () => next(now));
        const [, results] = await Promise.all([
          sut.undoRotation(record.grantId, first.digest),
          concurrently(10, (i) => sut.rotate(digest, nexts[i]!, now + 2, 5_000)),
        ]);
        for (const r of results) expect(['rotated', 'reused-within-grace']).toContain(r.outcome);
        await expect(
          liveAmong([digest, first.digest, ...nexts.map((n) => n.digest)], now + 3),
        ).resolves.toHaveLength(1);
      });
    });

    it('knows nothing of a digest it never issued', async () => {
      const now = Date.now();
      await expect(sut.find(unique('rt'), now)).resolves.toBeNull();
      await expect(sut.rotate(unique('rt'), next(now), now, 60_000)).resolves.toEqual({
        outcome: 'unknown',
      });
    });
  });
}
