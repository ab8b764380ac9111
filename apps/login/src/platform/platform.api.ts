import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '@app/config';
import {
  AcceptConsentBody,
  AcceptLoginBody,
  ConsentRequestView,
  LOGIN_CONSENT_API,
  LoginConsentApi,
  LoginRequestView,
  RedirectAnswer,
  RejectBody,
} from '@app/oauth';
import { HttpLoginConsentApi } from './http-login-consent.api';
import { requireLoginApiCredentials } from './login-api.credentials';
import { LoginApiError } from './login-api.error';

/**
 * The login/consent API as the login app uses it: in-process when the authorization service
 * shares the process (the standalone server: it binds LOGIN_CONSENT_API, and no variable is
 * needed), over HTTP otherwise (a `login_provider` client's credentials, checked at start).
 *
 * The in-process API is looked up across the whole application once every module is built: the
 * login app must not import the authorization service (run apart, it has none), and the
 * authorization service need not export its API to every module for the login app's sake.
 */
@Injectable()
export class PlatformApi implements LoginConsentApi, OnModuleInit {
  private api?: LoginConsentApi;
  private readonly authorizationEndpoint: URL;

  constructor(
    private readonly modules: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.authorizationEndpoint = new URL(config.endpoints.authorization);
  }

  onModuleInit(): void {
    const inProcess = this.inProcessApi();
    if (inProcess) this.api = inProcess;
    else {
      const { apiUrl } = this.config.signIn.loginApp;
      this.api = new HttpLoginConsentApi(apiUrl, requireLoginApiCredentials(this.config));
      new Logger('LoginApp').log(`login/consent API over HTTP at ${apiUrl}`);
    }
  }

  loginRequest(challenge: string): Promise<LoginRequestView> {
    return this.target().loginRequest(challenge);
  }

  async acceptLogin(challenge: string, body: AcceptLoginBody): Promise<RedirectAnswer> {
    return this.checked(await this.target().acceptLogin(challenge, body));
  }

  async rejectLogin(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    return this.checked(await this.target().rejectLogin(challenge, body));
  }

  consentRequest(challenge: string): Promise<ConsentRequestView> {
    return this.target().consentRequest(challenge);
  }

  async acceptConsent(challenge: string, body: AcceptConsentBody): Promise<RedirectAnswer> {
    return this.checked(await this.target().acceptConsent(challenge, body));
  }

  async rejectConsent(challenge: string, body: RejectBody): Promise<RedirectAnswer> {
    return this.checked(await this.target().rejectConsent(challenge, body));
  }

  private inProcessApi(): LoginConsentApi | undefined {
    try {
      return this.modules.get<LoginConsentApi>(LOGIN_CONSENT_API, { strict: false });
    } catch {
      return undefined;
    }
  }

  private target(): LoginConsentApi {
    if (!this.api) throw new Error('the login/consent API is used before the module started');
    return this.api;
  }

  /**
   * The browser is only ever sent back to the authorization endpoint (the flow, step 2): the
   * pages' `form-action` allows no other place of the platform's, and a login app that followed
   * any URL it was handed would be an open redirector for whoever could answer in the API's name.
   */
  private checked(answer: RedirectAnswer): RedirectAnswer {
    const to = URL.canParse(answer.redirect_to) ? new URL(answer.redirect_to) : undefined;
    const expected = this.authorizationEndpoint;
    if (!to || to.origin !== expected.origin || to.pathname !== expected.pathname)
      throw new LoginApiError(502, 'redirect_to is not the authorization endpoint');
    return answer;
  }
}
