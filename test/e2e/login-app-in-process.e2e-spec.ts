import { createHash } from 'node:crypto';
import { USERS } from '../fixtures/test-registry';
import { InteractionChallenges, REQUESTED } from '../support/interaction-challenges';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

interface Form {
  readonly cookie: string;
  readonly fields: Record<string, string>;
}

/**
 * The reference login app in the standalone server, answering challenges through the real
 * login/consent API in-process (no login/consent HTTP call is made), with the challenges made
 * through the store ports as the authorization endpoint makes them.
 */
describe('the reference login app with the in-process login/consent API', () => {
  let sut: StandaloneServer;
  let challenges: InteractionChallenges;
  let fetchSpy: jest.SpyInstance;

  beforeAll(async () => {
    sut = await startStandaloneServer();
    challenges = new InteractionChallenges(sut.app);
    fetchSpy = jest.spyOn(globalThis, 'fetch');
  });
  afterAll(async () => {
    fetchSpy?.mockRestore();
    await sut?.close();
  });

  async function open(path: string): Promise<Form> {
    const res = await fetch(`${sut.url}${path}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    const fields: Record<string, string> = {};
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
      fields[m[1]!] = m[2]!;
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, fields };
  }

  async function submit(path: string, form: Form, extra: Record<string, string>) {
    return fetch(`${sut.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body: new URLSearchParams({ ...form.fields, ...extra }).toString(),
    });
  }

  /** The verifier redirect_to carries opens the answered challenge, as the endpoint checks. */
  async function expectRedirectConsumes(location: string, kind: 'login' | 'consent', id: string) {
    const to = new URL(location);
    expect(`${to.origin}${to.pathname}`).toBe(sut.config.endpoints.authorization);
    expect(to.searchParams.get(`${kind}_challenge`)).toBe(id);
    const verifier = to.searchParams.get(`${kind}_verifier`)!;
    await expect(challenges.consume(kind, id, sha256(verifier))).resolves.toMatchObject({
      answer: { kind },
    });
  }

  it('signs a user in: the answer recorded is the user’s subject with pwd', async () => {
    const id = await challenges.create('login');
    const form = await open(`/login?login_challenge=${id}`);
    const res = await submit('/login', form, {
      username: USERS.alice.username,
      password: USERS.alice.password,
      remember: '1',
    });
    expect(res.status).toBe(303);
    const state = await challenges.find('login', id);
    expect(state?.answer).toMatchObject({
      kind: 'login',
      subject: USERS.alice.username,
      amr: ['pwd'],
      remember: true,
    });
    await expectRedirectConsumes(res.headers.get('location')!, 'login', id);
  });

  it('consents with the user’s claims, and a second submission is told the step is done', async () => {
    const id = await challenges.create('consent', { subject: USERS.alice.username });
    const form = await open(`/consent?consent_challenge=${id}`);
    const res = await submit('/consent', form, { decision: 'allow' });
    expect(res.status).toBe(303);
    const state = await challenges.find('consent', id);
    expect(state?.answer).toMatchObject({
      kind: 'consent',
      scopes: REQUESTED.scopes,
      resources: REQUESTED.resources,
      idTokenClaims: { email: USERS.alice.email, email_verified: true },
      remember: true,
    });
    const again = await submit('/consent', form, { decision: 'allow' });
    expect(again.status).toBe(409);
    await expectRedirectConsumes(res.headers.get('location')!, 'consent', id);
  });

  it('says an unknown challenge has expired', async () => {
    const res = await fetch(`${sut.url}/login?login_challenge=no-such-challenge`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('This sign-in has expired');
  });

  it('made no HTTP call to the login/consent API', () => {
    const apiCalls = fetchSpy.mock.calls.filter(([url]) =>
      String(url).includes('/oauth2/auth/requests'),
    );
    expect(apiCalls).toEqual([]);
  });
});
