import { InteractionChallenge } from '@app/store';
import { loginAcceptance } from './accept-login.body';

/** A pending challenge as the authorization endpoint makes it. */
function challengeFixture(fields: Partial<InteractionChallenge> = {}): InteractionChallenge {
  return {
    kind: 'login',
    requestId: 'request-1',
    clientId: 'web',
    scopes: ['openid', 'profile', 'orders:read'],
    resources: ['https://orders.example.com', 'https://ledger.example.com'],
    prompt: [],
    uiLocales: [],
    acrValues: [],
    skip: false,
    browserBinding: 'binding-digest',
    createdAt: 0,
    ...fields,
  };
}

const CAP = 86_400;

describe('loginAcceptance', () => {
  const sut = (body: unknown, challenge = challengeFixture()) =>
    loginAcceptance(body, challenge, CAP);

  it('records who signed in and how', () => {
    expect(
      sut({
        subject: 'alice',
        acr: 'urn:acr:2',
        amr: ['pwd', 'otp'],
        remember: true,
        remember_for: 60,
      }),
    ).toStrictEqual({
      kind: 'login',
      subject: 'alice',
      acr: 'urn:acr:2',
      amr: ['pwd', 'otp'],
      remember: true,
      rememberFor: 60,
    });
  });

  it('defaults: no acr, no amr, not remembered, remember_for the cap', () => {
    expect(sut({ subject: 'alice' })).toStrictEqual({
      kind: 'login',
      subject: 'alice',
      amr: [],
      remember: false,
      rememberFor: CAP,
    });
  });

  it('takes a subject of 255 printable ASCII characters, e-mail addresses included', () => {
    expect(sut({ subject: 'a'.repeat(255) }).subject).toHaveLength(255);
    expect(sut({ subject: 'alice+x@example.com' }).subject).toBe('alice+x@example.com');
  });

  it.each([
    [{}, 'subject is required'],
    [{ subject: 'a'.repeat(256) }, 'subject must be 1 to 255 printable ASCII characters'],
    [{ subject: 'tab\there' }, 'subject must be 1 to 255 printable ASCII characters'],
    [{ subject: 'ünï' }, 'subject must be 1 to 255 printable ASCII characters'],
    [{ subject: 'a', acr: ' ' }, 'acr must be 1 to 255 printable ASCII characters'],
    [{ subject: 'a', amr: ['x'.repeat(33)] }, 'amr must be an array of at most 10 distinct'],
    [
      { subject: 'a', remember_for: CAP + 1 },
      `remember_for must be a whole number of seconds from 0 to ${CAP}`,
    ],
    [
      { subject: 'a', force_subject_identifier: 'x' },
      'it takes only subject, acr, amr, remember, remember_for',
    ],
  ])('refuses %j', (body, description) => {
    expect(() => sut(body)).toThrow(description);
  });

  describe('a skippable login (a live session of `subject`)', () => {
    const skippable = challengeFixture({ skip: true, subject: 'bob' });

    it('is accepted for the session subject', () => {
      expect(sut({ subject: 'bob' }, skippable).subject).toBe('bob');
    });

    it('is refused for anyone else: that would sign the browser in as them unasked', () => {
      expect(() => sut({ subject: 'alice' }, skippable)).toThrow(
        'subject must be the session subject when the login request is skip',
      );
    });

    it('does not bind a login that is not skippable to the previous subject', () => {
      const forced = challengeFixture({ skip: false, subject: 'bob' });
      expect(sut({ subject: 'alice' }, forced).subject).toBe('alice');
    });
  });
});
