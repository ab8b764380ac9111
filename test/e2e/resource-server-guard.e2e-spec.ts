import 'reflect-metadata';
import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { decodeJwt } from 'jose';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AccessToken,
  BearerGuard,
  RequireScopes,
  ResourceServerModule,
  ResourceServerOptions,
  ValidatedToken,
} from '@app/resource-server';
import { MemoryRevocationStore, REVOCATION_STORE } from '@app/store';
import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { withPayloadCharFlipped } from '../support/forged-tokens';
import { freePort } from '../support/free-port';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, HttpResponse, send } from '../support/oauth-http';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

const REALM = 'orders-api';

/** How often a handler ran: the guard must stop every refused request before it. */
const handled = { read: 0, write: 0 };

@Controller('orders')
@UseGuards(BearerGuard)
class OrdersProbeController {
  @Get()
  @RequireScopes('orders:read')
  list(@AccessToken() token: ValidatedToken) {
    handled.read++;
    return { handler: 'list', token };
  }

  @Post()
  @RequireScopes('orders:write')
  create(@AccessToken() token: ValidatedToken) {
    handled.write++;
    return { handler: 'create', token };
  }
}

async function startProbeApi(options: ResourceServerOptions): Promise<{
  url: string;
  app: NestFastifyApplication;
}> {
  @Module({
    imports: [ResourceServerModule.forRoot(options)],
    controllers: [OrdersProbeController],
  })
  class ProbeApiModule {}

  const app = await NestFactory.create<NestFastifyApplication>(
    ProbeApiModule,
    new FastifyAdapter(),
    { logger: ['fatal', 'error'] },
  );
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, app };
}

/**
 * An API built the way the library's users build one (Nest on Fastify, ResourceServerModule,
 * BearerGuard, @RequireScopes, @AccessToken), in front of the running platform, spoken to over
 * HTTP. RFC 6750 §3 decides the answers.
 */
describe('resource-server BearerGuard in a Nest (Fastify) API', () => {
  let server: StandaloneServer;
  let oauth: OAuthClient;
  let api: { url: string; app: NestFastifyApplication };
  const owner = clientAuth.basic(CLIENTS.basic);

  beforeAll(async () => {
    server = await startStandaloneServer();
    oauth = new OAuthClient(server.config.endpoints);
    api = await startProbeApi({
      issuer: server.url,
      audience: RESOURCES.orders.identifier,
      jwksUri: `${server.url}/oauth2/jwks`,
      revocationFeed: server.app.get<MemoryRevocationStore>(REVOCATION_STORE),
      realm: REALM,
    });
  });

  afterAll(async () => {
    await api?.app.close();
    await server?.close();
  });

  const issue = (scope: string, auth = owner) =>
    oauth.accessToken(auth, { resource: RESOURCES.orders.identifier, scope });

  const call = (
    method: 'GET' | 'POST',
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> => send(`${api.url}/orders`, { method, headers });

  const withToken = (method: 'GET' | 'POST', token: string) =>
    call(method, { authorization: `Bearer ${token}` });

  /** Runs `request` and asserts that no handler ran for it. */
  const refusedBeforeHandler = async (request: () => Promise<HttpResponse>) => {
    const before = { ...handled };
    const res = await request();
    expect(handled).toEqual(before);
    return res;
  };

  const expectErrorResponse = (res: HttpResponse, status: number, error: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(new RegExp(`^Bearer realm="${REALM}", error="${error}"`));
    expect(res.body).toMatchObject({ error, error_description: expect.any(String) });
    return challenge;
  };

  it("200 with the caller's claims: client_id, audience and scopes from @AccessToken()", async () => {
    const token = await issue('orders:read orders:write');
    const res = await withToken('GET', token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      handler: 'list',
      token: {
        clientId: CLIENTS.basic.clientId,
        aud: RESOURCES.orders.identifier,
        iss: server.url,
        jti: decodeJwt(token).jti,
      },
    });
    expect([...res.body.token.scopes].sort()).toEqual(['orders:read', 'orders:write']);

    const created = await withToken('POST', token);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      handler: 'create',
      token: { clientId: CLIENTS.basic.clientId },
    });
  });

  it("the claims are each caller's own (another client)", async () => {
    const res = await withToken('GET', await issue('orders:read', clientAuth.post(CLIENTS.post)));
    expect(res.status).toBe(200);
    expect(res.body.token.clientId).toBe(CLIENTS.post.clientId);
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme (Basic)', { authorization: 'Basic dXNlcjpwYXNz' }],
  ])('401 with a bare Bearer challenge (no error attribute) for %s', async (_case, headers) => {
    const res = await refusedBeforeHandler(() => call('GET', headers));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).not.toHaveProperty('error_description');
  });

  it.each([
    ['a forged payload', async () => withPayloadCharFlipped(await issue('orders:read'))],
    [
      'a token for another resource',
      async () => oauth.accessToken(owner, { resource: RESOURCES.legacy.identifier }),
    ],
    ['garbage', async () => 'not-a-token'],
  ])('401 invalid_token for %s', async (_case, make) => {
    const token = await make();
    const res = await refusedBeforeHandler(() => withToken('GET', token));
    const challenge = expectErrorResponse(res, 401, 'invalid_token');
    expect(challenge).not.toContain('scope=');
    expect(res.text).not.toContain(token);
    expect(challenge).not.toContain(token);
  });

  it('403 insufficient_scope naming the missing scope, for a token without orders:write', async () => {
    const token = await issue('orders:read');
    expect((await withToken('GET', token)).status).toBe(200);

    const res = await refusedBeforeHandler(() => withToken('POST', token));
    const challenge = expectErrorResponse(res, 403, 'insufficient_scope');
    expect(challenge).toContain('scope="orders:write"');
  });

  it.each([
    ['two tokens', 'Bearer a b'],
    ['characters outside b64token', 'Bearer a"b'],
    ['an empty Bearer', 'Bearer '],
  ])('400 invalid_request for %s in the Authorization header', async (_case, authorization) => {
    const res = await refusedBeforeHandler(() => call('GET', { authorization }));
    expectErrorResponse(res, 400, 'invalid_request');
  });

  it('401 invalid_token at once after POST /oauth2/revoke', async () => {
    const token = await issue('orders:read');
    expect((await withToken('GET', token)).status).toBe(200);

    const revoked = await oauth.revoke({ token }, owner);
    expect(revoked.status).toBe(200);

    const started = Date.now();
    let res = await withToken('GET', token);
    while (res.status === 200 && Date.now() - started < 200) {
      await sleep(5);
      res = await withToken('GET', token);
    }
    expect(Date.now() - started).toBeLessThanOrEqual(200);
    expectErrorResponse(res, 401, 'invalid_token');
    // Refused for good, not once.
    expect((await refusedBeforeHandler(() => withToken('GET', token))).status).toBe(401);
  });
});
