import { CLIENTS, RESOURCES } from '../fixtures/test-registry';
import { OAuthClient } from '../support/oauth-client';
import { clientAuth, send } from '../support/oauth-http';
import { parseSamples, Sample, sampleValue } from '../support/prometheus-text';
import { StandaloneServer, startStandaloneServer } from '../support/standalone-server';

/** GET /metrics (issue 15 "Metrics"): what a Prometheus scrape of a service reads. */
describe('metrics endpoint', () => {
  const owner = clientAuth.basic(CLIENTS.basic);
  const introspector = clientAuth.basic(CLIENTS.introspector);

  const scrape = async (sut: StandaloneServer, headers: Record<string, string> = {}) =>
    send(`${sut.url}/metrics`, { headers });

  describe('after a token is issued, introspected and revoked', () => {
    let sut: StandaloneServer;
    let samples: Sample[];
    let text: string;
    let contentType: string | null;
    let tokens: string[];

    beforeAll(async () => {
      sut = await startStandaloneServer();
      const oauth = new OAuthClient(sut.config.endpoints);
      const opaque = await oauth.accessToken(owner, { resource: RESOURCES.ledger.identifier });
      const jwt = await oauth.accessToken(owner, { resource: RESOURCES.orders.identifier });
      tokens = [opaque, jwt];
      const wrongSecret = clientAuth.basic({
        ...CLIENTS.basic,
        secret: 'not-the-secret-0123456789',
      });
      expect((await oauth.token({ grant_type: 'client_credentials' }, wrongSecret)).status).toBe(
        401,
      );
      expect((await oauth.introspect({ token: opaque }, introspector)).body.active).toBe(true);
      expect((await oauth.revoke({ token: opaque }, owner)).status).toBe(200);
      expect((await send(`${sut.url}/no/such/path`)).status).toBe(404);
      const res = await scrape(sut);
      expect(res.status).toBe(200);
      text = res.text;
      contentType = res.headers.get('content-type');
      samples = parseSamples(text);
    });
    afterAll(() => sut?.close());

    it('answers in the Prometheus text format, not cached', async () => {
      expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
      const res = await scrape(sut);
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('counts the tokens issued by grant type, kind and format', () => {
      const issued = (format: string) =>
        sampleValue(samples, 'token_lifecycle_tokens_issued_total', {
          grant_type: 'client_credentials',
          kind: 'access_token',
          format,
          service: 'standalone',
        });
      expect(issued('opaque')).toBe(1);
      expect(issued('jwt')).toBe(1);
    });

    it('counts the revocation by kind', () => {
      expect(sampleValue(samples, 'token_lifecycle_revocations_total', { kind: 'token' })).toBe(1);
      expect(sampleValue(samples, 'token_lifecycle_revocations_total', { kind: 'grant' })).toBe(0);
    });

    it('counts requests per route template by status and RFC error code', () => {
      const requests = (route: string, status: string, error = '') =>
        sampleValue(samples, 'token_lifecycle_http_requests_total', {
          route,
          method: 'POST',
          status,
          error,
        });
      expect(requests('/oauth2/token', '200')).toBe(2);
      expect(requests('/oauth2/token', '401', 'invalid_client')).toBe(1);
      expect(requests('/oauth2/introspect', '200')).toBe(1);
      expect(requests('/oauth2/revoke', '200')).toBe(1);
      expect(
        sampleValue(samples, 'token_lifecycle_http_requests_total', {
          route: 'unmatched',
          method: 'GET',
          status: '404',
          error: 'not_found',
        }),
      ).toBe(1);
    });

    it('measures the latency of every request of a route', () => {
      const count = sampleValue(samples, 'token_lifecycle_http_request_duration_seconds_count', {
        route: '/oauth2/token',
        method: 'POST',
      });
      const sum = sampleValue(samples, 'token_lifecycle_http_request_duration_seconds_sum', {
        route: '/oauth2/token',
        method: 'POST',
      });
      expect(count).toBe(3);
      expect(sum).toBeGreaterThan(0);
      expect(sum).toBeLessThan(30);
    });

    it('times each acknowledged event publish by type', () => {
      const published = (type: string) =>
        sampleValue(samples, 'token_lifecycle_event_publish_duration_seconds_count', { type });
      expect(published('token.issued')).toBe(2);
      expect(published('token.revoked')).toBe(1);
      expect(sampleValue(samples, 'token_lifecycle_event_publish_failures_total')).toBe(0);
    });

    it("includes Node's process metrics, labelled with the service", () => {
      const cpu = samples.find((s) => s.name === 'process_cpu_user_seconds_total');
      expect(cpu?.labels.service).toBe('standalone');
      expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
    });

    it('never carries a client id, a secret or a token', () => {
      for (const secret of [
        CLIENTS.basic.clientId,
        CLIENTS.basic.secret,
        CLIENTS.introspector.clientId,
        'not-the-secret',
        ...tokens,
        ...sut.events().map((e) => e.subject),
      ])
        expect(text).not.toContain(secret);
    });

    it('counts only what its own application did', async () => {
      const other = await startStandaloneServer();
      try {
        const fresh = parseSamples((await scrape(other)).text);
        expect(sampleValue(fresh, 'token_lifecycle_tokens_issued_total')).toBe(0);
        expect(
          sampleValue(fresh, 'token_lifecycle_http_requests_total', {
            route: '/oauth2/token',
            status: '200',
          }),
        ).toBe(0);
      } finally {
        await other.close();
      }
    });
  });

  describe('with METRICS_TOKEN', () => {
    const token = 'metrics-token-0123456789abcdef-0123456789';
    let sut: StandaloneServer;
    beforeAll(async () => {
      sut = await startStandaloneServer({ METRICS_TOKEN: token });
    });
    afterAll(() => sut?.close());

    it('is 401 with a bare Bearer challenge without credentials (RFC 6750 §3.1)', async () => {
      const res = await scrape(sut);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(res.body.error).toBe('invalid_token');
      expect(res.text).not.toContain('token_lifecycle_');
    });

    it.each([
      ['another token', `Bearer ${token}x`],
      ['the token under another scheme', `Basic ${token}`],
      ['a prefix of the token', `Bearer ${token.slice(0, -1)}`],
    ])('is 401 invalid_token for %s', async (_case, authorization) => {
      const res = await scrape(sut, { authorization });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer realm="metrics", error="invalid_token"',
      );
      expect(res.text).not.toContain('token_lifecycle_');
    });

    it('answers the scraper that presents it', async () => {
      const res = await scrape(sut, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(200);
      expect(res.text).toContain('token_lifecycle_http_requests_total');
    });
  });

  describe('with METRICS_CLIENT_LABELS', () => {
    let sut: StandaloneServer;
    beforeAll(async () => {
      sut = await startStandaloneServer({ METRICS_CLIENT_LABELS: CLIENTS.basic.clientId });
    });
    afterAll(() => sut?.close());

    it('names the listed client in the lifecycle counters, and no other', async () => {
      const oauth = new OAuthClient(sut.config.endpoints);
      const listed = await oauth.accessToken(owner, { resource: RESOURCES.orders.identifier });
      await oauth.accessToken(clientAuth.post(CLIENTS.post));
      expect((await oauth.revoke({ token: listed }, owner)).status).toBe(200);
      const res = await scrape(sut);
      const samples = parseSamples(res.text);
      const issued = (client: string) =>
        sampleValue(samples, 'token_lifecycle_tokens_issued_total', { client });
      expect(issued(CLIENTS.basic.clientId)).toBe(1);
      expect(issued('')).toBe(1);
      expect(
        sampleValue(samples, 'token_lifecycle_revocations_total', {
          kind: 'token',
          client: CLIENTS.basic.clientId,
        }),
      ).toBe(1);
      expect(res.text).not.toContain(CLIENTS.post.clientId);
    });
  });

  describe('with METRICS_ENABLED=false', () => {
    let sut: StandaloneServer;
    beforeAll(async () => {
      sut = await startStandaloneServer({ METRICS_ENABLED: 'false' });
    });
    afterAll(() => sut?.close());

    it('has no /metrics route, and the service still answers', async () => {
      expect((await scrape(sut)).status).toBe(404);
      const oauth = new OAuthClient(sut.config.endpoints);
      expect(await oauth.accessToken(owner)).toEqual(expect.any(String));
    });
  });
});
