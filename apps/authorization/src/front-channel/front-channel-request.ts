import { FormParams, HttpRequestLike, OAuthRequest, RequestContext } from '@app/oauth';

/** What the front-channel routes receive from Fastify: the request and its raw body. */
export interface FrontChannelHttpRequest extends HttpRequestLike {
  readonly body?: unknown;
}

/**
 * The OAuthRequest of a browser request and the parameters it carries: the query of a GET, the
 * form of a POST (OIDC Core §3.1.2.1: both must be supported; RFC 6749 §3.1: no repeats).
 * Throws `invalid_request` for a repeated parameter or a POST body that is not a form.
 */
export function frontChannelRequest(http: FrontChannelHttpRequest): {
  req: OAuthRequest;
  params: FormParams;
} {
  if (http.method === 'POST') {
    const form = FormParams.parse(http.headers['content-type'], http.body);
    return { req: new RequestContext(http, form), params: form };
  }
  const req = new RequestContext(http, FormParams.fromQuery(''));
  return { req, params: req.query };
}
