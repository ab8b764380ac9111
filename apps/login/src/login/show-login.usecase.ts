import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequestView } from '@app/oauth';
import { challengeOf, pageGet } from '../html/page-request';
import { sendRedirect } from '../html/page.reply';
import { PlatformApi } from '../platform/platform.api';
import { BadPageRequest } from '../login-app.errors';
import { LoginForm } from './login.form';

/** `GET /login?login_challenge=…`: the login page, or no page when a session already signed in. */
@Injectable()
export class ShowLogin {
  constructor(
    private readonly api: PlatformApi,
    private readonly form: LoginForm,
  ) {}

  async run(http: FastifyRequest, reply: FastifyReply): Promise<void> {
    const req = pageGet(http);
    const request = await this.api.loginRequest(challengeOf(req.query, 'login_challenge'));
    if (request.skip) return this.acceptSession(request, reply);
    this.form.show(req, reply, request, { status: 200, username: request.login_hint });
  }

  /**
   * A live browser session authenticated the subject, and neither `prompt=login` nor `max_age`
   * asks for a new login (the platform decided: `skip` is false then). Asking for the password
   * again would only train users to type it wherever they are asked.
   */
  private async acceptSession(request: LoginRequestView, reply: FastifyReply): Promise<void> {
    if (request.subject === undefined)
      throw new BadPageRequest('The sign-in service sent an incomplete request. Start again.');
    const { redirect_to } = await this.api.acceptLogin(request.challenge, {
      subject: request.subject,
    });
    sendRedirect(reply, redirect_to);
  }
}
