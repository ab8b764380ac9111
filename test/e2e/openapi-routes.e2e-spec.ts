import type { FastifyInstance, HTTPMethods } from 'fastify';
import { METRICS_CONTENT_TYPE } from '@app/metrics';
import {
  InvalidDpopProof,
  InvalidGrant,
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  UnauthorizedClient,
  UnsupportedGrantType,
  UseDpopNonce,
} from '@app/oauth';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { componentSchemas, operations, readOpenApi } from '../support/openapi-document';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/**
 * docs/openapi.yaml against the standalone server, which serves every service's routes: the
 * document lists exactly the routes it registers (the development playground aside, on
 * purpose), and the core OAuth endpoints answer what their schemas and headers say.
 */
interface Operation {
  readonly responses: Record<string, { headers?: Record<string, Header> }>;
}
interface Header {
  readonly $ref?: string;
  readonly schema?: { const?: string };
}
interface Doc {
  readonly paths: Record<string, Record<string, Operation>>;
  readonly components: {
    readonly schemas: Record<string, unknown>;
    readonly responses: Record<string, { headers?: Record<string, Header>; content?: object }>;
    readonly headers: Record<string, Header>;
  };
}

const doc = readOpenApi<Doc>();
const schema = componentSchemas(doc.components.schemas);
const expectValid = (name: string, body: unknown) => {
  const validate = schema(name);
  expect([name, validate(body), validate.errors]).toEqual([name, true, null]);
};

/** Development only: a page for trying the flows by hand, not an API (docs/openapi.yaml says). */
const PLAYGROUND = /^\/playground(\/|$)/;

/** `METHOD /path` of every route Fastify serves, read from its route tree. */
function servedRoutes(fastify: FastifyInstance): string[] {
  const tree = fastify.printRoutes({ commonPrefix: false });
  const prefixes: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n').filter((l) => l.trim() !== '')) {
    const m = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) throw new Error(`unreadable route line: ${line}`);
    const depth = m[1]!.length / 4;
    prefixes.length = depth;
    const path = (prefixes[depth - 1] ?? '') + m[2]!;
    prefixes[depth] = path;
    for (const method of m[3]?.split(', ') ?? []) routes.push(`${method} ${path}`);
  }
  // The tree is Fastify's rendering: each route read from it must be one Fastify knows.
  for (const route of routes) {
    const [method, url] = route.split(' ') as [HTTPMethods, string];
    expect([route, fastify.hasRoute({ method, url })]).toEqual([route, true]);
  }
  return routes;
}

const documentedRoutes = (): string[] =>
  operations(doc).map(
    ([path, method]) => `${method.toUpperCase()} ${path.replace(/\{([a-z_]+)\}/g, ':$1')}`,
  );

