import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RequestContext } from '@app/oauth';
import { LOGIN_FAILURE_THROTTLE, LoginFailureThrottle } from '@app/store';
import { CsrfTokens } from '../csrf/csrf.tokens';
import { challengeOf, pagePost } from '../html/page-request';
import { sendRedirect } from '../html/page.reply';
import { TooManyFailedLogins } from '../login-app.errors';
import { PlatformApi } from '../platform/platform.api';
import { PasswordCheck, usernameKey } from '../users/password.check';
import { LoginForm } from './login.form';

/** Longest username and password looked at; longer ones match no user. */
const MAX_USERNAME = 256;
const MAX_PASSWORD = 1024;

/** The same words for an unknown username and a wrong password: neither is told apart. */
const REFUSED = 'The username or password is not right.';

/**
 * `POST /login`: checks the CSRF token, then the password (unless the username has failed too
 * often: 429, and no password is checked), and accepts the login request with the user's
 * subject, or shows the form again. A cancel rejects the request (`access_denied`). Neither the
 * password nor the username is ever logged.
 */
@Injectable()
export class SubmitLogin {
  constructor(
    private readonly api: PlatformApi,
    private readonly csrf: CsrfTokens,
    private readonly passwords: PasswordCheck,
    private readonly form: LoginForm,
    @Inject(LOGIN_FAILURE_THROTTLE) private readonly throttle: LoginFailureThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(http: FastifyRequest, reply: FastifyReply): Promise<void> {
    const req = pagePost(http);
    const challenge = challengeOf(req.form, 'login_challenge');
    this.csrf.check(req, 'login', challenge, req.form.get('csrf_token'));
    if (req.form.get('action') === 'cancel') return this.cancel(challenge, reply);
    const username = req.form.get('username') ?? '';
    const password = req.form.get('password') ?? '';
    if (username === '' || password === '')
      return this.showAgain(req, reply, challenge, username, 'Enter your username and password.');
    await this.countAttempt(usernameKey(username));
    const subject = await this.verify(username, password);
    if (subject === undefined) return this.showAgain(req, reply, challenge, username, REFUSED);
    await this.throttle.forget(usernameKey(username));
    await this.accept(req, reply, challenge, subject);
  }

  /** Counted before the check, atomically: guesses sent in parallel cannot slip past the limit. */
  private async countAttempt(username: string): Promise<void> {
    const wait = await this.throttle.attempt(username);
    if (wait > 0) throw new TooManyFailedLogins(wait);
  }

  private async verify(username: string, password: string): Promise<string | undefined> {
    if (username.length > MAX_USERNAME || password.length > MAX_PASSWORD) return undefined;
    return (await this.passwords.verify(username, password))?.subject;
  }

  private async showAgain(
    req: RequestContext,
    reply: FastifyReply,
    challenge: string,
    username: string,
    message: string,
  ): Promise<void> {
    // The request is read again rather than taken from the form: it may have expired meanwhile.
    const request = await this.api.loginRequest(challenge);
    const shown = username.length > MAX_USERNAME ? undefined : username;
    this.form.show(req, reply, request, { status: 400, username: shown, message });
  }

  private async accept(
    req: RequestContext,
    reply: FastifyReply,
    challenge: string,
    subject: string,
  ): Promise<void> {
    const remember = req.form.has('remember');
    const { redirect_to } = await this.api.acceptLogin(challenge, {
      subject,
      // RFC 8176 §2: `pwd`, password-based authentication.
      amr: ['pwd'],
      remember,
      ...(remember ? { remember_for: this.config.signIn.sessionMaxTtl } : {}),
    });
    sendRedirect(reply, redirect_to);
  }

  private async cancel(challenge: string, reply: FastifyReply): Promise<void> {
    const { redirect_to } = await this.api.rejectLogin(challenge, {
      error: 'access_denied',
      error_description: 'the user cancelled the sign-in',
    });
    sendRedirect(reply, redirect_to);
  }
}
