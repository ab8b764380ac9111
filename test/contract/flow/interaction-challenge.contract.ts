import type { InteractionChallengeStore, InteractionRejection, LoginAcceptance } from '@app/store';
import {
  concurrently,
  Elapse,
  loginChallenge,
  unique,
  PAST_SHORT_TTL_MS,
  SHORT_TTL_MS,
} from './flow-fixtures';

const accept = (subject = unique('user')): LoginAcceptance => ({
  kind: 'login',
  subject,
  acr: 'urn:example:pwd',
  amr: ['pwd'],
  remember: true,
  rememberFor: 3600,
});
const reject: InteractionRejection = {
  kind: 'rejected',
  error: 'access_denied',
  errorDescription: 'the user refused',
};

export function describeInteractionChallengeContract(
  make: () => InteractionChallengeStore,
  elapse: Elapse,
): void {
  describe('InteractionChallengeStore', () => {
    let sut: InteractionChallengeStore;
    beforeEach(() => {
      sut = make();
    });
    const later = () => Date.now() + 60_000;

    it('finds a pending challenge for any reader, of its own kind only', async () => {
      const id = unique('challenge');
      const challenge = loginChallenge({ skip: true, subject: 'alice', sid: unique('sid') });
      await sut.create(id, challenge, later());
      await expect(sut.find('login', id)).resolves.toEqual({ challenge });
      await expect(sut.find('consent', id)).resolves.toBeNull();
      await expect(sut.answer('consent', id, accept(), unique('v'))).resolves.toBe('unknown');
      await expect(sut.find('login', unique('challenge'))).resolves.toBeNull();
    });

    it('takes one answer; a second answer fails and the first stands', async () => {
      const id = unique('challenge');
      const first = accept();
      await sut.create(id, loginChallenge(), later());
      await expect(sut.answer('login', id, first, unique('v'))).resolves.toBe('answered');
      await expect(sut.answer('login', id, reject, unique('v'))).resolves.toBe('already-answered');
      await expect(sut.find('login', id)).resolves.toMatchObject({ answer: first });
    });

    it('lets exactly one of 20 concurrent answers win, and keeps that one', async () => {
      const id = unique('challenge');
      await sut.create(id, loginChallenge(), later());
      const answers = Array.from({ length: 20 }, () => accept());
      const outcomes = await concurrently(20, (i) =>
        sut.answer('login', id, answers[i]!, unique('v')),
      );
      expect(outcomes.filter((o) => o === 'answered')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'already-answered')).toHaveLength(19);
      const winner = answers[outcomes.indexOf('answered')];
      await expect(sut.find('login', id)).resolves.toMatchObject({ answer: winner });
    });

    it('does not create a challenge by answering an unknown one', async () => {
      const id = unique('challenge');
      await expect(sut.answer('login', id, accept(), unique('v'))).resolves.toBe('unknown');
      await expect(sut.find('login', id)).resolves.toBeNull();
    });

    it('gives an answered challenge once, and only to the answer verifier', async () => {
      const id = unique('challenge');
      const challenge = loginChallenge();
      const verifier = unique('verifier');
      await sut.create(id, challenge, later());
      // Pending: nothing to continue yet, and the attempt consumes nothing.
      await expect(sut.consume('login', id, verifier)).resolves.toBeNull();
      await sut.answer('login', id, reject, verifier);
      await expect(sut.consume('login', id, unique('verifier'))).resolves.toBeNull();
      await expect(sut.consume('consent', id, verifier)).resolves.toBeNull();
      await expect(sut.consume('login', id, verifier)).resolves.toEqual({
        challenge,
        answer: reject,
      });
      await expect(sut.consume('login', id, verifier)).resolves.toBeNull();
      await expect(sut.find('login', id)).resolves.toBeNull();
      await expect(sut.answer('login', id, accept(), verifier)).resolves.toBe('unknown');
    });

    it('lets exactly one of 20 concurrent continuations consume the answer', async () => {
      const id = unique('challenge');
      const verifier = unique('verifier');
      await sut.create(id, loginChallenge({ kind: 'consent' }), later());
      await sut.answer('consent', id, reject, verifier);
      const results = await concurrently(20, () => sut.consume('consent', id, verifier));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('is gone at its deadline, answered or not: an answer does not extend it', async () => {
      const [pending, answered] = [unique('challenge'), unique('challenge')];
      const verifier = unique('verifier');
      await sut.create(pending, loginChallenge(), Date.now() + SHORT_TTL_MS);
      await sut.create(answered, loginChallenge(), Date.now() + SHORT_TTL_MS);
      await expect(sut.answer('login', answered, accept(), verifier)).resolves.toBe('answered');
      await elapse(PAST_SHORT_TTL_MS);
      await expect(sut.find('login', pending)).resolves.toBeNull();
      await expect(sut.answer('login', pending, accept(), verifier)).resolves.toBe('unknown');
      await expect(sut.consume('login', answered, verifier)).resolves.toBeNull();
      const late = unique('challenge');
      await sut.create(late, loginChallenge(), Date.now() - 1);
      await expect(sut.find('login', late)).resolves.toBeNull();
    });
  });
}
