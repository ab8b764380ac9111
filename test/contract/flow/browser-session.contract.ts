import type { BrowserSessionStore } from '@app/store';
import {
  browserSession,
  concurrently,
  Elapse,
  unique,
  PAST_SHORT_TTL_MS,
  SHORT_TTL_MS,
} from './flow-fixtures';

export function describeBrowserSessionContract(
  make: () => BrowserSessionStore,
  elapse: Elapse,
): void {
  describe('BrowserSessionStore', () => {
    let sut: BrowserSessionStore;
    beforeEach(() => {
      sut = make();
    });
    const later = () => Date.now() + 60_000;

    it('finds a session by the digest of its cookie, and nothing for another digest', async () => {
      const digest = unique('cookie');
      const session = browserSession();
      await sut.save(digest, session, later());
      await expect(sut.find(digest)).resolves.toEqual(session);
      await expect(sut.find(unique('cookie'))).resolves.toBeNull();
    });

    it('rotates to a new cookie after a login: the old one finds nothing from then on', async () => {
      const [from, to] = [unique('cookie'), unique('cookie')];
      const before = browserSession();
      const after = { ...before, authTime: before.authTime + 5, amr: ['pwd', 'otp'] };
      await sut.save(from, before, later());
      await expect(sut.rotate(from, to, after, later())).resolves.toEqual(before);
      await expect(sut.find(from)).resolves.toBeNull();
      await expect(sut.find(to)).resolves.toEqual(after);
      // A planted (fixed) cookie value cannot be rotated again into a session of its own.
      const third = unique('cookie');
      await expect(sut.rotate(from, third, after, later())).resolves.toBeNull();
      await expect(sut.find(third)).resolves.toBeNull();
    });

    it('does not rotate an unknown session into existence', async () => {
      const to = unique('cookie');
      await expect(sut.rotate(unique('cookie'), to, browserSession(), later())).resolves.toBeNull();
      await expect(sut.find(to)).resolves.toBeNull();
    });

    it('lets exactly one of 20 concurrent rotations of one session succeed', async () => {
      const from = unique('cookie');
      const targets = Array.from({ length: 20 }, () => unique('cookie'));
      await sut.save(from, browserSession(), later());
      const results = await concurrently(20, (i) =>
        sut.rotate(from, targets[i]!, browserSession(), later()),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const found = await Promise.all(targets.map((t) => sut.find(t)));
      expect(found.filter((s) => s !== null)).toHaveLength(1);
      expect(found.findIndex((s) => s !== null)).toBe(results.findIndex((r) => r !== null));
    });

    it('ends a session on logout once, returning it (its sid goes on the event)', async () => {
      const digest = unique('cookie');
      const session = browserSession();
      await sut.save(digest, session, later());
      await expect(sut.delete(digest)).resolves.toEqual(session);
      await expect(sut.find(digest)).resolves.toBeNull();
      await expect(sut.delete(digest)).resolves.toBeNull();
    });

    it('expires a session at its deadline (remember_for), the rotated one at its new deadline', async () => {
      const [short, from, to] = [unique('cookie'), unique('cookie'), unique('cookie')];
      await sut.save(short, browserSession(), Date.now() + SHORT_TTL_MS);
      await sut.save(from, browserSession(), later());
      await sut.rotate(from, to, browserSession(), Date.now() + SHORT_TTL_MS);
      await expect(sut.find(short)).resolves.not.toBeNull();
      await expect(sut.find(to)).resolves.not.toBeNull();
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find(short)).resolves.toBeNull();
      await expect(sut.find(to)).resolves.toBeNull();
      const late = unique('cookie');
      await sut.save(late, browserSession(), Date.now() - 1);
      await expect(sut.find(late)).resolves.toBeNull();
    });
  });
}
