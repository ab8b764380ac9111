import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LoginRequestView, RequestContext } from '@app/oauth';
import { CsrfTokens } from '../csrf/csrf.tokens';
import { FormActionSources } from '../html/form-action.sources';
import { sendPage } from '../html/page.reply';
import { loginPage } from '../html/pages.template';

export interface LoginFormState {
  readonly status: number;
  readonly username?: string;
  readonly message?: string;
}

/** The login page of one login request, with this browser's CSRF token for its challenge. */
@Injectable()
export class LoginForm {
  constructor(
    private readonly csrf: CsrfTokens,
    private readonly formAction: FormActionSources,
  ) {}

  show(
    req: RequestContext,
    reply: FastifyReply,
    request: LoginRequestView,
    state: LoginFormState,
  ): void {
    const csrfToken = this.csrf.token(
      this.csrf.browserValue(req, reply),
      'login',
      request.challenge,
    );
    const html = loginPage({
      challenge: request.challenge,
      csrfToken,
      clientId: request.client.client_id,
      username: state.username,
      message: state.message,
    });
    sendPage(reply, state.status, html, this.formAction.forClient(request.client.client_id));
  }
}
