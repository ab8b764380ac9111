import type { FastifyRequest } from 'fastify';
import { FormParams, RequestContext } from '@app/oauth';
import { BadPageRequest } from '../login-app.errors';

/** A page's GET: its parameters are in the query (RequestContext.query). */
export function pageGet(req: FastifyRequest): RequestContext {
  return new RequestContext(req, FormParams.fromQuery(''));
}

/**
 * A form's POST: `application/x-www-form-urlencoded`, parsed strictly (a repeated field is
 * refused). The body arrives as the raw string the platform's content parser keeps.
 */
export function pagePost(req: FastifyRequest): RequestContext {
  return new RequestContext(req, FormParams.parse(req.headers['content-type'], req.body));
}

/** Printable ASCII, bounded: what a challenge id can be, and all it may be echoed as. */
const CHALLENGE = /^[\x21-\x7e]{1,512}$/;

export function challengeOf(params: FormParams, name: 'login_challenge' | 'consent_challenge') {
  const challenge = params.get(name);
  if (challenge === undefined || !CHALLENGE.test(challenge))
    throw new BadPageRequest(
      'This page is part of signing in to an application. Go back to the application and start again.',
    );
  return challenge;
}
