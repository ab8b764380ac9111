import { redisUrlForDb } from '../support/int-redis';
import { send } from '../support/oauth-http';
import { parseSamples, sampleValue } from '../support/prometheus-text';
import { DemoApiReplica } from '../support/prop-demo-api';

jest.setTimeout(120_000);

const TOKEN = 'demo-metrics-token-0123456789abcdef-0123';

/**
 * An API that embeds the resource-server library serves the library's registry on its own
 * GET /metrics (apps/demo-api), under the same METRICS_TOKEN rule as the platform's services.
 */
describe('the demo API serves the resource-server metrics', () => {
  let api: DemoApiReplica;

  beforeAll(async () => {
    api = await DemoApiReplica.start('demo-api-metrics', {
      // Nothing answers there: the keys are fetched on the first token, none comes here.
      ISSUER: 'http://127.0.0.1:9',
      REDIS_URL: redisUrlForDb(15),
      REVOCATION_STALENESS_BUDGET_MS: '1500',
      METRICS_TOKEN: TOKEN,
    });
  });
  afterAll(() => api?.stop());

  it("answers the mirror's metrics and the process's to the scraper with the token", async () => {
    const res = await send(`${api.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const samples = parseSamples(res.text);
    expect(
      sampleValue(samples, 'token_lifecycle_revocation_mirror_staleness_budget_seconds', {
        service: 'demo-api',
      }),
    ).toBe(1.5);
    expect(
      samples.some((s) => s.name === 'token_lifecycle_revocation_mirror_staleness_seconds'),
    ).toBe(true);
    expect(samples.some((s) => s.name === 'nodejs_version_info')).toBe(true);
  });

  it('is 401 without the token', async () => {
    const res = await send(`${api.url}/metrics`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(res.text).not.toContain('token_lifecycle_');
  });
});
