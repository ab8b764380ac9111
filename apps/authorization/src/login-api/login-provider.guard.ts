import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig, LOGIN_PROVIDER_AUTH_METHOD } from '@app/config';
import { ClientAuthEndpoint, ClientAuthenticator, requireJsonApiCaller } from '@app/oauth';

/**
 * Only `login_provider` clients may use the login/consent API: a caller of it decides who is
 * signed in. They authenticate with HTTP Basic (RFC 6749 §2.3.1; the configuration allows no
 * other method for them) through the ClientAuthenticator every endpoint shares, with its
 * throttle of failures. No credentials or bad ones: 401 `invalid_client` with its challenge; a
 * good client that is not a login provider: 403 `unauthorized_client`.
 */
const LOGIN_CONSENT_API_CALLERS = {
  name: 'login/consent API',
  allows: (c: { loginProvider: boolean }) => c.loginProvider,
};

@Injectable()
export class LoginProviderGuard implements CanActivate {
  private readonly endpoint: ClientAuthEndpoint;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
  ) {
    this.endpoint = { audiences: [config.issuer], methods: [LOGIN_PROVIDER_AUTH_METHOD] };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp().getRequest<FastifyRequest>();
    await requireJsonApiCaller(this.authenticator, http, this.endpoint, LOGIN_CONSENT_API_CALLERS);
    return true;
  }
}
