import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerError, bearerErrorResponse } from '../bearer.errors';
import { dpopJkt } from '../dpop-binding.check';
import { ResourceRequest, TokenValidator } from '../token.validator';
import { REQUIRED_SCOPES, TOKEN_PROPERTY } from './require-scopes.decorator';

/**
 * Guards a controller or route: validates the bearer (or, where the validator takes DPoP,
 * DPoP-bound) token and the scopes named by @RequireScopes, and answers RFC 6750 / RFC 9449 §7.1
 * errors itself (status, challenges, JSON body, `DPoP-Nonce`).
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
      const token = await this.validator.validate(requestSources(req));
      const required =
        this.reflector.getAllAndOverride<string[]>(REQUIRED_SCOPES, [
          ctx.getHandler(),
          ctx.getClass(),
        ]) ?? [];
      this.validator.requireScopes(token, required);
      (req as unknown as Record<string, unknown>)[TOKEN_PROPERTY] = token;
      // RFC 9449 §9: a fresh nonce with each DPoP answer, so clients rotate without a 401.
      if (dpopJkt(token) !== undefined) this.sendNonce(http.getResponse<FastifyReply>());
      return true;
    } catch (e) {
      if (!(e instanceof BearerError)) throw e;
      const v = this.validator;
      const { status, headers, body } = bearerErrorResponse(e, v.realm, v.dpopAlgs);
      await http.getResponse<FastifyReply>().status(status).headers(headers).send(body);
      return false;
    }
  }

  private sendNonce(reply: FastifyReply): void {
    const nonce = this.validator.dpopNonce();
    if (nonce !== undefined) void reply.header('dpop-nonce', nonce);
  }
}

/**
 * Where a request may carry its token, and what a DPoP proof is checked against; the validator
 * decides which ones count. `path` is the URL as received: the validator puts the API's configured
 * public base URL before it, never the Host header.
 */
function requestSources(req: FastifyRequest): ResourceRequest {
  const query = req.query as Record<string, unknown> | undefined;
  return {
    authorization: req.headers.authorization,
    queryAccessToken: typeof query?.access_token === 'string' ? query.access_token : undefined,
    formAccessToken: formField(req, 'access_token'),
    dpop: req.headers.dpop,
    method: req.method,
    path: req.url,
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
