import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ADMIN_AUTH_METHOD, APP_CONFIG, AppConfig } from '@app/config';
import { ClientAuthenticator } from '../client-authentication/client.authenticator';
import { ClientAuthEndpoint } from '../client-authentication/endpoint-auth-methods';
import { requireJsonApiCaller } from '../client-authentication/json-api-caller';

/**
 * Only `admin` clients may use the admin API: it revokes other clients' tokens and lists a
 * user's grants. They authenticate as at the introspection endpoint, through the same
 * ClientAuthenticator and its throttle of failures, with the one method the configuration
 * allows them: HTTP Basic (RFC 6749 §2.3.1). The API's bodies are JSON and its GET and DELETE
 * have none, so form-borne credentials (`client_secret_post`, RFC 7523 `client_assertion`)
 * cannot ride. No or bad credentials: 401 `invalid_client` with a Basic challenge; a good client
 * that is not an admin: 403 `unauthorized_client`.
 */
const ADMIN_API_CALLERS = {
  name: 'admin API',
  allows: (c: { admin?: boolean }) => c.admin === true,
};

@Injectable()
export class AdminClientGuard implements CanActivate {
  private readonly endpoint: ClientAuthEndpoint;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
  ) {
    this.endpoint = { audiences: [config.issuer], methods: [ADMIN_AUTH_METHOD] };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp().getRequest<FastifyRequest>();
    await requireJsonApiCaller(this.authenticator, http, this.endpoint, ADMIN_API_CALLERS);
    return true;
  }
}
