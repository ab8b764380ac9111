import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ValidatedToken } from '../token.validator';

export const REQUIRED_SCOPES = 'resource-server:required-scopes';
export const TOKEN_PROPERTY = 'accessToken';

/** The route needs a token carrying every one of these scopes (403 insufficient_scope if not). */
export const RequireScopes = (...scopes: string[]) => SetMetadata(REQUIRED_SCOPES, scopes);

/** The validated token of the request, for the handler. */
export const AccessToken = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): ValidatedToken =>
    (ctx.switchToHttp().getRequest<FastifyRequest>() as unknown as Record<string, ValidatedToken>)[
      TOKEN_PROPERTY
    ]!,
);
