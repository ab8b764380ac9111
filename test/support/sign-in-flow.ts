import { randomBytes } from 'node:crypto';
import {
  INTERACTION_CHALLENGE_STORE,
  InteractionAnswer,
  InteractionChallengeStore,
} from '@app/store';
import { tokenDigest } from '@app/tokens';
import { StandaloneServer } from './standalone-server';
import { BrowserResponse, TestBrowser, queryOf } from './test-browser';

/**
 * Answers login and consent challenges as the login/consent API records them
 * (`InteractionChallengeStore.answer` with the digest of a verifier) and builds the URL the
 * browser is sent back to, the API's `redirect_to`.
 */
export class ChallengeAnswerer {
  private readonly store: InteractionChallengeStore;

  /** The challenge as the login app would read it. */
  async challenge(kind: 'login' | 'consent', id: string) {
    const state = await this.store.find(kind, id);
    if (state === null) throw new Error(`no ${kind} challenge ${id}`);
    return state.challenge;
  }

  constructor(private readonly server: StandaloneServer) {
    this.store = server.app.get<InteractionChallengeStore>(INTERACTION_CHALLENGE_STORE);
  }

  challengeOf(res: BrowserResponse, kind: 'login' | 'consent'): string {
    const id = queryOf(res.location)[`${kind}_challenge`];
    if (id === undefined) throw new Error(`no ${kind}_challenge in ${res.location}`);
    return id;
  }

  async answer(kind: 'login' | 'consent', id: string, answer: InteractionAnswer): Promise<string> {
    const verifier = randomBytes(32).toString('base64url');
    const outcome = await this.store.answer(kind, id, answer, tokenDigest(verifier));
    if (outcome !== 'answered') throw new Error(`the ${kind} challenge was ${outcome}`);
    const url = new URL(this.server.config.endpoints.authorization);
    url.searchParams.set(`${kind}_challenge`, id);
    url.searchParams.set(`${kind}_verifier`, verifier);
    return url.href;
  }

  acceptLogin(id: string, subject: string, remember = true): Promise<string> {
    return this.answer('login', id, {
      kind: 'login',
      subject,
      acr: 'urn:test:pwd',
      amr: ['pwd'],
      remember,
      rememberFor: remember ? 3600 : 0,
    });
  }

  /** Grants `scopes` and, unless told otherwise, every requested resource. */
  async acceptConsent(
    id: string,
    scopes: readonly string[],
    resources?: readonly string[],
    remember = true,
  ): Promise<string> {
    const requested = (await this.store.find('consent', id))?.challenge.resources ?? [];
    return this.answer('consent', id, {
      kind: 'consent',
      scopes,
      resources: resources ?? requested,
      idTokenClaims: { email: 'alice@test.example' },
      userinfoClaims: { email: 'alice@test.example' },
      remember,
      rememberFor: 3600,
    });
  }

  /** Login then consent in `browser`, from the login redirect to the client's redirect. */
  async signIn(
    browser: TestBrowser,
    loginRedirect: BrowserResponse,
    subject: string,
    scopes: readonly string[],
  ): Promise<BrowserResponse> {
    const login = this.challengeOf(loginRedirect, 'login');
    const consentRedirect = await browser.get(await this.acceptLogin(login, subject));
    const consent = this.challengeOf(consentRedirect, 'consent');
    return browser.get(await this.acceptConsent(consent, scopes));
  }
}
