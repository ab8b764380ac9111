import type { GrantStore } from '@app/store';
import { Elapse, grantRecord, unique, PAST_SHORT_TTL_MS, SHORT_TTL_MS } from './flow-fixtures';

export function describeGrantContract(make: () => GrantStore, elapse: Elapse): void {
  describe('GrantStore', () => {
    let sut: GrantStore;
    beforeEach(() => {
      sut = make();
    });
    const later = () => Date.now() + 60_000;

    it('finds a grant by id, unchanged, and nothing for another id', async () => {
      const grant = grantRecord({ resources: [], acr: undefined });
      await sut.save(grant, later());
      await expect(sut.find(grant.grantId)).resolves.toEqual(grant);
      await expect(sut.find(unique('grant'))).resolves.toBeNull();
    });

    it('keeps its own copy: the saved object changed afterwards changes nothing found', async () => {
      const scopes = ['openid', 'orders:read'];
      const idTokenClaims: Record<string, unknown> = { name: 'Alice' };
      const grant = grantRecord({ scopes, idTokenClaims });
      const asSaved = structuredClone(grant);
      await sut.save(grant, later());
      scopes.push('admin');
      idTokenClaims.email = 'mallory@example.com';
      await expect(sut.find(grant.grantId)).resolves.toEqual(asSaved);
    });

    /** Every live grant of the subject, in index order (one page is enough here). */
    const listed = async (subject: string) => (await sut.pageBySubject(subject, 100)).grants;

    it("finds the subject's newest live grants, oldest first, or only one client's", async () => {
      const subject = unique('user');
      const a = grantRecord({ subject, createdAt: Date.now() - 2 });
      const b = grantRecord({ subject, createdAt: Date.now() - 1 });
      const c = grantRecord({ subject, clientId: a.clientId, createdAt: Date.now() });
      const deadline = later();
      await sut.save(c, deadline);
      await sut.save(a, deadline + 2000);
      await sut.save(b, deadline + 1000);
      await sut.save(grantRecord({ clientId: a.clientId }), later()); // another subject
      await expect(sut.findRecentBySubject(subject, 10)).resolves.toEqual([a, b, c]);
      await expect(sut.findRecentBySubject(subject, 10, a.clientId)).resolves.toEqual([a, c]);
      await expect(sut.findRecentBySubject(subject, 10, unique('client'))).resolves.toEqual([]);
      await expect(sut.findRecentBySubject(unique('user'), 10)).resolves.toEqual([]);
      // Bounded: the two that end last (a, b) are read, c is not.
      await expect(sut.findRecentBySubject(subject, 2)).resolves.toEqual([a, b]);
      await expect(sut.findRecentBySubject(subject, 2, a.clientId)).resolves.toEqual([a]);
    });

    it('reads the grants that end last, whatever order they were saved in, ties by grant id', async () => {
      const subject = unique('user');
      const deadline = later();
      // Twelve grants saved out of order, four pairs sharing a millisecond.
      const offsets = [5, 1, 7, 3, 7, 0, 2, 5, 6, 3, 4, 1];
      const saved = offsets.map((offset, i) => ({
        grant: grantRecord({
          subject,
          grantId: `${unique('g')}-${'abcdefghijkl'[i]}`,
          createdAt: i,
        }),
        expiresAt: deadline + offset,
      }));
      for (const { grant, expiresAt } of saved) await sut.save(grant, expiresAt);
      const last = (n: number) =>
        [...saved]
          .sort((x, y) => x.expiresAt - y.expiresAt || (x.grant.grantId < y.grant.grantId ? -1 : 1))
          .slice(-n)
          .map((x) => x.grant)
          .sort((x, y) => x.createdAt - y.createdAt);
      for (const n of [1, 3, 4, 12])
        await expect(sut.findRecentBySubject(subject, n)).resolves.toEqual(last(n));
    });

    it("pages through a subject's grants by deadline, then grant id, with a cursor", async () => {
      const subject = unique('user');
      const deadline = later();
      // Two pairs saved for the same millisecond: their ids order them, as in the sorted set.
      const saved = [0, 0, 1, 2, 2, 3].map((offset, i) => ({
        grant: grantRecord({ subject, grantId: `${unique('g')}-${'zyxwvu'[i]}` }),
        expiresAt: deadline + offset,
      }));
      for (const { grant, expiresAt } of [...saved].reverse()) await sut.save(grant, expiresAt);
      const order = [...saved]
        .sort((x, y) => x.expiresAt - y.expiresAt || (x.grant.grantId < y.grant.grantId ? -1 : 1))
        .map((x) => x.grant);
      const first = await sut.pageBySubject(subject, 4);
      expect(first.grants).toEqual(order.slice(0, 4));
      expect(first.next).toEqual({ grantId: order[3]!.grantId, expiresAt: deadline + 2 });
      const second = await sut.pageBySubject(subject, 4, first.next);
      expect(second).toEqual({ grants: order.slice(4) });
      await expect(sut.pageBySubject(subject, 6)).resolves.toEqual({ grants: order });
      const pages = [];
      let page = await sut.pageBySubject(subject, 1);
      for (pages.push(page.grants); page.next; pages.push(page.grants))
        page = await sut.pageBySubject(subject, 1, page.next);
      expect(pages).toEqual(order.map((g) => [g]));
      await expect(sut.pageBySubject(unique('user'), 5)).resolves.toEqual({ grants: [] });
    });

    it('a page after a cursor is not shifted by grants withdrawn or added meanwhile', async () => {
      const subject = unique('user');
      const deadline = later();
      const grants = [0, 1, 2, 3].map(() => grantRecord({ subject }));
      for (const [i, g] of grants.entries()) await sut.save(g, deadline + i);
      const first = await sut.pageBySubject(subject, 2);
      expect(first.grants).toEqual(grants.slice(0, 2));
      await sut.delete(grants[1]!.grantId); // the cursor's own grant
      await sut.delete(grants[0]!.grantId);
      const added = grantRecord({ subject });
      await sut.save(added, deadline + 10);
      await expect(sut.pageBySubject(subject, 5, first.next)).resolves.toEqual({
        grants: [grants[2], grants[3], added],
      });
    });

    it('creates a grant once: a record already kept is left as it is, expired or not', async () => {
      const grant = grantRecord();
      const replayed = { ...grant, idTokenClaims: {}, userinfoClaims: {} };
      await expect(sut.create(grant, later())).resolves.toBe(true);
      await sut.touch(grant.grantId, grant.createdAt + 5);
      await expect(sut.create(replayed, later())).resolves.toBe(false);
      const kept = { ...grant, lastUsedAt: grant.createdAt + 5 };
      await expect(sut.find(grant.grantId)).resolves.toEqual(kept);
      await expect(sut.pageBySubject(grant.subject, 10)).resolves.toEqual({ grants: [kept] });
      const late = grantRecord();
      await expect(sut.create(late, Date.now() - 1)).resolves.toBe(false);
      await expect(sut.find(late.grantId)).resolves.toBeNull();
    });

    it('replaces a grant saved again, and lists it once', async () => {
      const grant = grantRecord();
      const wider = { ...grant, scopes: [...grant.scopes, 'orders:write'] };
      await sut.save(grant, later());
      await sut.save(wider, later());
      await expect(sut.find(grant.grantId)).resolves.toEqual(wider);
      await expect(listed(grant.subject)).resolves.toEqual([wider]);
    });

    it('forgets a grant at its deadline, also in its subject list', async () => {
      const subject = unique('user');
      const short = grantRecord({ subject });
      const long = grantRecord({ subject });
      await sut.save(short, Date.now() + SHORT_TTL_MS);
      await sut.save(long, later());
      await expect(listed(subject)).resolves.toHaveLength(2);
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find(short.grantId)).resolves.toBeNull();
      await expect(listed(subject)).resolves.toEqual([long]);
      const late = grantRecord({ subject });
      await sut.save(late, Date.now() - 1);
      await expect(sut.find(late.grantId)).resolves.toBeNull();
      await expect(listed(subject)).resolves.toEqual([long]);
    });

    it('starts with lastUsedAt at createdAt, and touch moves only lastUsedAt', async () => {
      const grant = grantRecord();
      expect(grant.lastUsedAt).toBe(grant.createdAt);
      await sut.save(grant, later());
      await expect(sut.touch(grant.grantId, grant.createdAt + 5000)).resolves.toBe(true);
      const touched = { ...grant, lastUsedAt: grant.createdAt + 5000 };
      await expect(sut.find(grant.grantId)).resolves.toEqual(touched);
      await expect(listed(grant.subject)).resolves.toEqual([touched]);
      await expect(sut.touch(unique('grant'), Date.now())).resolves.toBe(false);
      await expect(sut.find(unique('grant'))).resolves.toBeNull();
    });

    it('keeps empty lists and the deadline of a touched grant', async () => {
      const grant = grantRecord({ resources: [], amr: [] });
      await sut.save(grant, Date.now() + SHORT_TTL_MS);
      await sut.touch(grant.grantId, Date.now());
      await expect(sut.find(grant.grantId)).resolves.toMatchObject({ resources: [], amr: [] });
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find(grant.grantId)).resolves.toBeNull();
      await expect(sut.touch(grant.grantId, Date.now())).resolves.toBe(false);
      await expect(sut.find(grant.grantId)).resolves.toBeNull();
    });

    it('never moves lastUsedAt back', async () => {
      const grant = grantRecord();
      await sut.save(grant, later());
      await sut.touch(grant.grantId, grant.createdAt + 9000);
      await sut.touch(grant.grantId, grant.createdAt + 3000);
      await expect(sut.find(grant.grantId)).resolves.toMatchObject({
        lastUsedAt: grant.createdAt + 9000,
      });
    });

    it('deletes a grant by id and from its subject list, once', async () => {
      const subject = unique('user');
      const gone = grantRecord({ subject, createdAt: Date.now() - 1 });
      const kept = grantRecord({ subject });
      await sut.save(gone, later());
      await sut.save(kept, later());
      await expect(sut.delete(gone.grantId)).resolves.toBe(true);
      await expect(sut.find(gone.grantId)).resolves.toBeNull();
      await expect(listed(subject)).resolves.toEqual([kept]);
      await expect(sut.delete(gone.grantId)).resolves.toBe(false);
      await expect(sut.touch(gone.grantId, Date.now())).resolves.toBe(false);
      await expect(sut.find(gone.grantId)).resolves.toBeNull();
      await expect(sut.delete(kept.grantId)).resolves.toBe(true);
      await expect(listed(subject)).resolves.toEqual([]);
      await expect(sut.delete(unique('grant'))).resolves.toBe(false);
    });
  });
}
