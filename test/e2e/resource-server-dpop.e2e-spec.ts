import 'reflect-metadata';
import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import {
  AccessToken,
  BearerError,
  BearerGuard,
  DPOP_CHALLENGE_ALGS,
  RequireScopes,
  ResourceServerModule,
  ResourceServerOptions,
  TokenValidator,
  ValidatedToken,
} from '@app/resource-server';
import { MemoryRevocationStore, REVOCATION_STORE, TOKEN_STORE, TokenStore } from '@app/store';
import { DPOP_ERRORS as E, OpaqueTokenFormat } from '@app/tokens';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import {
  DpopKey,
  dpopKey,
  dpopProof,
  dpopProofAlgNone,
  dpopProofHs256,
  DpopProofOptions,
} from '../support/dpop-proof';
import { freePort } from '../support/free-port';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, send } from '../support/oauth-http';
import { nowSeconds, rsClaims, rsMint } from '../support/rs-tokens';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const REALM = 'orders-api';
const ALGS = `algs="${DPOP_CHALLENGE_ALGS}"`;
const NONCES = { secret: 'an-api-nonce-secret-of-32-characters-at-least', windowSeconds: 60 };

/** How often a handler ran: every refused request must stop before it. */
let handled = 0;

@Controller('orders')
@UseGuards(BearerGuard)
class OrdersProbeController {
  @Get()
  @RequireScopes('orders:read')
  list(@AccessToken() token: ValidatedToken) {
    handled++;
    return { token };
  }

  @Post()
  @RequireScopes('orders:write')
  create(@AccessToken() token: ValidatedToken) {
    handled++;
    return { token };
  }
}

interface ProbeApi {
  readonly url: string;
  readonly port: number;
  readonly app: NestFastifyApplication;
}

/** An API built as the library's users build one, listening on a port known beforehand. */
async function startProbeApi(options: (url: string) => ResourceServerOptions): Promise<ProbeApi> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  @Module({
    imports: [ResourceServerModule.forRoot(options(url))],
    controllers: [OrdersProbeController],
  })
  class ProbeApiModule {}
  const app = await NestFactory.create<NestFastifyApplication>(
    ProbeApiModule,
    new FastifyAdapter(),
    { logger: ['fatal', 'error'] },
  );
  await app.listen(port, '127.0.0.1');
  return { url, port, app };
}

/**
 * DPoP-bound tokens (RFC 9449 §7) at an API embedding the resource-server library, over HTTP.
 * Tokens are minted by the running platform with `cnf.jkt` (the token endpoint's binding is
 * another part of the issue); every bad input of the issue on this side is refused before the
 * handler, with the RFC's challenge.
 */
