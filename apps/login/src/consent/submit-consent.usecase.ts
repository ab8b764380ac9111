import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RedirectAnswer } from '@app/oauth';
import { CsrfTokens } from '../csrf/csrf.tokens';
import { challengeOf, pagePost } from '../html/page-request';
import { sendRedirect } from '../html/page.reply';
import { BadPageRequest } from '../login-app.errors';
import { PlatformApi } from '../platform/platform.api';
import { UserClaims } from '../users/user-claims';
import { grantRequested } from './grant-requested';

/**
 * `POST /consent` with `decision` `allow` or `deny`, after the CSRF check. Allow grants what the
 * consent request asks (read again from the API, never from the form) and is remembered, so a
 * later authorization asking no more is not asked again; deny is `access_denied` (RFC 6749
 * §4.1.2.1).
 */
@Injectable()
export class SubmitConsent {
  constructor(
    private readonly api: PlatformApi,
    private readonly csrf: CsrfTokens,
    private readonly claims: UserClaims,
  ) {}

  async run(http: FastifyRequest, reply: FastifyReply): Promise<void> {
    const req = pagePost(http);
    const challenge = challengeOf(req.form, 'consent_challenge');
    this.csrf.check(req, 'consent', challenge, req.form.get('csrf_token'));
    const answer = await this.decide(challenge, req.form.get('decision'));
    sendRedirect(reply, answer.redirect_to);
  }

  private async decide(challenge: string, decision: string | undefined): Promise<RedirectAnswer> {
    if (decision === 'allow') return this.allow(challenge);
    if (decision === 'deny')
      return this.api.rejectConsent(challenge, {
        error: 'access_denied',
        error_description: 'the user denied access',
      });
    throw new BadPageRequest('Choose Allow or Deny.');
  }

  private async allow(challenge: string): Promise<RedirectAnswer> {
    const request = await this.api.consentRequest(challenge);
    const body = grantRequested(request, this.claims.of(request.subject), true);
    return this.api.acceptConsent(challenge, body);
  }
}
