import Fastify, { FastifyInstance } from 'fastify';
import { HttpRequestMetrics, Registry } from '@app/metrics';
import { InvalidClient, sendOAuthFailure, TemporarilyUnavailable } from '@app/oauth';
import { observeRequests } from './request-metrics.hook';

type Values = { labels: Record<string, string | number>; value: number; metricName?: string }[];

async function values(registry: Registry, name: string): Promise<Values> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values as Values;
}

describe('observeRequests', () => {
  let registry: Registry;
  let sut: FastifyInstance;
  let ownHookRuns = 0;

  beforeEach(async () => {
    registry = new Registry();
    sut = Fastify();
    observeRequests(sut, new HttpRequestMetrics(registry));
    // Registered after the hook, as OAuthRouter mounts the hot routes after Nest's init.
    sut.post('/oauth2/token', async (req, reply) => {
      const form = new URLSearchParams(String(req.body ?? ''));
      if (form.get('client_secret') !== 'right')
        return sendOAuthFailure(reply, new InvalidClient('client authentication failed'));
      return { access_token: 'at_secret-token-value' };
    });
    sut.get('/admin/grants/:grantId', async () => ({ ok: true }));
    // A route with an onResponse hook of its own, which it keeps.
    sut.get(
      '/own-hook',
      { onResponse: (_req, _reply, done) => (ownHookRuns++, done()) },
      () => 'ok',
    );
    sut.post('/broken', async (_req, reply) =>
      sendOAuthFailure(reply, new TemporarilyUnavailable('the log is away')),
    );
    sut.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    await sut.ready();
  });
  afterEach(() => sut.close());

  const post = (url: string, payload: string) =>
    sut.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

  it('counts each answer by route, method, status and the RFC error code it carried', async () => {
    await post('/oauth2/token', 'client_secret=right');
    await post('/oauth2/token', 'client_secret=right');
    await post('/oauth2/token', 'client_secret=wrong');
    await post('/broken', '');
    expect(await values(registry, 'token_lifecycle_http_requests_total')).toEqual(
      expect.arrayContaining([
        {
          labels: { route: '/oauth2/token', method: 'POST', status: 200, error: '' },
          value: 2,
        },
        {
          labels: { route: '/oauth2/token', method: 'POST', status: 401, error: 'invalid_client' },
          value: 1,
        },
        {
          labels: {
            route: '/broken',
            method: 'POST',
            status: 503,
            error: 'temporarily_unavailable',
          },
          value: 1,
        },
      ]),
    );
  });

  it('does not carry an error code over to the next answer on the same connection', async () => {
    await post('/oauth2/token', 'client_secret=wrong');
    await post('/oauth2/token', 'client_secret=right');
    const ok = (await values(registry, 'token_lifecycle_http_requests_total')).find(
      (v) => v.labels.status === 200,
    );
    expect(ok?.labels.error).toBe('');
  });

  it('labels the route template, never the URL and what it names', async () => {
    await sut.inject({ method: 'GET', url: '/admin/grants/grant-of-alice-123' });
    await sut.inject({ method: 'GET', url: '/no/such/path?token=at_secret' });
    const requests = await values(registry, 'token_lifecycle_http_requests_total');
    expect(requests.map((v) => v.labels.route).sort()).toEqual([
      '/admin/grants/:grantId',
      'unmatched',
    ]);
    expect(await registry.metrics()).not.toMatch(/grant-of-alice|at_secret/);
  });

  it("counts each request once, a route's HEAD too, and keeps a route's own hooks", async () => {
    ownHookRuns = 0;
    await sut.inject({ method: 'GET', url: '/own-hook' });
    await sut.inject({ method: 'HEAD', url: '/own-hook' });
    await sut.inject({ method: 'GET', url: '/nowhere' });
    const counts = (await values(registry, 'token_lifecycle_http_requests_total')).map(
      (v) => `${v.labels.method} ${v.labels.route} ${v.labels.status} ${v.value}`,
    );
    expect(counts.sort()).toEqual([
      'GET /own-hook 200 1',
      'GET unmatched 404 1',
      'HEAD /own-hook 200 1',
    ]);
    expect(ownHookRuns).toBe(2);
  });

  it('observes the latency of every answer in seconds', async () => {
    await post('/oauth2/token', 'client_secret=right');
    await post('/oauth2/token', 'client_secret=wrong');
    const histogram = await values(registry, 'token_lifecycle_http_request_duration_seconds');
    const count = histogram.find(
      (v) => v.metricName === 'token_lifecycle_http_request_duration_seconds_count',
    );
    const sum = histogram.find(
      (v) => v.metricName === 'token_lifecycle_http_request_duration_seconds_sum',
    );
    expect(count).toMatchObject({ labels: { route: '/oauth2/token', method: 'POST' }, value: 2 });
    expect(sum!.value).toBeGreaterThan(0);
    // inject() answers within the test: anything near a second means milliseconds were taken
    // for seconds.
    expect(sum!.value).toBeLessThan(1);
  });

  it('adds nothing to the server when metrics are off', async () => {
    const bare = Fastify();
    observeRequests(bare, new HttpRequestMetrics(null));
    expect(bare.hasReplyDecorator('oauthError')).toBe(false);
    await bare.close();
  });
});