describe('resource-server: DPoP-bound tokens in a Nest (Fastify) API', () => {
  let server: StandaloneServer;
  let api: ProbeApi;
  let key: DpopKey;
  let other: DpopKey;

  const options =
    (overrides: Partial<ResourceServerOptions> = {}) =>
    (url: string) => ({
      issuer: server.url,
      audience: RESOURCES.orders.identifier,
      jwksUri: `${server.url}/oauth2/jwks`,
      revocationFeed: server.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      realm: REALM,
      dpop: { publicUrl: url, proofs: server.config.dpop },
      ...overrides,
    });

  beforeAll(async () => {
    [server, key, other] = await Promise.all([
      startStandaloneServer(),
      dpopKey('ES256'),
      dpopKey('EdDSA'),
    ]);
    api = await startProbeApi(options());
  });
  afterAll(async () => {
    await api?.app.close();
    await server?.close();
  });

  const bound = (scope = 'orders:read', jkt = key.jkt) => rsMint(server, { scope, cnf: { jkt } });
  const proofFor = (token: string, o: Partial<DpopProofOptions> = {}) =>
    dpopProof({ key, htm: 'GET', htu: `${api.url}/orders`, accessToken: token, ...o });
  const call = (headers: Record<string, string>, method = 'GET', at = api) =>
    send(`${at.url}/orders`, { method, headers });
  const withDpop = (token: string, proof: string, method = 'GET') =>
    call({ authorization: `DPoP ${token}`, dpop: proof }, method);

  /** Runs `request` and asserts no handler ran for it. */
  const refused = async (request: () => Promise<HttpResponse>) => {
    const before = handled;
    const res = await request();
    expect(handled).toBe(before);
    return res;
  };

  /** A 401 whose error is in the DPoP challenge, both schemes offered, nothing cached. */
  const expectDpopError = (res: HttpResponse, error: string, description?: string) => {
    expect(res.status).toBe(401);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(
      new RegExp(`^Bearer realm="${REALM}", DPoP realm="${REALM}", error="${error}"`),
    );
    expect(challenge).toContain(ALGS);
    expect(res.body.error).toBe(error);
    if (description !== undefined) expect(res.body.error_description).toBe(description);
  };

  describe('accepted', () => {
    it('GET with Authorization: DPoP and a proof of the bound key: 200, cnf in the claims', async () => {
      const token = await bound();
      const res = await withDpop(token, await proofFor(token));
      expect(res.status).toBe(200);
      expect(res.body.token).toMatchObject({
        clientId: CLIENTS.basic.clientId,
        cnf: { jkt: key.jkt },
      });
      // Nonces are not required here: none is handed out.
      expect(res.headers.get('dpop-nonce')).toBeNull();
    });

    it('POST, with the scheme in lower case and a query the htu leaves out (§4.2)', async () => {
      const token = await bound('orders:write');
      const proof = await proofFor(token, { htm: 'POST' });
      const res = await send(`${api.url}/orders?draft=1`, {
        method: 'POST',
        headers: { authorization: `dpop ${token}`, dpop: proof },
      });
      expect(res.status).toBe(201);
    });

    it('the htu is the configured public URL, whatever Host and X-Forwarded-* say', async () => {
      const token = await bound();
      const spoofed = {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        authorization: `DPoP ${token}`,
      };
      const good = await rawGet(api.port, '/orders', { ...spoofed, dpop: await proofFor(token) });
      expect(good.status).toBe(200);
      const forHost = await proofFor(token, { htu: 'https://evil.example/orders' });
      const bad = await rawGet(api.port, '/orders', { ...spoofed, dpop: forHost });
      expect(bad.status).toBe(401);
      expect(bad.wwwAuthenticate).toContain('error="invalid_dpop_proof"');
    });
  });

  describe('refused, every bad input of RFC 9449 §7 and the issue', () => {
    it('a proof replayed: accepted once, then invalid_dpop_proof', async () => {
      const token = await bound();
      const proof = await proofFor(token);
      expect((await withDpop(token, proof)).status).toBe(200);
      const res = await refused(() => withDpop(token, proof));
      expectDpopError(res, 'invalid_dpop_proof', E.replayed);
    });

    type MakeProof = (token: string) => Promise<string> | string;
    const sameClaims = (o: Partial<DpopProofOptions>) => (t: string) =>
      ({ key, htm: 'GET', htu: `${api.url}/orders`, accessToken: t, ...o }) as DpopProofOptions;
    const cases: [string, MakeProof, string][] = [
      ['htu of another endpoint', (t) => proofFor(t, { htu: `${api.url}/invoices` }), E.htu],
      ['htu of another API', (t) => proofFor(t, { htu: 'https://api.example/orders' }), E.htu],
      ['htm of another method', (t) => proofFor(t, { htm: 'POST' }), E.htm],
      ['a stale iat', (t) => proofFor(t, { iat: nowSeconds() - 600 }), E.iat],
      ['an iat in the future', (t) => proofFor(t, { iat: nowSeconds() + 600 }), E.iat],
      ['ath of another token', (t) => proofFor(t, { accessToken: `${t}x` }), E.ath],
      ['no ath', (t) => proofFor(t, { accessToken: undefined }), E.ath],
      ['a private key in the jwk', (t) => proofFor(t, { header: { jwk: key.privateJwk } }), E.jwk],
      ['alg none', (t) => dpopProofAlgNone(sameClaims({})(t)), E.notOneProof],
      [
        'alg none, with a signature part',
        (t) => `${dpopProofAlgNone(sameClaims({})(t))}c2ln`,
        E.alg,
      ],
      ['an HMAC (HS256)', (t) => dpopProofHs256(sameClaims({})(t)), E.alg],
      ['typ JWT', (t) => proofFor(t, { header: { typ: 'JWT' } }), E.typ],
      [
        'a signature by another key',
        async (t) => {
          const [h, c] = (await proofFor(t)).split('.');
          return `${h}.${c}.${(await proofFor(t, { key: other })).split('.')[2]}`;
        },
        E.signature,
      ],
      ['two proofs', async (t) => `${await proofFor(t)},${await proofFor(t)}`, E.notOneProof],
    ];
    it.each(cases)('a proof with %s: invalid_dpop_proof', async (_case, make, description) => {
      const token = await bound();
      const res = await refused(async () => withDpop(token, await make(token)));
      expectDpopError(res, 'invalid_dpop_proof', description);
      expect(res.text).not.toContain(token);
    });

    it('no DPoP header: invalid_dpop_proof', async () => {
      const token = await bound();
      const res = await refused(() => call({ authorization: `DPoP ${token}` }));
      expectDpopError(res, 'invalid_dpop_proof', E.notOneProof);
    });

    it('a token bound to one key used with a proof of another: invalid_token (§7.1)', async () => {
      const token = await bound();
      const res = await refused(async () => withDpop(token, await proofFor(token, { key: other })));
      expectDpopError(
        res,
        'invalid_token',
        'the access token is not bound to the key of the DPoP proof',
      );
    });

    it('a DPoP-bound token sent as Bearer: invalid_token in the Bearer challenge (§7.2)', async () => {
      const token = await bound();
      // Even with a valid proof beside it: the scheme must say what the token is.
      const res = await refused(async () =>
        call({ authorization: `Bearer ${token}`, dpop: await proofFor(token) }),
      );
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="${REALM}", error="invalid_token", error_description="the access token is ` +
          `DPoP-bound: present it with the DPoP scheme", DPoP realm="${REALM}", ${ALGS}`,
      );
    });

    it('a bearer token (no cnf) sent with the DPoP scheme: invalid_token under DPoP', async () => {
      const token = await rsMint(server);
      const res = await refused(async () => withDpop(token, await proofFor(token)));
      expectDpopError(res, 'invalid_token', 'the access token is not DPoP-bound');
      // It still works as what it is.
      expect((await call({ authorization: `Bearer ${token}` })).status).toBe(200);
    });

    it('a revoked bound token: invalid_token under DPoP', async () => {
      const oauth = new OAuthClient(server.config.endpoints);
      const token = await bound();
      expect((await oauth.revoke({ token }, clientAuth.basic(CLIENTS.basic))).status).toBe(200);
      const res = await refused(async () => withDpop(token, await proofFor(token)));
      expectDpopError(res, 'invalid_token');
    });

    it('403 insufficient_scope in the DPoP challenge for a DPoP token', async () => {
      const token = await bound('orders:read');
      const res = await refused(async () =>
        withDpop(token, await proofFor(token, { htm: 'POST' }), 'POST'),
      );
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toMatch(
        /DPoP realm="orders-api", error="insufficient_scope", .*scope="orders:write", algs="/,
      );
    });

    it('no credentials: both schemes challenged, with algs, no error', async () => {
      const res = await refused(() => call({}));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="${REALM}", DPoP realm="${REALM}", ${ALGS}`,
      );
    });
  });

  describe('an opaque DPoP token, through introspection (its answer carries cnf)', () => {
    const LEDGER = 'https://ledger.test.example';
    let ledger: TokenValidator;

    beforeAll(async () => {
      ledger = new TokenValidator({
        ...options({ audience: RESOURCES.ledger.identifier })(LEDGER),
        introspection: {
          endpoint: server.config.endpoints.introspection,
          clientId: CLIENTS.introspector.clientId,
          clientSecret: CLIENTS.introspector.secret,
        },
      });
      await ledger.start();
    });
    afterAll(() => ledger?.close());

    /** An opaque access token of the ledger, bound to `jkt`, as the token endpoint records one. */
    const opaqueBound = async (jkt: string) => {
      const { token, digest } = OpaqueTokenFormat.mint('at');
      const claims = rsClaims(server.url, {
        aud: RESOURCES.ledger.identifier,
        scope: 'ledger:read',
        cnf: { jkt },
      });
      await server.app.get<TokenStore>(TOKEN_STORE).save(digest, claims);
      return token;
    };
    const presented = async (token: string, o: Partial<DpopProofOptions> = {}) => ({
      authorization: `DPoP ${token}`,
      method: 'GET',
      path: '/entries?page=1',
      dpop: await dpopProof({
        key,
        htm: 'GET',
        htu: `${LEDGER}/entries`,
        accessToken: token,
        ...o,
      }),
    });
    const refusal = (request: Parameters<TokenValidator['validate']>[0]) =>
      ledger.validate(request).then(
        () => {
          throw new Error('accepted');
        },
        (e: unknown) => {
          if (e instanceof BearerError) return e;
          throw e;
        },
      );

    it('is accepted with a proof of its key, and its cnf comes back', async () => {
      const token = await opaqueBound(key.jkt);
      const validated = await ledger.validate(await presented(token));
      expect(validated).toMatchObject({ cnf: { jkt: key.jkt }, scopes: ['ledger:read'] });
    });

    it('is refused as Bearer, and with a proof of another key', async () => {
      const token = await opaqueBound(key.jkt);
      const asBearer = await refusal({ authorization: `Bearer ${token}` });
      expect(asBearer).toMatchObject({ error: 'invalid_token', scheme: 'Bearer' });
      const byOther = await refusal(await presented(token, { key: other }));
      expect(byOther).toMatchObject({ error: 'invalid_token', scheme: 'DPoP' });
    });

    it('is refused with a proof whose htu is not the public URL of the request', async () => {
      const token = await opaqueBound(key.jkt);
      const e = await refusal(await presented(token, { htu: `${LEDGER}/other` }));
      expect(e).toMatchObject({ error: 'invalid_dpop_proof', description: E.htu });
    });
  });

  // End to end: the token endpoint binds (RFC 9449 §5), the API checks the binding (§7).
  describe('tokens bound at the token endpoint', () => {
    const tokenFor = async (resource: string, scope: string, by: DpopKey = key) => {
      const res = await new OAuthClient(server.config.endpoints).token(
        { grant_type: 'client_credentials', resource, scope },
        {
          ...clientAuth.basic(CLIENTS.basic),
          headers: {
            ...clientAuth.basic(CLIENTS.basic).headers,
            dpop: await dpopProof({ key: by, htm: 'POST', htu: server.config.endpoints.token }),
          },
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
      return res.body.access_token as string;
    };

    it('a JWT bound at the token endpoint is accepted with a proof of that key, once', async () => {
      const token = await tokenFor(RESOURCES.orders.identifier, 'orders:read');
      const proof = await proofFor(token);
      const res = await withDpop(token, proof);
      expect(res.status).toBe(200);
      expect(res.body.token).toMatchObject({ cnf: { jkt: key.jkt } });
      // The same proof again: its jti is spent (§11.1).
      expectDpopError(await refused(() => withDpop(token, proof)), 'invalid_dpop_proof');
    });

    it('is refused as Bearer, and with a proof of another key', async () => {
      const token = await tokenFor(RESOURCES.orders.identifier, 'orders:read');
      const asBearer = await refused(() => call({ authorization: `Bearer ${token}` }));
      expect(asBearer.status).toBe(401);
      expect(asBearer.body.error).toBe('invalid_token');
      const byOther = await refused(async () =>
        withDpop(token, await proofFor(token, { key: other })),
      );
      expectDpopError(byOther, 'invalid_token');
    });
  });

  describe('with resource-server nonces (RFC 9449 §9)', () => {
    let noncing: ProbeApi;
    beforeAll(async () => {
      noncing = await startProbeApi((url) => ({
        ...options()(url),
        dpop: { publicUrl: url, proofs: { ...server.config.dpop, nonce: NONCES } },
      }));
    });
    afterAll(() => noncing?.app.close());

    it('use_dpop_nonce with a DPoP-Nonce, then the retry with it passes and gets one', async () => {
      const token = await bound();
      const htu = `${noncing.url}/orders`;
      const first = await refused(async () =>
        call(
          { authorization: `DPoP ${token}`, dpop: await proofFor(token, { htu }) },
          'GET',
          noncing,
        ),
      );
      expectDpopError(first, 'use_dpop_nonce', E.nonceMissing);
      const nonce = first.headers.get('dpop-nonce');
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const wrong = await call(
        {
          authorization: `DPoP ${token}`,
          dpop: await proofFor(token, { htu, nonce: 'x'.repeat(43) }),
        },
        'GET',
        noncing,
      );
      expectDpopError(wrong, 'use_dpop_nonce', E.nonceInvalid);

      const retry = await call(
        { authorization: `DPoP ${token}`, dpop: await proofFor(token, { htu, nonce: nonce! }) },
        'GET',
        noncing,
      );
      expect(retry.status).toBe(200);
      expect(retry.headers.get('dpop-nonce')).toBe(nonce);
    });

    it("the other API's nonce is not this one's", async () => {
      const token = await bound();
      const htu = `${noncing.url}/orders`;
      const foreign = await proofFor(token, {
        htu,
        nonce: 'bm90LWEtbm9uY2Utb2YtdGhpcy1hcGktYXQtYWxsLi4u',
      });
      const res = await call({ authorization: `DPoP ${token}`, dpop: foreign }, 'GET', noncing);
      expectDpopError(res, 'use_dpop_nonce');
    });
  });
});

/** A GET over node:http, which (unlike fetch) lets the test set Host. */
function rawGet(
  port: number,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; wwwAuthenticate: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          wwwAuthenticate: String(res.headers['www-authenticate'] ?? ''),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}
