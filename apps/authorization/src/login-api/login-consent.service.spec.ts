import { AppConfig } from '@app/config';
import { AcceptLoginBody, Conflict, InvalidRequest, NotFound } from '@app/oauth';
import {
  ChallengeKind,
  InteractionChallenge,
  InteractionChallengeStore,
  MemoryAuthorizationRequestStore,
  MemoryInteractionChallengeStore,
  PendingAuthorizationRequest,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { AnswerRecorder } from './answer.recorder';
import { LoginConsentService } from './login-consent.service';
import { PendingChallengeReader } from './pending-challenge.reader';

const AUTHORIZE = 'https://as.example.com/oauth2/authorize';
const MAX_TTL = 7200;
const LATER = () => Date.now() + 60_000;

const REQUEST: PendingAuthorizationRequest = {
  clientId: 'web',
  redirectUri: 'https://app.example.com/cb',
  responseMode: 'query',
  scopes: ['openid', 'email'],
  resources: [],
  codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
  codeChallengeMethod: 'S256',
  prompt: [],
  uiLocales: [],
  acrValues: [],
  receivedAt: 0,
};

function challenge(kind: ChallengeKind, fields: Partial<InteractionChallenge> = {}) {
  const login: InteractionChallenge = {
    kind,
    requestId: 'request-1',
    clientId: 'web',
    scopes: ['openid', 'email'],
    resources: [],
    prompt: ['consent'],
    uiLocales: ['de'],
    acrValues: [],
    skip: false,
    browserBinding: 'binding',
    createdAt: 0,
  };
  const after = { subject: 'alice', sid: 'sid-1', authTime: 1_700_000_000, amr: ['pwd'] };
  return { ...login, ...(kind === 'consent' ? after : {}), ...fields };
}

describe('LoginConsentService', () => {
  let store: MemoryInteractionChallengeStore;
  let requests: MemoryAuthorizationRequestStore;
  let sut: LoginConsentService;

  const build = (challenges: InteractionChallengeStore, authorize = AUTHORIZE) => {
    const config = {
      endpoints: { authorization: authorize },
      signIn: { sessionMaxTtl: MAX_TTL },
    } as unknown as AppConfig;
    return new LoginConsentService(
      new PendingChallengeReader(challenges, requests),
      new AnswerRecorder(challenges, config),
      config,
    );
  };

  beforeEach(async () => {
    store = new MemoryInteractionChallengeStore();
    requests = new MemoryAuthorizationRequestStore();
    await requests.save('pending', 'request-1', REQUEST, LATER());
    sut = build(store);
  });

  const verifierOf = (redirectTo: string, kind: ChallengeKind) =>
    new URL(redirectTo).searchParams.get(`${kind}_verifier`)!;

  describe('reading', () => {
    it('shows a pending login request', async () => {
      await store.create('c1', challenge('login', { loginHint: 'al', maxAge: 0 }), LATER());
      expect(await sut.loginRequest('c1')).toStrictEqual({
        challenge: 'c1',
        client: { client_id: 'web' },
        requested_scope: ['openid', 'email'],
        requested_resource: [],
        skip: false,
        prompt: ['consent'],
        max_age: 0,
        login_hint: 'al',
        ui_locales: ['de'],
        acr_values: [],
      });
    });

    it('shows a pending consent request', async () => {
      await store.create('c1', challenge('consent'), LATER());
      expect(await sut.consentRequest('c1')).toStrictEqual({
        challenge: 'c1',
        client: { client_id: 'web' },
        requested_scope: ['openid', 'email'],
        requested_resource: [],
        skip: false,
        subject: 'alice',
        session_id: 'sid-1',
        auth_time: 1_700_000_000,
        amr: ['pwd'],
        prompt: ['consent'],
        ui_locales: ['de'],
      });
    });

    it('refuses to show a consent challenge made without its login (a server fault)', async () => {
      await store.create('c1', challenge('consent', { subject: undefined }), LATER());
      await expect(sut.consentRequest('c1')).rejects.not.toBeInstanceOf(NotFound);
    });

    it('answers NotFound for unknown ids, ids of the other kind, and ids too long to be one', async () => {
      await store.create('c1', challenge('login'), LATER());
      await expect(sut.loginRequest('nope')).rejects.toBeInstanceOf(NotFound);
      await expect(sut.consentRequest('c1')).rejects.toBeInstanceOf(NotFound);
      const find = jest.spyOn(store, 'find');
      await expect(sut.loginRequest('x'.repeat(257))).rejects.toBeInstanceOf(NotFound);
      expect(find).not.toHaveBeenCalled();
    });

    it('answers NotFound when the authorization request is gone', async () => {
      await store.create('c1', challenge('login', { requestId: 'other' }), LATER());
      await expect(sut.loginRequest('c1')).rejects.toThrow(
        'there is no pending login challenge with this id (unknown, expired or already used)',
      );
    });
  });

  describe('answering', () => {
    it('records the acceptance under the digest of a fresh verifier, sent in redirect_to', async () => {
      await store.create('c1', challenge('login'), LATER());
      const { redirect_to } = await sut.acceptLogin('c1', { subject: 'alice', amr: ['pwd'] });
      const to = new URL(redirect_to);
      expect(`${to.origin}${to.pathname}`).toBe(AUTHORIZE);
      expect(to.searchParams.get('login_challenge')).toBe('c1');
      const verifier = verifierOf(redirect_to, 'login');
      expect(Buffer.from(verifier, 'base64url')).toHaveLength(32);
      expect(await store.consume('login', 'c1', tokenDigest(verifier))).toMatchObject({
        answer: { kind: 'login', subject: 'alice', amr: ['pwd'], rememberFor: MAX_TTL },
      });
    });

    it('keeps a query the authorization endpoint URL already has, and encodes the challenge', async () => {
      sut = build(store, `${AUTHORIZE}?tenant=a`);
      await store.create('a+b/c', challenge('consent'), LATER());
      const { redirect_to } = await sut.rejectConsent('a+b/c', {});
      const to = new URL(redirect_to);
      expect(to.searchParams.get('tenant')).toBe('a');
      expect(to.searchParams.get('consent_challenge')).toBe('a+b/c');
      expect(
        await store.consume('consent', 'a+b/c', tokenDigest(verifierOf(redirect_to, 'consent'))),
      ).toMatchObject({ answer: { kind: 'rejected', error: 'access_denied' } });
    });

    it('answers Conflict to a second answer and to a read of an answered challenge', async () => {
      await store.create('c1', challenge('consent'), LATER());
      await sut.acceptConsent('c1', { grant_scope: ['openid'] });
      await expect(sut.rejectConsent('c1', {})).rejects.toThrow(
        new Conflict('the consent challenge has already been answered'),
      );
      await expect(sut.acceptConsent('c1', { grant_scope: ['openid'] })).rejects.toBeInstanceOf(
        Conflict,
      );
      await expect(sut.consentRequest('c1')).rejects.toBeInstanceOf(Conflict);
    });

    it.each([
      ['already-answered', Conflict],
      ['unknown', NotFound],
    ] as const)('maps a race lost after the read (%s) to its error', async (outcome, error) => {
      await store.create('c1', challenge('login'), LATER());
      jest.spyOn(store, 'answer').mockResolvedValueOnce(outcome);
      await expect(sut.rejectLogin('c1', {})).rejects.toBeInstanceOf(error);
    });

    it('holds an in-process caller to the wire rules, and records nothing then', async () => {
      await store.create('c1', challenge('login'), LATER());
      const body = { subject: 'alice', remember_for: MAX_TTL + 1 } as AcceptLoginBody;
      await expect(sut.acceptLogin('c1', body)).rejects.toBeInstanceOf(InvalidRequest);
      const untyped = { subject: 'alice', extra: 1 } as unknown as AcceptLoginBody;
      await expect(sut.acceptLogin('c1', untyped)).rejects.toBeInstanceOf(InvalidRequest);
      expect((await store.find('login', 'c1'))?.answer).toBeUndefined();
    });

    it('checks the challenge before the body: an unknown one is NotFound whatever is sent', async () => {
      await expect(sut.acceptLogin('nope', {} as AcceptLoginBody)).rejects.toBeInstanceOf(NotFound);
    });
  });
});
