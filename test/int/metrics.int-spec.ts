import { eventually } from '../support/int-eventually';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { send } from '../support/oauth-http';
import { parseSamples, Sample, sampleValue } from '../support/prometheus-text';

jest.setTimeout(60_000);

/**
 * GET /metrics of each split service on real Kafka and Redis (issue 15 "Metrics"): each counts
 * what it did itself, under its own `service` label, and the revocation service's projector
 * reports how far behind the log it is.
 */
describe('metrics of the split services', () => {
  let services: SplitServices;
  let issuance: ServiceReplica;
  let introspection: ServiceReplica;
  let revocation: ServiceReplica;

  const scrape = async (replica: ServiceReplica): Promise<Sample[]> => {
    const res = await send(`${replica.url}/metrics`);
    expect(res.status).toBe(200);
    return parseSamples(res.text);
  };

  beforeAll(async () => {
    services = await SplitServices.create({ suite: 'metrics', redisDb: 15 });
    [issuance, introspection, revocation] = await Promise.all([
      services.start('issuance'),
      services.start('introspection'),
      services.start('revocation'),
    ]);
    const oauth = services.client({ issuance, introspection, revocation });
    const token = await oauth.accessToken(SPLIT_AUTH.owner, {
      resource: SPLIT_RESOURCES.opaque.identifier,
    });
    await eventually(
      'the token to be active at introspection',
      async () => (await oauth.introspect({ token }, SPLIT_AUTH.introspector)).body.active,
    );
    expect((await oauth.revoke({ token }, SPLIT_AUTH.owner)).status).toBe(200);
  });
  afterAll(() => services?.closeAll());

  it('issuance counts the token it issued and the publish it waited for', async () => {
    const samples = await scrape(issuance);
    expect(
      sampleValue(samples, 'token_lifecycle_tokens_issued_total', {
        service: 'issuance',
        grant_type: 'client_credentials',
        kind: 'access_token',
        format: 'opaque',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'token_lifecycle_event_publish_duration_seconds_count', {
        type: 'token.issued',
      }),
    ).toBe(1);
    expect(sampleValue(samples, 'token_lifecycle_revocations_total')).toBe(0);
  });

  it('introspection counts its requests, and nothing it did not do', async () => {
    const samples = await scrape(introspection);
    expect(
      sampleValue(samples, 'token_lifecycle_http_requests_total', {
        service: 'introspection',
        route: '/oauth2/introspect',
        status: '200',
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples, 'token_lifecycle_tokens_issued_total')).toBe(0);
    expect(sampleValue(samples, 'token_lifecycle_redis_errors_total')).toBe(0);
  });

  it('revocation counts the revocation, and its projector applies both events and catches up', async () => {
    const samples = await eventually(
      'the projector to apply token.issued and token.revoked',
      () => scrape(revocation),
      (s) =>
        sampleValue(s, 'token_lifecycle_projector_events_applied_total', {
          type: 'token.revoked',
        }) >= 1,
    );
    expect(
      sampleValue(samples, 'token_lifecycle_revocations_total', {
        service: 'revocation',
        kind: 'token',
      }),
    ).toBe(1);
    expect(
      sampleValue(samples, 'token_lifecycle_projector_events_applied_total', {
        type: 'token.issued',
      }),
    ).toBeGreaterThanOrEqual(1);
    // Once its batches reach the end of their partitions it is no event behind (other suites
    // on the shared broker may publish meanwhile: wait for it, not for a fixed time).
    await eventually(
      'the projector to report every partition it reads caught up',
      async () =>
        (await scrape(revocation)).filter((s) => s.name === 'token_lifecycle_projector_lag_events'),
      (lag) => lag.length >= 1 && lag.every((s) => s.value === 0),
    );
    const age = sampleValue(samples, 'token_lifecycle_projector_newest_applied_event_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(60);
  });

  it('a service without a projector reports no projector age', async () => {
    const samples = await scrape(issuance);
    expect(
      samples.some((s) => s.name === 'token_lifecycle_projector_newest_applied_event_age_seconds'),
    ).toBe(false);
  });
});
