import { createHash } from 'node:crypto';
import { DENIAL_ERRORS } from '@app/events';
import { LOGIN_CONSENT_PATHS } from '@app/oauth';
import { ChallengeKind } from '@app/store';
import { CLIENTS, SIGN_IN_CLIENTS } from '../fixtures/test-registry';
import { InteractionChallenges, REQUESTED } from '../support/interaction-challenges';
import { basicAuthorization, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

type Path = keyof typeof LOGIN_CONSENT_PATHS;

const PROVIDER = basicAuthorization(
  SIGN_IN_CLIENTS.loginProvider.clientId,
  SIGN_IN_CLIENTS.loginProvider.secret,
);
const KIND_OF: Record<Path, ChallengeKind> = {
  loginRequest: 'login',
  acceptLogin: 'login',
  rejectLogin: 'login',
  consentRequest: 'consent',
  acceptConsent: 'consent',
  rejectConsent: 'consent',
};
/** A body each PUT path accepts for a fresh challenge of its kind. */
const VALID_BODY: Partial<Record<Path, unknown>> = {
  acceptLogin: { subject: 'alice' },
  rejectLogin: {},
  acceptConsent: { grant_scope: ['openid'] },
  rejectConsent: {},
};
const ALL_PATHS = Object.keys(LOGIN_CONSENT_PATHS) as Path[];
const PUT_PATHS = ALL_PATHS.filter((p) => VALID_BODY[p] !== undefined);

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

/** The login/consent API (Ory Hydra's model) as a login app calls it over HTTP. */
describe('login/consent API', () => {
  let sut: StandaloneServer;
  let challenges: InteractionChallenges;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    challenges = new InteractionChallenges(sut.app);
  });
  afterAll(() => sut?.close());

  interface CallOptions {
    readonly challenge?: string;
    readonly body?: unknown;
    /** The raw body, sent as it is. */
    readonly rawBody?: string;
    readonly authorization?: string | null;
    readonly contentType?: string;
    readonly query?: string;
  }

  const call = (path: Path, o: CallOptions = {}): Promise<HttpResponse> => {
    const kind = KIND_OF[path];
    const url = new URL(LOGIN_CONSENT_PATHS[path], sut.url);
    if (o.query !== undefined) url.search = o.query;
    else if (o.challenge !== undefined) url.searchParams.set(`${kind}_challenge`, o.challenge);
    const isPut = path in VALID_BODY;
    const headers: Record<string, string> = {};
    if (o.authorization !== null) headers.authorization = o.authorization ?? PROVIDER;
    if (isPut) headers['content-type'] = o.contentType ?? 'application/json';
    const json = 'body' in o ? o.body : VALID_BODY[path];
    const body = isPut ? (o.rawBody ?? JSON.stringify(json)) : undefined;
    return send(url.href, { method: isPut ? 'PUT' : 'GET', headers, body });
  };

  const expectError = (res: HttpResponse, status: number, error: string) => {
    expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
    expect(typeof res.body.error_description).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');
  };

  describe('authentication: login_provider clients only, HTTP Basic', () => {
    it.each(ALL_PATHS)('%s: 401 invalid_client without credentials', async (path) => {
      const challenge = await challenges.create(KIND_OF[path]);
      const res = await call(path, { challenge, authorization: null });
      expectError(res, 401, 'invalid_client');
      // Basic alone: the one scheme this API takes.
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth2"');
      expect((await challenges.find(KIND_OF[path], challenge))?.answer).toBeUndefined();
    });

    it.each(ALL_PATHS)('%s: 401 invalid_client with a wrong secret', async (path) => {
      const challenge = await challenges.create(KIND_OF[path]);
      const wrong = basicAuthorization(SIGN_IN_CLIENTS.loginProvider.clientId, 'not-the-secret');
      const res = await call(path, { challenge, authorization: wrong });
      expectError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth2"');
    });

    it.each(ALL_PATHS)(
      '%s: 403 unauthorized_client for a good client that is no login provider',
      async (path) => {
        const challenge = await challenges.create(KIND_OF[path]);
        const web = basicAuthorization(SIGN_IN_CLIENTS.web.clientId, SIGN_IN_CLIENTS.web.secret);
        const res = await call(path, { challenge, authorization: web });
        expectError(res, 403, 'unauthorized_client');
        expect((await challenges.find(KIND_OF[path], challenge))?.answer).toBeUndefined();
      },
    );

    it('refuses another scheme (a bearer token) as no client authentication: 401', async () => {
      const challenge = await challenges.create('login');
      const res = await call('loginRequest', { challenge, authorization: 'Bearer abc' });
      expectError(res, 401, 'invalid_client');
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth2"');
    });

    it('checks credentials before anything else: 401 for an unknown challenge', async () => {
      const res = await call('acceptLogin', { challenge: 'nope', authorization: null });
      expectError(res, 401, 'invalid_client');
    });

    it('authenticates a client of an unrelated kind (client_credentials) but refuses it: 403', async () => {
      const svc = basicAuthorization(CLIENTS.basic.clientId, CLIENTS.basic.secret);
      const res = await call('loginRequest', { challenge: 'x', authorization: svc });
      expectError(res, 403, 'unauthorized_client');
    });
  });

  describe('challenges', () => {
    it.each(ALL_PATHS)('%s: 404 not_found for an unknown challenge', async (path) => {
      expectError(await call(path, { challenge: 'unknown-challenge' }), 404, 'not_found');
    });

    it.each(ALL_PATHS)('%s: 400 invalid_request without the challenge parameter', async (path) => {
      const res = await call(path, { query: '' });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toContain(`${KIND_OF[path]}_challenge`);
    });

    it('refuses a repeated challenge parameter (RFC 6749 section 3.1 rules)', async () => {
      const res = await call('loginRequest', { query: 'login_challenge=a&login_challenge=b' });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toContain('login_challenge');
    });

    it('keeps login and consent ids apart: a login challenge is no consent challenge', async () => {
      const login = await challenges.create('login');
      const consent = await challenges.create('consent');
      for (const path of ['consentRequest', 'acceptConsent', 'rejectConsent'] as const)
        expectError(await call(path, { challenge: login }), 404, 'not_found');
      for (const path of ['loginRequest', 'acceptLogin', 'rejectLogin'] as const)
        expectError(await call(path, { challenge: consent }), 404, 'not_found');
      expect((await challenges.find('login', login))?.answer).toBeUndefined();
      expect((await challenges.find('consent', consent))?.answer).toBeUndefined();
    });

    it('answers 404 once the authorization request the challenge continues is gone', async () => {
      const challenge = await challenges.create('login');
      await challenges.endRequest('login', challenge);
      expectError(await call('loginRequest', { challenge }), 404, 'not_found');
      expectError(await call('acceptLogin', { challenge }), 404, 'not_found');
    });

    it('answers 404 for an expired challenge', async () => {
      const challenge = await challenges.create('login', {}, 50);
      await new Promise((r) => setTimeout(r, 80));
      expectError(await call('loginRequest', { challenge }), 404, 'not_found');
    });
  });

  describe('GET login request', () => {
    it('shows what the authorization request asks, with no-store', async () => {
      const challenge = await challenges.create('login', {
        prompt: ['login'],
        maxAge: 300,
        loginHint: 'alice',
        uiLocales: ['fr-CA', 'fr'],
        acrValues: ['urn:acr:silver'],
      });
      const res = await call('loginRequest', { challenge });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toStrictEqual({
        challenge,
        client: { client_id: SIGN_IN_CLIENTS.web.clientId },
        requested_scope: REQUESTED.scopes,
        requested_resource: REQUESTED.resources,
        skip: false,
        prompt: ['login'],
        max_age: 300,
        login_hint: 'alice',
        ui_locales: ['fr-CA', 'fr'],
        acr_values: ['urn:acr:silver'],
      });
    });

    it('names the session subject only when login may be skipped', async () => {
      const skippable = await challenges.create('login', { skip: true, subject: 'bob', sid: 's1' });
      expect((await call('loginRequest', { challenge: skippable })).body).toMatchObject({
        skip: true,
        subject: 'bob',
        session_id: 's1',
      });
      const forced = await challenges.create('login', { skip: false, subject: 'bob', sid: 's1' });
      const res = await call('loginRequest', { challenge: forced });
      expect(res.body).toMatchObject({ skip: false, session_id: 's1' });
      expect(res.body).not.toHaveProperty('subject');
    });
  });

  describe('GET consent request', () => {
    it('shows who is asked to grant what, with how they logged in', async () => {
      const challenge = await challenges.create('consent', { skip: true, prompt: ['consent'] });
      const res = await call('consentRequest', { challenge });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toStrictEqual({
        challenge,
        client: { client_id: SIGN_IN_CLIENTS.web.clientId },
        requested_scope: REQUESTED.scopes,
        requested_resource: REQUESTED.resources,
        skip: true,
        subject: 'alice',
        session_id: 'sid-1',
        auth_time: expect.any(Number),
        acr: '1',
        amr: ['pwd'],
        prompt: ['consent'],
        ui_locales: [],
      });
    });
  });

  describe('body validation: 400 invalid_request naming the field, nothing recorded', () => {
    const long = (n: number) => 'a'.repeat(n);
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    // [path, body, what the description must name]
    const INVALID: ReadonlyArray<readonly [Path, unknown, string]> = [
      ['acceptLogin', {}, 'subject is required'],
      ['acceptLogin', { subject: null }, 'subject is required'],
      ['acceptLogin', { subject: '' }, 'subject must be'],
      ['acceptLogin', { subject: long(256) }, 'subject must be'],
      ['acceptLogin', { subject: 'alice smith' }, 'subject must be'],
      ['acceptLogin', { subject: 'alic\u00e9' }, 'subject must be'],
      ['acceptLogin', { subject: 42 }, 'subject must be'],
      ['acceptLogin', { subject: 'alice', acr: '' }, 'acr must be'],
      ['acceptLogin', { subject: 'alice', acr: long(256) }, 'acr must be'],
      ['acceptLogin', { subject: 'alice', acr: 2 }, 'acr must be'],
      ['acceptLogin', { subject: 'alice', amr: 'pwd' }, 'amr must be'],
      ['acceptLogin', { subject: 'alice', amr: [1] }, 'amr must be'],
      ['acceptLogin', { subject: 'alice', amr: [''] }, 'amr must be'],
      ['acceptLogin', { subject: 'alice', amr: [long(33)] }, 'amr must be'],
      ['acceptLogin', { subject: 'alice', amr: ['pwd', 'pwd'] }, 'amr must be'],
      [
        'acceptLogin',
        { subject: 'alice', amr: Array.from({ length: 11 }, (_, i) => `m${i}`) },
        'amr must be',
      ],
      ['acceptLogin', { subject: 'alice', remember: 'true' }, 'remember must be true or false'],
      ['acceptLogin', { subject: 'alice', remember: 1 }, 'remember must be true or false'],
      ['acceptLogin', { subject: 'alice', remember_for: -1 }, 'remember_for must be'],
      ['acceptLogin', { subject: 'alice', remember_for: 1.5 }, 'remember_for must be'],
      ['acceptLogin', { subject: 'alice', remember_for: '60' }, 'remember_for must be'],
      ['acceptLogin', { subject: 'alice', remember_for: 1e300 }, 'remember_for must be'],
      ['acceptLogin', { subject: 'alice', context: {} }, 'it takes only subject, acr, amr'],
      ['acceptLogin', [], 'the body must be a JSON object'],
      ['acceptLogin', null, 'the body must be a JSON object'],
      ['acceptLogin', 'alice', 'the body must be a JSON object'],
      ['acceptConsent', {}, 'grant_scope is required'],
      ['acceptConsent', { grant_scope: 'openid' }, 'grant_scope must be an array'],
      ['acceptConsent', { grant_scope: [] }, 'grant_scope must hold at least one'],
      ['acceptConsent', { grant_scope: ['openid', 'openid'] }, 'grant_scope must be an array'],
      [
        'acceptConsent',
        { grant_scope: ['openid', 'orders:write'] },
        'grant_scope may hold only values of requested_scope',
      ],
      ['acceptConsent', { grant_scope: [1] }, 'grant_scope may hold only'],
      [
        'acceptConsent',
        { grant_scope: ['openid'], grant_resource: 'x' },
        'grant_resource must be an array',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], grant_resource: ['https://ledger.test.example'] },
        'grant_resource may hold only values of requested_resource',
      ],
      ['acceptConsent', { grant_scope: ['openid'], session: [] }, 'session must be a JSON object'],
      [
        'acceptConsent',
        { grant_scope: ['openid'], session: { access_token: {} } },
        'session has a field',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], session: { id_token: [] } },
        'session.id_token must be',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], session: { id_token: 'x' } },
        'session.id_token must be',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], session: { id_token: deep } },
        'session.id_token must be',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], session: { userinfo: { name: long(9000) } } },
        'session.userinfo must be at most 8192 bytes',
      ],
      [
        'acceptConsent',
        { grant_scope: ['openid'], remember: 'yes' },
        'remember must be true or false',
      ],
      ['acceptConsent', { grant_scope: ['openid'], remember_for: -5 }, 'remember_for must be'],
      [
        'acceptConsent',
        { grant_scope: ['openid'], grant_access_token_audience: [] },
        'it takes only grant_scope',
      ],
      ['rejectLogin', { error: 'server_error' }, 'error must be one of access_denied'],
      ['rejectLogin', { error: 'invalid_request' }, 'error must be one of'],
      ['rejectLogin', { error: 3 }, 'error must be one of'],
      ['rejectConsent', { error_description: '' }, 'error_description must be'],
      ['rejectConsent', { error_description: long(201) }, 'error_description must be'],
      ['rejectConsent', { error_description: 'say "no"' }, 'error_description must be'],
      ['rejectConsent', { error_description: 'a\\b' }, 'error_description must be'],
      ['rejectConsent', { error_description: 'line\nbreak' }, 'error_description must be'],
      ['rejectConsent', { error_description: 'caf\u00e9' }, 'error_description must be'],
      ['rejectConsent', { error_description: 7 }, 'error_description must be'],
      [
        'rejectConsent',
        { error: 'access_denied', reason: 'x' },
        'it takes only error, error_description',
      ],
    ];

    const cases = INVALID.map(
      ([path, body, names]) =>
        [`${path} ${JSON.stringify(body).slice(0, 60)}`, path, body, names] as const,
    );

    it.each(cases)('%s: %s', async (_title, path, body, names) => {
      const kind = KIND_OF[path];
      const challenge = await challenges.create(kind);
      const res = await call(path, { challenge, body });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toContain(names);
      expect((await challenges.find(kind, challenge))?.answer).toBeUndefined();
    });

    it('remember_for above SESSION_MAX_TTL_SECONDS is refused, the cap itself accepted', async () => {
      const cap = sut.config.signIn.sessionMaxTtl;
      const refused = await challenges.create('login');
      const over = { subject: 'alice', remember_for: cap + 1 };
      const res = await call('acceptLogin', { challenge: refused, body: over });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe(
        `remember_for must be a whole number of seconds from 0 to ${cap}`,
      );
      const accepted = await challenges.create('login');
      const atCap = { subject: 'alice', remember_for: cap };
      expect((await call('acceptLogin', { challenge: accepted, body: atCap })).status).toBe(200);
    });

    it('a skippable login is accepted only for the session subject', async () => {
      const challenge = await challenges.create('login', { skip: true, subject: 'bob', sid: 's' });
      const other = await call('acceptLogin', { challenge, body: { subject: 'alice' } });
      expectError(other, 400, 'invalid_request');
      expect(other.body.error_description).toContain('subject must be the session subject');
      expect((await call('acceptLogin', { challenge, body: { subject: 'bob' } })).status).toBe(200);
    });

    it('refuses a __proto__ field like any unknown one', async () => {
      const challenge = await challenges.create('login');
      const rawBody = '{"subject":"alice","__proto__":{"remember":true}}';
      const res = await call('acceptLogin', { challenge, rawBody });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toContain('it takes only');
    });

    it('null is the same as an absent optional field', async () => {
      const challenge = await challenges.create('login');
      const body = { subject: 'alice', acr: null, amr: null, remember: null, remember_for: null };
      expect((await call('acceptLogin', { challenge, body })).status).toBe(200);
    });

    it.each([
      ['text/plain', '{"subject":"alice"}'],
      ['application/x-www-form-urlencoded', 'subject=alice'],
      ['application/jsonx', '{"subject":"alice"}'],
    ])('refuses a body of type %s: the API speaks application/json', async (type, raw) => {
      const challenge = await challenges.create('login');
      const res = await call('acceptLogin', { challenge, contentType: type, rawBody: raw });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('the body must be application/json');
    });

    it.each([
      ['malformed JSON', '{"subject":'],
      ['an empty body', ''],
      ['a repeated member name (RFC 8259 section 4)', '{"subject":"alice","subject":"bob"}'],
    ])('refuses %s', async (_what, raw) => {
      const challenge = await challenges.create('login');
      const res = await call('acceptLogin', { challenge, rawBody: raw });
      expectError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe(
        'the body is not valid JSON (RFC 8259), or repeats a member name',
      );
    });

    it('takes application/json with a charset', async () => {
      const challenge = await challenges.create('login');
      const res = await call('acceptLogin', {
        challenge,
        contentType: 'application/json; charset=utf-8',
        body: { subject: 'alice' },
      });
      expect(res.status).toBe(200);
    });

    it('refuses a body over BODY_LIMIT: 413', async () => {
      const challenge = await challenges.create('consent');
      const body = {
        grant_scope: ['openid'],
        session: { userinfo: { x: long(sut.config.bodyLimit) } },
      };
      const res = await call('acceptConsent', { challenge, body });
      expectError(res, 413, 'invalid_request');
      expect((await challenges.find('consent', challenge))?.answer).toBeUndefined();
    });
  });

  describe('answers', () => {
    /** The verifier of a redirect_to, checked against the authorization endpoint's URL. */
    const verifierOf = (res: HttpResponse, kind: ChallengeKind, challenge: string): string => {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(res.body)).toEqual(['redirect_to']);
      const to = new URL(res.body.redirect_to as string);
      expect(`${to.origin}${to.pathname}`).toBe(sut.config.endpoints.authorization);
      expect([...to.searchParams.keys()]).toEqual([`${kind}_challenge`, `${kind}_verifier`]);
      expect(to.searchParams.get(`${kind}_challenge`)).toBe(challenge);
      const verifier = to.searchParams.get(`${kind}_verifier`)!;
      expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
      return verifier;
    };

    it('accept login: records the answer under the verifier digest, once', async () => {
      const challenge = await challenges.create('login');
      const res = await call('acceptLogin', {
        challenge,
        body: {
          subject: 'alice',
          acr: '1',
          amr: ['pwd', 'otp'],
          remember: true,
          remember_for: 3600,
        },
      });
      const verifier = verifierOf(res, 'login', challenge);
      expect(await challenges.consume('login', challenge, sha256(`${verifier}x`))).toBeNull();
      const consumed = await challenges.consume('login', challenge, sha256(verifier));
      expect(consumed?.answer).toStrictEqual({
        kind: 'login',
        subject: 'alice',
        acr: '1',
        amr: ['pwd', 'otp'],
        remember: true,
        rememberFor: 3600,
      });
    });

    it('accept login: remember_for 0 or absent is SESSION_MAX_TTL_SECONDS', async () => {
      for (const body of [{ subject: 'alice' }, { subject: 'alice', remember_for: 0 }]) {
        const challenge = await challenges.create('login');
        const verifier = verifierOf(
          await call('acceptLogin', { challenge, body }),
          'login',
          challenge,
        );
        const consumed = await challenges.consume('login', challenge, sha256(verifier));
        expect(consumed?.answer).toStrictEqual({
          kind: 'login',
          subject: 'alice',
          amr: [],
          remember: false,
          rememberFor: sut.config.signIn.sessionMaxTtl,
        });
      }
    });

    it('accept consent: records the grant and the claims', async () => {
      const challenge = await challenges.create('consent');
      const session = {
        id_token: { name: 'Alice', email: 'alice@test.example' },
        userinfo: { email: 'alice@test.example', address: { country: 'FR' } },
      };
      const res = await call('acceptConsent', {
        challenge,
        body: { grant_scope: ['orders:read', 'openid'], session, remember: true, remember_for: 60 },
      });
      const verifier = verifierOf(res, 'consent', challenge);
      const consumed = await challenges.consume('consent', challenge, sha256(verifier));
      expect(consumed?.answer).toStrictEqual({
        kind: 'consent',
        // In the order the client asked them.
        scopes: ['openid', 'orders:read'],
        resources: REQUESTED.resources,
        idTokenClaims: session.id_token,
        userinfoClaims: session.userinfo,
        remember: true,
        rememberFor: 60,
      });
    });

    it('accept consent: may grant none of the requested resources', async () => {
      const challenge = await challenges.create('consent');
      const body = { grant_scope: ['openid'], grant_resource: [] };
      const verifier = verifierOf(
        await call('acceptConsent', { challenge, body }),
        'consent',
        challenge,
      );
      const consumed = await challenges.consume('consent', challenge, sha256(verifier));
      expect(consumed?.answer).toMatchObject({ scopes: ['openid'], resources: [] });
    });

    it.each(DENIAL_ERRORS)('reject login and consent with %s', async (error) => {
      for (const [kind, path] of [
        ['login', 'rejectLogin'],
        ['consent', 'rejectConsent'],
      ] as const) {
        const challenge = await challenges.create(kind);
        const body = { error, error_description: 'The user said no.' };
        const verifier = verifierOf(await call(path, { challenge, body }), kind, challenge);
        const consumed = await challenges.consume(kind, challenge, sha256(verifier));
        expect(consumed?.answer).toStrictEqual({
          kind: 'rejected',
          error,
          errorDescription: 'The user said no.',
        });
      }
    });

    it('reject: access_denied when the body names no error', async () => {
      const challenge = await challenges.create('consent');
      const verifier = verifierOf(
        await call('rejectConsent', { challenge, body: {} }),
        'consent',
        challenge,
      );
      const consumed = await challenges.consume('consent', challenge, sha256(verifier));
      expect(consumed?.answer).toStrictEqual({ kind: 'rejected', error: 'access_denied' });
    });

    it.each(PUT_PATHS)(
      '%s: a second answer is 409 conflict, and the first stands',
      async (path) => {
        const kind = KIND_OF[path];
        const challenge = await challenges.create(kind);
        const first = await call(path, { challenge });
        expect(first.status).toBe(200);
        const before = await challenges.find(kind, challenge);
        for (const again of PUT_PATHS.filter((p) => KIND_OF[p] === kind))
          expectError(await call(again, { challenge }), 409, 'conflict');
        expect(await challenges.find(kind, challenge)).toStrictEqual(before);
        // Reading an answered challenge is refused the same way: it is no longer pending.
        const read = kind === 'login' ? 'loginRequest' : 'consentRequest';
        expectError(await call(read, { challenge }), 409, 'conflict');
      },
    );

    it('of 10 concurrent answers exactly one wins', async () => {
      const challenge = await challenges.create('login');
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call('acceptLogin', { challenge, body: { subject: `user-${i}` } }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    });

    it('a consumed challenge is gone: 404', async () => {
      const challenge = await challenges.create('login');
      const res = await call('acceptLogin', { challenge });
      const verifier = new URL(res.body.redirect_to as string).searchParams.get('login_verifier')!;
      await challenges.consume('login', challenge, sha256(verifier));
      expectError(await call('loginRequest', { challenge }), 404, 'not_found');
      expectError(await call('rejectLogin', { challenge }), 404, 'not_found');
    });

    it('a fresh verifier for every answer', async () => {
      const verifiers = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const challenge = await challenges.create('login');
        const res = await call('acceptLogin', { challenge });
        verifiers.add(new URL(res.body.redirect_to as string).searchParams.get('login_verifier')!);
      }
      expect(verifiers.size).toBe(5);
    });
  });
});
