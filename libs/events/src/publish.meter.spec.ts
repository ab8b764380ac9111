import { EventMetrics, LifecycleMetrics, Registry } from '@app/metrics';
import { OPAQUE_TOKEN_ISSUED } from '../../../test/support/token-issued.fixture';
import { EventFactory } from './event-envelope';
import { MemoryEventBus } from './memory/memory-event.bus';
import { PublishMeter } from './publish.meter';

const factory = new EventFactory('urn:token-lifecycle:spec:host-1');

async function sample(registry: Registry, name: string, labels: Record<string, string> = {}) {
  const base = name.replace(/_(count|sum)$/, '');
  const values = (await registry.getSingleMetric(base)!.get()).values;
  const found = values.filter(
    (v) =>
      ((v as { metricName?: string }).metricName ?? base) === name &&
      Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x),
  );
  return found.reduce((n, v) => n + v.value, 0);
}

describe('PublishMeter', () => {
  let registry: Registry;
  let sut: PublishMeter;
  let bus: MemoryEventBus;

  beforeEach(() => {
    registry = new Registry();
    sut = new PublishMeter(new EventMetrics(registry), new LifecycleMetrics(registry));
    bus = new MemoryEventBus(100, sut);
  });

  it('counts a token once its token.issued is acknowledged, by grant type, kind and format', async () => {
    await bus.publish(
      factory.create('token.issued', 'jti-1', 'grant-1', {
        ...OPAQUE_TOKEN_ISSUED,
        token_kind: 'refresh_token',
      }),
    );
    await bus.publish(
      factory.create('token.issued', 'jti-2', 'svc-a', {
        ...OPAQUE_TOKEN_ISSUED,
        grant_type: 'client_credentials',
        format: 'jwt',
        token_digest: undefined,
      }),
    );
    const issued = (labels: Record<string, string>) =>
      sample(registry, 'token_lifecycle_tokens_issued_total', labels);
    expect(
      await issued({ grant_type: 'authorization_code', kind: 'refresh_token', format: 'opaque' }),
    ).toBe(1);
    // A v1 event names no kind: it is an access token (topics.ts tokenKindOf).
    expect(
      await issued({ grant_type: 'client_credentials', kind: 'access_token', format: 'jwt' }),
    ).toBe(1);
    expect(await sample(registry, 'token_lifecycle_revocations_total')).toBe(0);
  });

  it.each([
    ['token.revoked', 'token'],
    ['grant.revoked', 'grant'],
    ['client.tokens_revoked', 'client'],
    ['subject.tokens_revoked', 'subject'],
  ] as const)('counts a %s as a revocation of kind %s', async (type, kind) => {
    const data = {
      'token.revoked': { jti: 'j', client_id: 'c', exp: 1, revoked_by: 'c' },
      'grant.revoked': { grant_id: 'g', client_id: 'c', exp: 1, reason: 'admin' },
      'client.tokens_revoked': { client_id: 'c', revoked_at: 1, exp: 1, reason: 'admin' },
      'subject.tokens_revoked': { sub: 's', revoked_at: 1, exp: 1, reason: 'admin' },
    }[type];
    await bus.publish(factory.create(type, 'x', 'x', data as never));
    expect(await sample(registry, 'token_lifecycle_revocations_total', { kind })).toBe(1);
    expect(await sample(registry, 'token_lifecycle_revocations_total')).toBe(1);
  });

  it('counts a reuse detection for a grant revoked because a refresh token came back', async () => {
    const revoked = (reason: string) =>
      factory.create('grant.revoked', 'g', 'g', { grant_id: 'g', client_id: 'c', exp: 1, reason });
    await bus.publish(revoked('refresh_token_reuse'));
    await bus.publish(revoked('code_replay'));
    expect(await sample(registry, 'token_lifecycle_refresh_token_reuse_detections_total')).toBe(1);
    expect(await sample(registry, 'token_lifecycle_revocations_total', { kind: 'grant' })).toBe(2);
  });

  it('times each publish by event type, and counts failures without counting the lifecycle', async () => {
    const event = factory.create('token.revoked', 'j', 'c', {
      jti: 'j',
      client_id: 'c',
      exp: 1,
      revoked_by: 'c',
    });
    sut.acknowledged(event, sut.start());
    sut.failed(event);
    expect(
      await sample(registry, 'token_lifecycle_event_publish_duration_seconds_count', {
        type: 'token.revoked',
      }),
    ).toBe(1);
    expect(
      await sample(registry, 'token_lifecycle_event_publish_failures_total', {
        type: 'token.revoked',
      }),
    ).toBe(1);
    expect(await sample(registry, 'token_lifecycle_revocations_total')).toBe(1);
  });

  it('names a client only when the operator listed it (METRICS_CLIENT_LABELS)', async () => {
    const listed = new Registry();
    const named = new MemoryEventBus(
      100,
      new PublishMeter(undefined, new LifecycleMetrics(listed, ['web-app'])),
    );
    await named.publish(factory.create('token.issued', 'jti-1', 'g', OPAQUE_TOKEN_ISSUED));
    await named.publish(
      factory.create('token.issued', 'jti-2', 'g', { ...OPAQUE_TOKEN_ISSUED, client_id: 'other' }),
    );
    await named.publish(
      factory.create('token.revoked', 'jti-1', 'g', {
        jti: 'jti-1',
        client_id: 'web-app',
        exp: 1,
        revoked_by: 'web-app',
      }),
    );
    expect(await sample(listed, 'token_lifecycle_tokens_issued_total', { client: 'web-app' })).toBe(
      1,
    );
    expect(await sample(listed, 'token_lifecycle_tokens_issued_total', { client: '' })).toBe(1);
    expect(await sample(listed, 'token_lifecycle_revocations_total', { client: 'web-app' })).toBe(
      1,
    );
    expect(await listed.metrics()).not.toContain('other');
  });

  it('names no client by default', async () => {
    await bus.publish(factory.create('token.issued', 'jti-1', 'g', OPAQUE_TOKEN_ISSUED));
    expect(await registry.metrics()).not.toContain(OPAQUE_TOKEN_ISSUED.client_id);
  });

  it('measures nothing without metrics', async () => {
    const quiet = new MemoryEventBus();
    await expect(
      quiet.publish(factory.create('token.issued', 'jti-1', 'g', OPAQUE_TOKEN_ISSUED)),
    ).resolves.toBeUndefined();
  });
});
