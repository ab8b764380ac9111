import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

/**
 * Who may read an endpoint's answers from a browser script on another origin (the Fetch
 * standard's CORS protocol):
 * - `public`: documents anyone may read (RFC 8414 metadata, the RFC 7517 key set);
 * - `web-clients`: the endpoints a browser-based app calls itself (OAuth 2.0 for Browser-Based
 *   Applications §6.3: token, revocation, userinfo), from the origin of one of its redirect URIs.
 * Introspection, PAR, the login/consent and admin APIs are server-to-server and get no CORS.
 */
export type CrossOriginPolicy = 'public' | 'web-clients';

export interface CrossOriginEndpoint {
  readonly policy: CrossOriginPolicy;
  readonly methods: readonly string[];
}

/** Route paths as the services declare them (the same in every topology). */
export const CROSS_ORIGIN_ENDPOINTS: Readonly<Record<string, CrossOriginEndpoint>> = {
  '/.well-known/oauth-authorization-server': { policy: 'public', methods: ['GET'] },
  '/.well-known/openid-configuration': { policy: 'public', methods: ['GET'] },
  '/oauth2/jwks': { policy: 'public', methods: ['GET'] },
  '/oauth2/token': { policy: 'web-clients', methods: ['POST'] },
  '/oauth2/revoke': { policy: 'web-clients', methods: ['POST'] },
  // OIDC Core §5.3.1: GET and POST, the access token in the Authorization header.
  '/oauth2/userinfo': { policy: 'web-clients', methods: ['GET', 'POST'] },
};

/**
 * Request headers a browser app sends that are not CORS-safelisted: Basic, Bearer or DPoP
 * credentials, and the DPoP proof (RFC 9449 §4.1; browser apps are DPoP's public clients).
 */
const ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP';
/**
 * Answer headers a script needs: the reason for a 401, when to retry a 429 or 503, and the
 * server nonce to put in its next DPoP proof (RFC 9449 §8).
 */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, DPoP-Nonce';
/** Seconds a browser may reuse a preflight answer (browsers cap it at 2 h or less). */
const PREFLIGHT_MAX_AGE = '600';

/**
 * The origins browser-based apps run at: those of the http(s) redirect URIs of public clients
 * (`token_endpoint_auth_method: none`, RFC 6749 §2.1). A confidential client keeps its secret
 * on a server and never calls from a browser; a custom-scheme redirect URI (a native app) has no
 * web origin.
 */
export function webOrigins(
  clients: ReadonlyArray<{ readonly authMethod: string; readonly redirectUris: readonly string[] }>,
): ReadonlySet<string> {
  const origins = new Set<string>();
  for (const client of clients) {
    if (client.authMethod !== 'none') continue;
    for (const uri of client.redirectUris) {
      const url = new URL(uri);
      if (url.protocol === 'https:' || url.protocol === 'http:') origins.add(url.origin);
    }
  }
  return origins;
}

/**
 * The web origins of the registry's public clients, kept current: the set is refilled in place
 * on every registry change, so a browser app registered at run time is allowed at once.
 */
export function liveWebOrigins(registry: {
  clients(): ReadonlyArray<{
    readonly authMethod: string;
    readonly redirectUris: readonly string[];
  }>;
  onChange(listener: () => void): () => void;
}): ReadonlySet<string> {
  const origins = new Set(webOrigins(registry.clients()));
  registry.onChange(() => {
    const now = webOrigins(registry.clients());
    origins.clear();
    for (const origin of now) origins.add(origin);
  });
  return origins;
}

/**
 * Adds the CORS protocol to the endpoints of CROSS_ORIGIN_ENDPOINTS that this service serves:
 * an `onRequest` hook on those routes only (nothing runs on the other routes, and a request
 * without `Origin`, a server's, costs one property read), and an OPTIONS route answering their
 * preflights. Call it before any route is registered; call the returned function once every
 * route is, to add the preflight routes.
 */
export function allowCrossOrigin(
  fastify: FastifyInstance,
  origins: ReadonlySet<string>,
): () => void {
  const served = new Map<string, CrossOriginEndpoint>();
  fastify.addHook('onRoute', (route) => {
    const endpoint = CROSS_ORIGIN_ENDPOINTS[route.url];
    if (endpoint === undefined || route.method === 'OPTIONS') return;
    served.set(route.url, endpoint);
    const hook = answerHeaders(endpoint.policy, origins);
    const own = route.onRequest;
    route.onRequest = own === undefined ? [hook] : [...(Array.isArray(own) ? own : [own]), hook];
  });
  return () => {
    for (const [path, endpoint] of served)
      fastify.options(path, (req, reply) => preflight(endpoint, origins, req, reply));
  };
}

function answerHeaders(
  policy: CrossOriginPolicy,
  origins: ReadonlySet<string>,
): onRequestHookHandler {
  return (req, reply, done) => {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const allowed = allowedOrigin(policy, origins, origin);
      // The answer differs by Origin: a cache must not hand one origin's answer to another.
      if (policy === 'web-clients') reply.header('vary', 'Origin');
      if (allowed !== undefined) {
        reply.header('access-control-allow-origin', allowed);
        reply.header('access-control-expose-headers', EXPOSED_HEADERS);
      }
    }
    done();
  };
}

/**
 * The Fetch standard's CORS-preflight request: `OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`. An origin or method we do not allow gets the same 204
 * without any Access-Control-Allow-* header, which the browser treats as a refusal.
 */
function preflight(
  endpoint: CrossOriginEndpoint,
  origins: ReadonlySet<string>,
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header('allow', [...endpoint.methods, 'OPTIONS'].join(', '));
  if (endpoint.policy === 'web-clients') reply.header('vary', 'Origin');
  const origin = req.headers.origin;
  const method = req.headers['access-control-request-method'];
  const allowed =
    origin === undefined ? undefined : allowedOrigin(endpoint.policy, origins, origin);
  if (allowed !== undefined && typeof method === 'string' && endpoint.methods.includes(method)) {
    reply.header('access-control-allow-origin', allowed);
    reply.header('access-control-allow-methods', endpoint.methods.join(', '));
    reply.header('access-control-allow-headers', ALLOWED_HEADERS);
    reply.header('access-control-max-age', PREFLIGHT_MAX_AGE);
  }
  void reply.code(204).send();
}

/** The Access-Control-Allow-Origin value for this origin, or undefined when it is not allowed. */
function allowedOrigin(
  policy: CrossOriginPolicy,
  origins: ReadonlySet<string>,
  origin: string,
): string | undefined {
  if (policy === 'public') return '*';
  // An opaque origin ("null": sandboxed frames, file: pages) is never a registered one.
  return origins.has(origin) ? origin : undefined;
}
