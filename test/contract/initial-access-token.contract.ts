import { randomBytes } from 'node:crypto';
import type { InitialAccessGrant, InitialAccessTokenStore } from '@app/store';

/**
 * The behaviour every InitialAccessTokenStore adapter must have: the in-memory one (unit tier)
 * and the Redis one (int tier) both run it. Time is real (Redis keeps its own clock): deadlines
 * are short instead.
 */
export function describeInitialAccessTokenContract(
  name: string,
  make: () => InitialAccessTokenStore,
): void {
  describe(`InitialAccessTokenStore contract: ${name}`, () => {
    let sut: InitialAccessTokenStore;
    beforeEach(() => {
      sut = make();
    });
    const digest = () => randomBytes(32).toString('base64url');
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const grant = (over: Partial<InitialAccessGrant> = {}): InitialAccessGrant => ({
      issuedBy: 'admin',
      uses: 1,
      issuedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
      ...over,
    });

    it('finds a token it keeps, with all its uses, and nothing for an unknown digest', async () => {
      const d = digest();
      const g = grant({ uses: 3 });
      await sut.issue(d, g);
      await expect(sut.find(d)).resolves.toEqual({ ...g, remaining: 3 });
      await expect(sut.find(digest())).resolves.toBeNull();
      await expect(sut.spend(digest())).resolves.toBeNull();
    });

    it('spends each use once, then refuses, and the spent token still reads as spent', async () => {
      const d = digest();
      const g = grant({ uses: 2 });
      await sut.issue(d, g);
      await expect(sut.spend(d)).resolves.toEqual(g);
      await expect(sut.spend(d)).resolves.toEqual(g);
      await expect(sut.spend(d)).resolves.toBeNull();
      await expect(sut.find(d)).resolves.toMatchObject({ remaining: 0 });
    });

    it('lets exactly `uses` of 20 concurrent spends win', async () => {
      const d = digest();
      await sut.issue(d, grant({ uses: 5 }));
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => sut.spend(d)));
      expect(outcomes.filter((o) => o !== null)).toHaveLength(5);
    });

    it('gives a refunded use back, never more than the token allows', async () => {
      const d = digest();
      await sut.issue(d, grant({ uses: 1 }));
      await sut.spend(d);
      await sut.refund(d);
      await sut.refund(d);
      await expect(sut.find(d)).resolves.toMatchObject({ remaining: 1 });
      await expect(sut.spend(d)).resolves.not.toBeNull();
      await expect(sut.spend(d)).resolves.toBeNull();
      await sut.refund(digest());
    });

    it('forgets a token at its deadline, and never keeps one already expired', async () => {
      const d = digest();
      await sut.issue(d, grant({ uses: 2, expiresAt: Date.now() + 300 }));
      await expect(sut.find(d)).resolves.not.toBeNull();
      await sleep(450);
      await expect(sut.find(d)).resolves.toBeNull();
      await expect(sut.spend(d)).resolves.toBeNull();
      await sut.refund(d);
      await expect(sut.find(d)).resolves.toBeNull();
      const late = digest();
      await sut.issue(late, grant({ expiresAt: Date.now() - 1 }));
      await expect(sut.find(late)).resolves.toBeNull();
    });

    it('replaces what a digest held when it is issued again', async () => {
      const d = digest();
      await sut.issue(d, grant({ uses: 1 }));
      await sut.spend(d);
      const again = grant({ uses: 2, issuedBy: 'other-admin' });
      await sut.issue(d, again);
      await expect(sut.find(d)).resolves.toEqual({ ...again, remaining: 2 });
    });
  });
}
