import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Get,
  Header,
  Put,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FormParams, InvalidRequest } from '@app/oauth';
import type { ChallengeKind } from '@app/store';
import { parseStrictJson } from './strict-json';

const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * A route of the login/consent API. Every answer carries or concerns a challenge, and a
 * `redirect_to` carries a verifier: none may be cached (the error filter says the same).
 */
export const LoginApiRoute = (method: 'GET' | 'PUT', path: string): MethodDecorator =>
  applyDecorators(
    method === 'GET' ? Get(path) : Put(path),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );

/** `login_challenge` or `consent_challenge` from the query, parsed as strictly as a form. */
export function challengeParameter(url: string, kind: ChallengeKind): string {
  const q = url.indexOf('?');
  return FormParams.fromQuery(q < 0 ? '' : url.slice(q + 1)).require(`${kind}_challenge`);
}

/**
 * The request body as JSON (`application/json`, RFC 8259); its shape is the use case's to check.
 * Its size is bounded by BODY_LIMIT, as every body of the service is (413 past it).
 */
export function jsonBody(contentType: string | undefined, body: unknown): unknown {
  if (!JSON_TYPE.test(contentType ?? ''))
    throw new InvalidRequest('the body must be application/json');
  try {
    return parseStrictJson(typeof body === 'string' ? body : '');
  } catch {
    throw new InvalidRequest('the body is not valid JSON (RFC 8259), or repeats a member name');
  }
}

export const ChallengeQuery = createParamDecorator(
  (kind: ChallengeKind, context: ExecutionContext): string =>
    challengeParameter(context.switchToHttp().getRequest<FastifyRequest>().url, kind),
);

export const JsonBody = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const req = context.switchToHttp().getRequest<FastifyRequest>();
  return jsonBody(req.headers['content-type'], req.body);
});
