import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import {
  BROWSER_SESSION_STORE,
  BrowserSession,
  BrowserSessionStore,
  InteractionChallenge,
  LoginAcceptance,
} from '@app/store';
import { BrowserCookies } from '../front-channel/browser-cookies';
import { SetCookie } from '../front-channel/front-channel-answer';

export interface StartedSession {
  readonly session: BrowserSession;
  readonly cookie: SetCookie;
}

/**
 * Starts or continues the browser session after a login the login app accepted. The cookie
 * value is new after every login (OWASP session management: renew the id on every privilege
 * change), and the previous value stops working at once (BrowserSessionStore.rotate): a value
 * an attacker planted before the login is worth nothing after it (session fixation). A skipped
 * login of the session's own subject keeps its `sid` and `auth_time`; any other login is a new
 * session (`session.started`), replacing the one the browser had (`session.ended`, `replaced`).
 */
@Injectable()
export class BrowserSessionStarter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(BROWSER_SESSION_STORE) private readonly sessions: BrowserSessionStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
    private readonly cookies: BrowserCookies,
  ) {}

  async start(
    browserCookies: ReadonlyMap<string, string>,
    challenge: InteractionChallenge,
    login: LoginAcceptance,
  ): Promise<StartedSession> {
    const oldDigest = this.cookies.digestOf(browserCookies, this.cookies.sessionName);
    const previous = oldDigest === undefined ? null : await this.sessions.find(oldDigest);
    const continued =
      challenge.skip &&
      previous !== null &&
      previous.sid === challenge.sid &&
      previous.subject === login.subject;
    const session = continued ? previous : newSession(login);
    // SESSION_MAX_TTL_SECONDS caps remember_for; 0 (or no remember) means the cap.
    const ttl = Math.min(login.rememberFor || Infinity, this.config.signIn.sessionMaxTtl);
    const expiresAt = Date.now() + ttl * 1000;
    if (!continued) await this.recordStart(session, expiresAt, challenge.clientId, previous);
    const fresh = this.cookies.mint();
    const moved =
      oldDigest === undefined
        ? null
        : await this.sessions.rotate(oldDigest, fresh.digest, session, expiresAt);
    if (moved === null) await this.sessions.save(fresh.digest, session, expiresAt);
    const cookie = { name: this.cookies.sessionName, value: fresh.value };
    return { session, cookie: login.remember ? { ...{}, ...cookie, maxAge: ttl } : cookie };
  }

  /** The log has the new session (and the end of the one it replaces) before the store does. */
  private async recordStart(
    s: BrowserSession,
    expiresAt: number,
    clientId: string,
    previous: BrowserSession | null,
  ): Promise<void> {
    if (previous !== null)
      await this.bus.publish(
        this.events.create('session.ended', previous.sid, previous.sid, {
          sid: previous.sid,
          sub: previous.subject,
          reason: 'replaced',
          client_id: clientId,
        }),
      );
    await this.bus.publish(
      this.events.create('session.started', s.sid, s.sid, {
        sid: s.sid,
        sub: s.subject,
        auth_time: s.authTime,
        exp: Math.floor(expiresAt / 1000),
        ...(s.acr === undefined ? {} : { acr: s.acr }),
        amr: s.amr,
        client_id: clientId,
      }),
    );
  }
}

function newSession(login: LoginAcceptance): BrowserSession {
  return {
    // 128 random bits: public (ID tokens carry it), but not guessable.
    sid: randomBytes(16).toString('base64url'),
    subject: login.subject,
    authTime: Math.floor(Date.now() / 1000),
    ...(login.acr === undefined ? {} : { acr: login.acr }),
    amr: login.amr,
  };
}
