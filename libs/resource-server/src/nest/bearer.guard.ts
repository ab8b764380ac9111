import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerError, bearerErrorResponse } from '../bearer.errors';
import { BearerSources } from '../bearer-token.extractor';
import { TokenValidator } from '../token.validator';
import { REQUIRED_SCOPES, TOKEN_PROPERTY } from './require-scopes.decorator';

/**
 * Guards a controller or route: validates the bearer token and the scopes named by
 * @RequireScopes, and answers RFC 6750 errors itself (status, challenge, JSON body).
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly validator: TokenValidator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const http = ctx.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    try {
      const token = await this.validator.validate(bearerSources(req));
      const required =
        this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, [
          ctx.getHandler(),
          ctx.getClass(),
        ]) ?? [];
      this.validator.requireScopes(token, required);
      (req as unknown as Record<string, unknown>)[TOKEN_PROPERTY] = token;
      return true;
    } catch (e) {
      if (!(e instanceof BearerError)) throw e;
      const { status, headers, body } = bearerErrorResponse(e, this.validator.realm);
      await http.getResponse<FastifyReply>().status(status).headers(headers).send(body);
      return false;
    }
  }
}

/** Where a request may carry its token; the validator decides which ones count. */
function bearerSources(req: FastifyRequest): BearerSources {
  const query = req.query as Record<string, unknown> | undefined;
  return {
    authorization: req.headers.authorization,
    queryAccessToken: typeof query?.access_token === 'string' ? query.access_token : undefined,
    formAccessToken: formField(req, 'access_token'),
    connection: req.raw,
  };
}

function formField(req: FastifyRequest, name: string): string | undefined {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
    return undefined;
  const body = req.body;
  if (typeof body === 'string') return new URLSearchParams(body).get(name) ?? undefined;
  const value =
    body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}
