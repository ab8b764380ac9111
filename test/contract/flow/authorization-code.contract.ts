import type { AuthorizationCodeStore } from '@app/store';
import {
  codeRecord,
  concurrently,
  Elapse,
  PAST_SHORT_TTL_MS,
  SHORT_TTL_MS,
  unique,
} from './flow-fixtures';

/** The tombstone margin the suite's stores are made with (ms). */
export const TEST_TOMBSTONE_MARGIN_MS = 2_000;

export function describeAuthorizationCodeContract(
  make: () => AuthorizationCodeStore,
  elapse: Elapse,
): void {
  describe('AuthorizationCodeStore', () => {
    let sut: AuthorizationCodeStore;
    beforeEach(() => {
      sut = make();
    });
    const later = () => Date.now() + 60_000;

    it('redeems a code once with its bound data; the second time it is a replay of its grant', async () => {
      const digest = unique('code');
      const code = codeRecord({ acr: 'urn:example:pwd', amr: ['pwd'] });
      await sut.save(digest, code, later());
      await expect(sut.redeem(digest)).resolves.toEqual({ outcome: 'redeemed', code });
      await expect(sut.redeem(digest)).resolves.toEqual({
        outcome: 'replayed',
        clientId: code.clientId,
        grantId: code.grantId,
      });
    });

    it('keeps its own copy: the saved object changed afterwards changes nothing redeemed', async () => {
      const digest = unique('code');
      const scopes = ['openid', 'profile'];
      const amr = ['pwd'];
      const code = codeRecord({ scopes, amr });
      const asSaved = structuredClone(code);
      await sut.save(digest, code, later());
      scopes.push('admin');
      amr.push('otp');
      await expect(sut.redeem(digest)).resolves.toEqual({ outcome: 'redeemed', code: asSaved });
    });

    it('lets exactly one of 20 concurrent redemptions win; the 19 others are replays', async () => {
      const digest = unique('code');
      const code = codeRecord();
      await sut.save(digest, code, later());
      const results = await concurrently(20, () => sut.redeem(digest));
      expect(results.filter((r) => r?.outcome === 'redeemed')).toHaveLength(1);
      const replays = results.filter((r) => r?.outcome === 'replayed');
      expect(replays).toHaveLength(19);
      for (const r of replays)
        expect(r).toEqual({ outcome: 'replayed', clientId: code.clientId, grantId: code.grantId });
    });

    it('knows nothing of an unknown code, an expired one, or one saved past its deadline', async () => {
      await expect(sut.redeem(unique('code'))).resolves.toBeNull();
      const [expiring, late] = [unique('code'), unique('code')];
      await sut.save(expiring, codeRecord(), Date.now() + SHORT_TTL_MS);
      await sut.save(late, codeRecord(), Date.now() - 1);
      await expect(sut.redeem(late)).resolves.toBeNull();
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.redeem(expiring)).resolves.toBeNull();
    });

    it('keeps the tombstone of a redeemed code past the code deadline, for the margin', async () => {
      const digest = unique('code');
      const code = codeRecord();
      await sut.save(digest, code, Date.now() + SHORT_TTL_MS);
      await expect(sut.redeem(digest)).resolves.toMatchObject({ outcome: 'redeemed' });
      await elapse(PAST_SHORT_TTL_MS); // past the code's deadline, within the margin
      await expect(sut.redeem(digest)).resolves.toEqual({
        outcome: 'replayed',
        clientId: code.clientId,
        grantId: code.grantId,
      });
      await elapse(TEST_TOMBSTONE_MARGIN_MS);
      await expect(sut.redeem(digest)).resolves.toBeNull();
    }, 15_000);
  });
}