describe('docs/openapi.yaml against the routes the services register', () => {
  let sut: StandaloneServer;
  let oauth: OAuthClient;
  let served: string[];

  beforeAll(async () => {
    sut = await startStandaloneServer();
    oauth = new OAuthClient(sut.config.endpoints);
    served = servedRoutes(sut.app.getHttpAdapter().getInstance());
  });
  afterAll(() => sut?.close());

  it('lists every route the standalone server serves but the playground, and no other', () => {
    const api = served.filter((r) => !PLAYGROUND.test(r.split(' ')[1]!));
    expect(api.length).toBeLessThan(served.length); // the playground is mounted, and left out
    const withoutHead = api.filter((r) => !r.startsWith('HEAD '));
    expect(documentedRoutes().sort()).toEqual(withoutHead.sort());
  });

  it('serves HEAD exactly where it serves GET, as the document says instead of listing it', () => {
    const heads = served.filter((r) => r.startsWith('HEAD ')).map((r) => r.slice(5));
    const gets = served.filter((r) => r.startsWith('GET ')).map((r) => r.slice(4));
    expect(heads.sort()).toEqual(gets.sort());
  });

  /** The fixed value a documented response header must have (`const`), through its $ref. */
  const documentedHeader = (path: string, method: string, status: string, name: string) => {
    const op = doc.paths[path]![method]!;
    let response = op.responses[status] as { $ref?: string; headers?: Record<string, Header> };
    if (response.$ref) response = doc.components.responses[response.$ref.split('/').pop()!]!;
    let header = response.headers?.[name];
    if (header?.$ref) header = doc.components.headers[header.$ref.split('/').pop()!];
    return header?.schema?.const;
  };

  describe('the core endpoints answer as documented', () => {
    it.each(['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'])(
      'GET %s: the metadata, every member of it documented',
      async (path) => {
        const res = await send(`${sut.url}${path}`);
        expect(res.status).toBe(200);
        expectValid('ServerMetadata', res.body);
        expect(res.headers.get('cache-control')).toBe(
          documentedHeader(path, 'get', '200', 'Cache-Control'),
        );
      },
    );

    it('GET /oauth2/jwks: a JWK Set, briefly cacheable', async () => {
      const res = await send(`${sut.url}/oauth2/jwks`);
      expect(res.status).toBe(200);
      expectValid('JwkSet', res.body);
      expect(res.headers.get('cache-control')).toBe(
        documentedHeader('/oauth2/jwks', 'get', '200', 'Cache-Control'),
      );
    });

    it('POST /oauth2/token: tokens with no-store, errors in their documented shapes', async () => {
      const res = await oauth.token(
        { grant_type: 'client_credentials', resource: RESOURCES.orders.identifier },
        clientAuth.basic(CLIENTS.basic),
      );
      expect(res.status).toBe(200);
      expectValid('TokenResponse', res.body);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe(
        documentedHeader('/oauth2/token', 'post', '200', 'Pragma'),
      );

      const refused = await oauth.token(
        { grant_type: 'password' },
        clientAuth.basic(CLIENTS.basic),
      );
      expect(refused.status).toBe(400);
      expectValid('TokenErrorBody', refused.body);
      expect(refused.body.error).toBe('unsupported_grant_type');

      const wrong = { ...CLIENTS.basic, secret: 'not-the-secret-0123456789' };
      const unknown = await oauth.token(
        { grant_type: 'client_credentials' },
        clientAuth.basic(wrong),
      );
      expect(unknown.status).toBe(401);
      expectValid('OAuthError', unknown.body);
      expect(unknown.headers.get('www-authenticate')).toMatch(/^Basic realm="oauth2"/);
    });

    it('POST /oauth2/token: the 400 codes documented are those of the token endpoint', () => {
      const codes = [
        new InvalidRequest(''),
        new InvalidGrant(''),
        new UnauthorizedClient(''),
        new UnsupportedGrantType(''),
        new InvalidScope(''),
        new InvalidTarget(''),
        new InvalidDpopProof(''),
        new UseDpopNonce('', 'n'),
      ].map((e) => e.error);
      const body = doc.components.schemas.TokenErrorBody as {
        properties: { error: { enum: string[] } };
      };
      expect([...body.properties.error.enum].sort()).toEqual(codes.sort());
    });

    it('POST /oauth2/introspect and /oauth2/revoke: the documented answers', async () => {
      const token = await oauth.accessToken(clientAuth.basic(CLIENTS.basic), {
        resource: RESOURCES.orders.identifier,
      });
      const introspector = clientAuth.basic(CLIENTS.introspector);
      const active = await oauth.introspect({ token }, introspector);
      expect(active.body.active).toBe(true);
      expectValid('IntrospectionResponse', active.body);
      expect(active.headers.get('cache-control')).toBe('no-store');

      const revoked = await oauth.revoke({ token }, clientAuth.basic(CLIENTS.basic));
      expect([revoked.status, revoked.text]).toEqual([200, '']);
      expect(revoked.headers.get('cache-control')).toBe('no-store');

      const inactive = await oauth.introspect({ token }, introspector);
      expect(inactive.body).toStrictEqual({ active: false });
      expectValid('IntrospectionResponse', inactive.body);
    });

    it('GET /oauth2/userinfo without a token: 401 with a challenge', async () => {
      const res = await send(`${sut.url}/oauth2/userinfo`);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('OPTIONS /oauth2/token: a CORS preflight answering 204', async () => {
      const res = await send(`${sut.url}/oauth2/token`, {
        method: 'OPTIONS',
        headers: { origin: 'https://elsewhere.example', 'access-control-request-method': 'POST' },
      });
      expect(res.status).toBe(204);
    });

    it('GET /health/live, /health/ready and /metrics: the documented shapes and media type', async () => {
      const live = await send(`${sut.url}/health/live`);
      expect(live.body).toEqual({ status: 'ok' });
      const ready = await send(`${sut.url}/health/ready`);
      expect(ready.status).toBe(200);
      expectValid('Readiness', ready.body);
      const metrics = await send(`${sut.url}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toBe(METRICS_CONTENT_TYPE);
      const documented = doc.paths['/metrics']!.get!.responses['200'] as { content: object };
      expect(Object.keys(documented.content)).toEqual([METRICS_CONTENT_TYPE]);
    });
  });
});
