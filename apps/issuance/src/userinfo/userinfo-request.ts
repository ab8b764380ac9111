import type { FastifyRequest } from 'fastify';
import { FormParams, OAuthError } from '@app/oauth';
import { BearerSources, InvalidBearerRequest } from '@app/resource-server';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Where a /userinfo request carries its token: the Authorization header (RFC 6750 §2.1), or a
 * form-encoded POST body's `access_token` (§2.2, which OIDC Core §5.3.1 allows). The query
 * (§2.3) is not read: a token in a URL ends up in logs. A body is parsed as strictly as the
 * token endpoint's (a repeated parameter is refused).
 */
export function userinfoBearerSources(req: FastifyRequest): BearerSources {
  const authorization = req.headers.authorization;
  const contentType = req.headers['content-type'];
  // RFC 8705 §3: the connection, for a token bound to a certificate.
  const connection = req.raw;
  if (req.method !== 'POST' || !contentType || !FORM_TYPE.test(contentType))
    return { authorization, connection };
  try {
    const form = FormParams.parse(contentType, req.body);
    return { authorization, formAccessToken: form.get('access_token'), connection };
  } catch (e) {
    if (e instanceof OAuthError) throw new InvalidBearerRequest('the form body is malformed');
    throw e;
  }
}
