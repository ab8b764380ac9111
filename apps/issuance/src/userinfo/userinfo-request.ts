import type { FastifyRequest } from 'fastify';
import { FormParams, OAuthError } from '@app/oauth';
import { InvalidBearerRequest, ResourceRequest } from '@app/resource-server';

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

/**
 * Where a /userinfo request carries its token: the Authorization header (RFC 6750 §2.1, or the
 * DPoP scheme with its `DPoP` proof header and the method, RFC 9449 §7.1), or a
 * form-encoded POST body's `access_token` (§2.2, which OIDC Core §5.3.1 allows). The query
 * (§2.3) is not read: a token in a URL ends up in logs. A body is parsed as strictly as the
 * token endpoint's (a repeated parameter is refused).
 */
export function userinfoRequest(req: FastifyRequest): ResourceRequest {
  const { authorization, dpop } = req.headers;
  const { method } = req;
  const contentType = req.headers['content-type'];
  // RFC 8705 §3: the connection, for a token bound to a certificate.
  const connection = req.raw;
  if (method !== 'POST' || !contentType || !FORM_TYPE.test(contentType))
    return { authorization, dpop, method, connection };
  try {
    const form = FormParams.parse(contentType, req.body);
    return { authorization, dpop, method, formAccessToken: form.get('access_token'), connection };
  } catch (e) {
    if (e instanceof OAuthError) throw new InvalidBearerRequest('the form body is malformed');
    throw e;
  }
}
