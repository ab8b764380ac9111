import { Controller, Inject, UseGuards } from '@nestjs/common';
import {
  AcceptConsentBody,
  AcceptLoginBody,
  ConsentRequestView,
  JsonBody,
  LOGIN_CONSENT_API,
  LOGIN_CONSENT_PATHS as PATHS,
  LoginConsentApi,
  LoginRequestView,
  RedirectAnswer,
  RejectBody,
} from '@app/oauth';
import { ChallengeQuery, LoginApiRoute } from './login-api.params';
import { LoginProviderGuard } from './login-provider.guard';

/**
 * The login/consent API over HTTP (docs/openapi.yaml). Bodies arrive as
 * `unknown` JSON: the API checks every field itself.
 */
@Controller()
@UseGuards(LoginProviderGuard)
export class LoginConsentController {
  constructor(@Inject(LOGIN_CONSENT_API) private readonly api: LoginConsentApi) {}

  @LoginApiRoute('GET', PATHS.loginRequest)
  loginRequest(@ChallengeQuery('login') challenge: string): Promise<LoginRequestView> {
    return this.api.loginRequest(challenge);
  }

  @LoginApiRoute('PUT', PATHS.acceptLogin)
  acceptLogin(
    @ChallengeQuery('login') challenge: string,
    @JsonBody() body: AcceptLoginBody,
  ): Promise<RedirectAnswer> {
    return this.api.acceptLogin(challenge, body);
  }

  @LoginApiRoute('PUT', PATHS.rejectLogin)
  rejectLogin(
    @ChallengeQuery('login') challenge: string,
    @JsonBody() body: RejectBody,
  ): Promise<RedirectAnswer> {
    return this.api.rejectLogin(challenge, body);
  }

  @LoginApiRoute('GET', PATHS.consentRequest)
  consentRequest(@ChallengeQuery('consent') challenge: string): Promise<ConsentRequestView> {
    return this.api.consentRequest(challenge);
  }

  @LoginApiRoute('PUT', PATHS.acceptConsent)
  acceptConsent(
    @ChallengeQuery('consent') challenge: string,
    @JsonBody() body: AcceptConsentBody,
  ): Promise<RedirectAnswer> {
    return this.api.acceptConsent(challenge, body);
  }

  @LoginApiRoute('PUT', PATHS.rejectConsent)
  rejectConsent(
    @ChallengeQuery('consent') challenge: string,
    @JsonBody() body: RejectBody,
  ): Promise<RedirectAnswer> {
    return this.api.rejectConsent(challenge, body);
  }
}
