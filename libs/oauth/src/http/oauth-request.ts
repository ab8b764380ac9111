import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FormParams } from './form-body';

/** What an OAuth endpoint needs of an HTTP request. */
export interface OAuthRequest {
  readonly form: FormParams;
  readonly authorization?: string;
}

/** Parses the request into an OAuthRequest; a bad body becomes `invalid_request`. */
export const OAuthParams = createParamDecorator((_: unknown, ctx: ExecutionContext) => {
  const req = ctx.switchToHttp().getRequest<FastifyRequest>();
  return {
    form: FormParams.parse(req.headers['content-type'], req.body),
    authorization: req.headers.authorization,
  } satisfies OAuthRequest;
});
