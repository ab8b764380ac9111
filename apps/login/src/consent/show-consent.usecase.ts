import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConsentRequestView } from '@app/oauth';
import { CsrfTokens } from '../csrf/csrf.tokens';
import { FormActionSources } from '../html/form-action.sources';
import { challengeOf, pageGet } from '../html/page-request';
import { sendPage, sendRedirect } from '../html/page.reply';
import { consentPage } from '../html/pages.template';
import { PlatformApi } from '../platform/platform.api';
import { UserClaims } from '../users/user-claims';
import { grantRequested } from './grant-requested';

/**
 * `GET /consent?consent_challenge=…`: the consent page, or none when the platform says consent
 * may be skipped (a first-party client, or a remembered grant covering the request).
 */
@Injectable()
export class ShowConsent {
  constructor(
    private readonly api: PlatformApi,
    private readonly csrf: CsrfTokens,
    private readonly formAction: FormActionSources,
    private readonly claims: UserClaims,
  ) {}

  async run(http: FastifyRequest, reply: FastifyReply): Promise<void> {
    const req = pageGet(http);
    const request = await this.api.consentRequest(challengeOf(req.query, 'consent_challenge'));
    if (request.skip) return this.acceptAtOnce(request, reply);
    const browser = this.csrf.browserValue(req, reply);
    const html = consentPage({
      challenge: request.challenge,
      csrfToken: this.csrf.token(browser, 'consent', request.challenge),
      clientId: request.client.client_id,
      scopes: request.requested_scope,
      resources: request.requested_resource,
    });
    sendPage(reply, 200, html, this.formAction.forClient(request.client.client_id));
  }

  /** Skipped consent still supplies the claims: the new grant's tokens carry them. */
  private async acceptAtOnce(request: ConsentRequestView, reply: FastifyReply): Promise<void> {
    const body = grantRequested(request, this.claims.of(request.subject), false);
    const { redirect_to } = await this.api.acceptConsent(request.challenge, body);
    sendRedirect(reply, redirect_to);
  }
}
