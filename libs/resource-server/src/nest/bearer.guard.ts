import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerError, bearerErrorResponse } from '../bearer.errors';
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
      const token = await this.validator.validate({ authorization: req.headers.authorization });
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
