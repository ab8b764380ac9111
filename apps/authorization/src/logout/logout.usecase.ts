import { Inject, Injectable } from '@nestjs/common';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { ClientRegistry } from '@app/registry';
import { BROWSER_SESSION_STORE, BrowserSession, BrowserSessionStore } from '@app/store';
import { APP_CONFIG, AppConfig } from '@app/config';
import { IdTokenHintVerifier } from '@app/tokens';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { errorPage } from '../front-channel/error-page';
import { FrontChannelAnswer, SetCookie } from '../front-channel/front-channel-answer';
import { asOAuthError } from '../front-channel/front-channel-failure';
import {
  FrontChannelHttpRequest,
  frontChannelRequest,
} from '../front-channel/front-channel-request';
import { htmlPage } from '../front-channel/html';
import { logoutConfirmation } from './logout-confirmation.page';
import { checkLogoutRequest, LogoutRequest } from './logout-request';

/**
 * `GET|POST /oauth2/logout` (OpenID RP-Initiated Logout 1.0): ends the browser session
 * (`session.ended` acknowledged first, then the store entry, then the cookie), then sends the
 * browser to the registered `post_logout_redirect_uri` with `state`, or shows a signed-out page.
 * A request that fails its checks ends nothing and redirects nowhere.
 */
@Injectable()
export class LogoutUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    private readonly hints: IdTokenHintVerifier,
    @Inject(BROWSER_SESSION_STORE) private readonly sessions: BrowserSessionStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly cookies: BrowserCookies,
  ) {}

  async execute(http: FrontChannelHttpRequest): Promise<FrontChannelAnswer> {
    try {
      const { req, params } = frontChannelRequest(http);
      const logout = await checkLogoutRequest(this.registry, this.hints, params);
      const found = await this.sessionOf(req.cookies);
      // RP-Initiated Logout §2: without an id_token_hint the OP should ask the user, or any page
      // could sign them out with a link. The confirmation posts back: a SameSite=Lax session
      // cookie comes with a same-site POST only, so no other site can submit it for them.
      if (found !== null && !logout.hinted && req.method !== 'POST')
        return logoutConfirmation(this.config.endpoints.endSession, logout);
      const kept = await this.endSession(found, logout);
      return this.signedOut(logout, kept ? [] : [this.cookies.cleared(this.cookies.sessionName)]);
    } catch (e) {
      const error = asOAuthError(e);
      return errorPage(error.error, error.description, error.status);
    }
  }

  private async sessionOf(jar: ReadonlyMap<string, string>) {
    const digest = this.cookies.digestOf(jar, this.cookies.sessionName);
    const session = digest === undefined ? null : await this.sessions.find(digest);
    return session === null ? null : { digest: digest!, session };
  }

  /** Whether the browser's session was kept: the hint names another session. */
  private async endSession(
    found: { digest: string; session: BrowserSession } | null,
    logout: LogoutRequest,
  ): Promise<boolean> {
    if (found === null) return false;
    const { digest, session } = found;
    // An ID token of another session names someone else's sign-in: this browser's stays.
    if (logout.sid !== undefined && logout.sid !== session.sid) return true;
    await this.bus.publish(
      this.events.create('session.ended', session.sid, session.sid, {
        sid: session.sid,
        sub: session.subject,
        reason: 'logout',
        ...(logout.client === undefined ? {} : { client_id: logout.client.clientId }),
      }),
    );
    await this.sessions.delete(digest);
    return false;
  }

  private signedOut(logout: LogoutRequest, cookies: SetCookie[]): FrontChannelAnswer {
    if (logout.postLogoutRedirectUri === undefined) {
      const html = htmlPage('Signed out', '<main><h1>You are signed out</h1></main>');
      return { kind: 'page', status: 200, html, cookies };
    }
    const url = new URL(logout.postLogoutRedirectUri);
    if (logout.state !== undefined) url.searchParams.append('state', logout.state);
    return { kind: 'redirect', location: url.href, cookies };
  }
}
