import { Controller, Get, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { InvalidRequest } from '../errors';
import { OAuthEndpoint, OAuthRouter } from './oauth-endpoint';
import { OAuthExceptionFilter } from './oauth-exception.filter';
import { OAuthRequest } from './oauth-request';
import { OAuthResponse } from './oauth-response';

@Controller('/oauth2/')
class SampleController {
  @OAuthEndpoint('echo')
  async echo(req: OAuthRequest) {
    return { got: req.form.require('value'), authorization: req.authorization ?? null };
  }

  @OAuthEndpoint('context')
  async context(req: OAuthRequest) {
    return {
      method: req.method,
      url: req.url,
      path: req.path,
      state: req.query.get('state') ?? null,
      probe: req.headers['x-probe'] ?? null,
      sid: req.cookies.get('sid') ?? null,
      address: req.sourceAddress,
    };
  }

  @OAuthEndpoint('nonce')
  async nonce(req: OAuthRequest, res: OAuthResponse) {
    res.header('dpop-nonce', 'nonce-1');
    if (req.form.has('fail')) throw new InvalidRequest('asked to fail');
    return { ok: true };
  }

  @OAuthEndpoint('redirect')
  async redirect(req: OAuthRequest, res: OAuthResponse) {
    res.redirect('https://client.example/cb?code=c1', req.form.has('found') ? 302 : undefined);
    return { not: 'sent' };
  }

  @OAuthEndpoint('/nothing')
  async nothing(): Promise<void> {}

  @OAuthEndpoint('refuse')
  refuse(): Promise<never> {
    throw new InvalidRequest('refused before any promise');
  }

  @OAuthEndpoint('crash')
  async crash(): Promise<never> {
    throw new Error('secret internal detail');
  }

  @Get('plain')
  plain() {
    return { plain: true };
  }
}

@Module({ imports: [DiscoveryModule], controllers: [SampleController], providers: [OAuthRouter] })
class SampleModule {}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('OAuthRouter', () => {
  let app: NestFastifyApplication;
  let mounted: string[];

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [SampleModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
      bodyParser: false,
    });
    app.useGlobalFilters(new OAuthExceptionFilter());
    const fastify = app.getHttpAdapter().getInstance();
    // As createHttpApp sets it up: every body read as a string, parsed by the endpoint.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    await app.init();
    mounted = app
      .get(OAuthRouter)
      .mount(fastify)
      .map((e) => e.path);
    await fastify.ready();
  });

  afterAll(() => app?.close());

  const post = (url: string, payload = '', headers: Record<string, string> = FORM) =>
    app.inject({ method: 'POST', url, payload, headers });

  it('mounts exactly the marked methods, under the controller path', () => {
    expect(mounted.sort()).toEqual([
      '/oauth2/context',
      '/oauth2/crash',
      '/oauth2/echo',
      '/oauth2/nonce',
      '/oauth2/nothing',
      '/oauth2/redirect',
      '/oauth2/refuse',
    ]);
  });

  it('hands the parsed form and the Authorization header over, and answers 200 no-store', async () => {
    const res = await post('/oauth2/echo', 'value=a%20b', { ...FORM, authorization: 'Basic x' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ got: 'a b', authorization: 'Basic x' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
  });

  it('hands over the request context: method, target, query, headers, cookies, address', async () => {
    const res = await post('/oauth2/context?state=s%201', '', {
      ...FORM,
      'x-probe': 'p',
      cookie: 'sid=abc; other=1',
    });
    expect(res.json()).toEqual({
      method: 'POST',
      url: '/oauth2/context?state=s%201',
      path: '/oauth2/context',
      state: 's 1',
      probe: 'p',
      sid: 'abc',
      address: '127.0.0.1',
    });
  });

  it('refuses a repeated query parameter, once the endpoint reads the query', async () => {
    const res = await post('/oauth2/context?state=a&state=b');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it.each([
    ['a success', '', 200],
    ['an error', 'fail=1', 400],
  ])('sends the headers the endpoint set with %s', async (_, body, status) => {
    const res = await post('/oauth2/nonce', body);
    expect(res.statusCode).toBe(status);
    expect(res.headers['dpop-nonce']).toBe('nonce-1');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a redirect the endpoint asked for: 303 by default, no body, no-store', async () => {
    const res = await post('/oauth2/redirect');
    expect(res.statusCode).toBe(303);
    expect(res.headers['location']).toBe('https://client.example/cb?code=c1');
    expect(res.body).toBe('');
    expect(res.headers['cache-control']).toBe('no-store');
    expect((await post('/oauth2/redirect', 'found=1')).statusCode).toBe(302);
  });

  it('answers 200 with an empty body when the endpoint returns nothing', async () => {
    const res = await post('/oauth2/nothing');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
  });

  it.each([
    ['a body that is not a form', '/oauth2/echo', '{}', { 'content-type': 'application/json' }],
    ['a missing parameter', '/oauth2/echo', '', FORM],
    ['an error thrown before any promise', '/oauth2/refuse', '', FORM],
  ])('renders %s as 400 invalid_request, no-store', async (_, url, body, headers) => {
    const res = await post(url, body, headers);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_request' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('renders an unexpected failure as 500 server_error without its detail', async () => {
    const res = await post('/oauth2/crash');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: 'server_error',
      error_description: 'the server could not handle the request',
    });
    expect(res.body).not.toContain('secret internal detail');
  });

  it('leaves the other routes to Nest, and unknown methods to its 404', async () => {
    expect((await app.inject({ method: 'GET', url: '/oauth2/plain' })).json()).toEqual({
      plain: true,
    });
    const res = await app.inject({ method: 'GET', url: '/oauth2/echo' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});
