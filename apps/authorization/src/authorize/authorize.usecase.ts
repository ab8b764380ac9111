import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { FormParams } from '@app/oauth';
import { errorPage } from '../front-channel/error-page';
import { asOAuthError } from '../front-channel/front-channel-failure';
import { FrontChannelAnswer } from '../front-channel/front-channel-answer';
import {
  FrontChannelHttpRequest,
  frontChannelRequest,
} from '../front-channel/front-channel-request';
import { authorizationError } from './authorization-response';
import { AfterConsentStep } from './steps/after-consent.step';
import { AfterLoginStep } from './steps/after-login.step';
import { AuthorizeStep, TrustedFlow } from './steps/authorize-step';
import { StartSignInStep } from './steps/start-sign-in.step';

/**
 * `GET|POST /oauth2/authorize` (RFC 6749 §3.1, §4.1; OIDC Core §3.1.2): the one URL of the
 * browser's whole flow (the brief's "The flow"): a new request, the return from login
 * (`login_verifier`) or from consent (`consent_verifier`). Until the client's redirect URI is
 * trusted, failures are a 400 page; after, they go to the redirect URI with `iss`.
 */
@Injectable()
export class AuthorizeUseCase {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly start: StartSignInStep,
    private readonly afterLogin: AfterLoginStep,
    private readonly afterConsent: AfterConsentStep,
  ) {}

  async execute(http: FrontChannelHttpRequest): Promise<FrontChannelAnswer> {
    let flow: { req: ReturnType<typeof frontChannelRequest>['req']; params: FormParams };
    let step: AuthorizeStep<TrustedFlow>;
    let trusted: TrustedFlow;
    try {
      flow = frontChannelRequest(http);
      step = this.stepFor(flow.params);
      trusted = await step.trust(flow.req, flow.params);
    } catch (e) {
      const error = asOAuthError(e);
      return errorPage(error.error, error.description, error.status);
    }
    try {
      return await step.run(flow.req, flow.params, trusted);
    } catch (e) {
      return authorizationError(
        trusted.target,
        this.config.issuer,
        asOAuthError(e),
        trusted.flowEndCookies,
      );
    }
  }

  private stepFor(params: FormParams): AuthorizeStep<TrustedFlow> {
    if (params.has('login_verifier')) return this.afterLogin;
    if (params.has('consent_verifier')) return this.afterConsent;
    return this.start;
  }
}
