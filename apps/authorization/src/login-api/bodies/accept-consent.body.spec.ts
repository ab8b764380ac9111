import { InteractionChallenge } from '@app/store';
import { consentAcceptance } from './accept-consent.body';

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

const CAP = 3600;
const CONSENT = challengeFixture({ kind: 'consent', subject: 'alice', authTime: 1 });

describe('consentAcceptance', () => {
  const sut = (body: unknown, challenge = CONSENT) => consentAcceptance(body, challenge, CAP);

  it('records the granted scopes and resources (in request order) and the claims', () => {
    expect(
      sut({
        grant_scope: ['orders:read', 'openid'],
        grant_resource: ['https://ledger.example.com'],
        session: { id_token: { name: 'A' }, userinfo: { email: 'a@example.com' } },
        remember: true,
        remember_for: 120,
      }),
    ).toStrictEqual({
      kind: 'consent',
      scopes: ['openid', 'orders:read'],
      resources: ['https://ledger.example.com'],
      idTokenClaims: { name: 'A' },
      userinfoClaims: { email: 'a@example.com' },
      remember: true,
      rememberFor: 120,
    });
  });

  it('grants every requested resource when grant_resource is absent, none when empty', () => {
    expect(sut({ grant_scope: ['openid'] })).toMatchObject({
      resources: CONSENT.resources,
      idTokenClaims: {},
      userinfoClaims: {},
      remember: false,
      rememberFor: CAP,
    });
    expect(sut({ grant_scope: ['openid'], grant_resource: [] }).resources).toEqual([]);
  });

  it.each([
    [{}, 'grant_scope is required'],
    [{ grant_scope: [] }, 'grant_scope must hold at least one value of requested_scope'],
    [{ grant_scope: ['openid', 'email'] }, 'grant_scope may hold only values of requested_scope'],
    [
      { grant_scope: ['openid'], grant_resource: ['https://other.example.com'] },
      'grant_resource may hold only values of requested_resource',
    ],
    [
      { grant_scope: ['openid'], session: { id_token: [] } },
      'session.id_token must be a JSON object of claims',
    ],
    [{ grant_scope: ['openid'], remember_for: CAP + 1 }, 'remember_for must be a whole number'],
    [
      { grant_scope: ['openid'], context: {} },
      'it takes only grant_scope, grant_resource, session, remember, remember_for',
    ],
  ])('refuses %j', (body, description) => {
    expect(() => sut(body)).toThrow(description);
  });

  it('lets a request that asked no scope be granted none', () => {
    const noScope = challengeFixture({ kind: 'consent', scopes: [] });
    expect(sut({ grant_scope: [] }, noScope).scopes).toEqual([]);
  });
});
