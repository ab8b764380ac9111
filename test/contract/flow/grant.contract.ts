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

    it("finds every live grant of a subject, oldest first, or only one client's", async () => {
      const subject = unique('user');
      const a = grantRecord({ subject, createdAt: Date.now() - 2 });
      const b = grantRecord({ subject, createdAt: Date.now() - 1 });
      const c = grantRecord({ subject, clientId: a.clientId, createdAt: Date.now() });
      await sut.save(c, later());
      await sut.save(a, later() + 1000);
      await sut.save(b, later());
      await sut.save(grantRecord({ clientId: a.clientId }), later()); // another subject
      await expect(sut.findBySubject(subject)).resolves.toEqual([a, b, c]);
      await expect(sut.findBySubject(subject, a.clientId)).resolves.toEqual([a, c]);
      await expect(sut.findBySubject(subject, unique('client'))).resolves.toEqual([]);
      await expect(sut.findBySubject(unique('user'))).resolves.toEqual([]);
    });

    it('creates a grant once: a record already kept is left as it is, expired or not', async () => {
      const grant = grantRecord();
      const replayed = { ...grant, idTokenClaims: {}, userinfoClaims: {} };
      await expect(sut.create(grant, later())).resolves.toBe(true);
      await sut.touch(grant.grantId, grant.createdAt + 5);
      await expect(sut.create(replayed, later())).resolves.toBe(false);
      const kept = { ...grant, lastUsedAt: grant.createdAt + 5 };
      await expect(sut.find(grant.grantId)).resolves.toEqual(kept);
      await expect(sut.findBySubject(grant.subject)).resolves.toEqual([kept]);
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
      await expect(sut.findBySubject(grant.subject)).resolves.toEqual([wider]);
    });

    it('forgets a grant at its deadline, also in its subject list', async () => {
      const subject = unique('user');
      const short = grantRecord({ subject });
      const long = grantRecord({ subject });
      await sut.save(short, Date.now() + SHORT_TTL_MS);
      await sut.save(long, later());
      await expect(sut.findBySubject(subject)).resolves.toHaveLength(2);
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find(short.grantId)).resolves.toBeNull();
      await expect(sut.findBySubject(subject)).resolves.toEqual([long]);
      const late = grantRecord({ subject });
      await sut.save(late, Date.now() - 1);
      await expect(sut.find(late.grantId)).resolves.toBeNull();
      await expect(sut.findBySubject(subject)).resolves.toEqual([long]);
    });

    it('starts with lastUsedAt at createdAt, and touch moves only lastUsedAt', async () => {
      const grant = grantRecord();
      expect(grant.lastUsedAt).toBe(grant.createdAt);
      await sut.save(grant, later());
      await expect(sut.touch(grant.grantId, grant.createdAt + 5000)).resolves.toBe(true);
      const touched = { ...grant, lastUsedAt: grant.createdAt + 5000 };
      await expect(sut.find(grant.grantId)).resolves.toEqual(touched);
      await expect(sut.findBySubject(grant.subject)).resolves.toEqual([touched]);
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
      await expect(sut.findBySubject(subject)).resolves.toEqual([kept]);
      await expect(sut.delete(gone.grantId)).resolves.toBe(false);
      await expect(sut.touch(gone.grantId, Date.now())).resolves.toBe(false);
      await expect(sut.find(gone.grantId)).resolves.toBeNull();
      await expect(sut.delete(kept.grantId)).resolves.toBe(true);
      await expect(sut.findBySubject(subject)).resolves.toEqual([]);
      await expect(sut.delete(unique('grant'))).resolves.toBe(false);
    });
  });
}
