import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  Get,
  Header,
  Put,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FormParams } from '@app/oauth';
import type { ChallengeKind } from '@app/store';

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

export const ChallengeQuery = createParamDecorator(
  (kind: ChallengeKind, context: ExecutionContext): string =>
    challengeParameter(context.switchToHttp().getRequest<FastifyRequest>().url, kind),
);
