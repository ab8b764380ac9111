import { ArgumentsHost, Catch, ExceptionFilter, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, AppConfig } from '@app/config';
import { BearerError, bearerErrorResponse, DPOP_CHALLENGE_ALGS } from '@app/resource-server';

/**
 * Renders RFC 6750 §3 and RFC 9449 §7.1 errors of a protected resource of ours (/userinfo): the
 * status, the `Bearer` and `DPoP` challenges (realm = the issuer; both schemes are taken, so both
 * are offered, with the DPoP `algs`), `DPoP-Nonce` for `use_dpop_nonce`, and
 * `Cache-Control: no-store`.
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
    const { status, headers, body } = bearerErrorResponse(e, this.realm, DPOP_CHALLENGE_ALGS);
    void host.switchToHttp().getResponse<FastifyReply>().status(status).headers(headers).send(body);
  }
}
