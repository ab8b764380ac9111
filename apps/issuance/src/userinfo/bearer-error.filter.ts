import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BearerError, bearerErrorResponse } from '@app/resource-server';

/**
 * Renders RFC 6750 §3 errors of a protected resource of ours (/userinfo): the status, the
 * `WWW-Authenticate: Bearer` challenge (realm = the issuer) and `Cache-Control: no-store`.
 * Anything else goes on to the global OAuthExceptionFilter.
 */
@Catch(BearerError)
@Injectable()
export class BearerErrorFilter implements ExceptionFilter {
  private readonly realm: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.realm = config.issuer;
  }

  catch(e: BearerError, host: ArgumentsHost): void {
    const { status, headers, body } = bearerErrorResponse(e, this.realm);
    void host.switchToHttp().getResponse<FastifyReply>().status(status).headers(headers).send(body);
  }
}
