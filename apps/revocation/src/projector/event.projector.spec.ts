import { AppConfig } from '@app/config';
import { EventBus, EventFactory, EventHandler, SubscribeOptions } from '@app/events';
import { ProjectorMetrics, Registry } from '@app/metrics';
import { LifecycleProjection } from '@app/projection';
import { ProjectionMarker } from '@app/store';
import { EventProjector } from './event.projector';

describe('EventProjector metrics', () => {
  const events = new EventFactory('urn:token-lifecycle:spec');
  const revoked = events.create('token.revoked', 'jti-1', 'client-a', {
    jti: 'jti-1',
    client_id: 'client-a',
    exp: 2_000_000_000,
    revoked_by: 'client-a',
  });
  let registry: Registry;
  let apply: jest.Mock;
  let subscribed: SubscribeOptions | undefined;
  let sut: EventProjector;

  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values
      .filter((v) => Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x))
      .reduce((n, v) => n + v.value, 0);

  beforeEach(() => {
    registry = new Registry();
    apply = jest.fn(async () => true);
    const bus = {
      subscribe: async (options: SubscribeOptions, _handler: EventHandler) => {
        subscribed = options;
      },
    } as unknown as EventBus;
    const marker = { present: async () => true } as unknown as ProjectionMarker;
    sut = new EventProjector(
      { projector: true, kafka: {} } as unknown as AppConfig,
      bus,
      marker,
      { apply } as unknown as LifecycleProjection,
      new ProjectorMetrics(registry),
    );
  });
  afterEach(() => sut.onApplicationShutdown());

  it('counts the events it applies by type and reports the age of the newest', async () => {
    await sut.onApplicationBootstrap();
    await sut.apply(revoked);
    expect(
      await value('token_lifecycle_projector_events_applied_total', { type: 'token.revoked' }),
    ).toBe(1);
    expect(await value('token_lifecycle_projector_newest_applied_event_age_seconds')).toBeLessThan(
      5,
    );
  });

  it('counts an event the store refused, and lets the failure through for redelivery', async () => {
    apply.mockRejectedValueOnce(new Error('store unavailable'));
    await expect(sut.apply(revoked)).rejects.toThrow('store unavailable');
    expect(await value('token_lifecycle_projector_apply_failures_total')).toBe(1);
    expect(await value('token_lifecycle_projector_events_applied_total')).toBe(0);
  });

  it('reports how many events each partition still has to apply', async () => {
    await sut.onApplicationBootstrap();
    subscribed!.onLag!(3, 120);
    subscribed!.onLag!(3, 0);
    subscribed!.onLag!(1, 7);
    expect(await value('token_lifecycle_projector_lag_events', { partition: '3' })).toBe(0);
    expect(await value('token_lifecycle_projector_lag_events', { partition: '1' })).toBe(7);
  });

  it('forgets the lag of partitions a rebalance gave to another member', async () => {
    await sut.onApplicationBootstrap();
    subscribed!.onLag!(3, 120);
    subscribed!.onAssigned!([0, 1]);
    const partitions = (
      await registry.getSingleMetric('token_lifecycle_projector_lag_events')!.get()
    ).values;
    expect(partitions.map((v) => [v.labels.partition, v.value])).toEqual([
      ['0', 0],
      ['1', 0],
    ]);
  });
});

describe('EventProjector rebuild failures', () => {
  const config = { projector: true, kafka: {} } as unknown as AppConfig;
  const noMarker = { present: async () => false, mark: async () => undefined };
  const failingBus = (message: string) =>
    ({
      subscribe: async () => undefined,
      replay: async () => {
        throw new Error(message);
      },
    }) as unknown as EventBus;

  it('says why a replay failed, once per minute while it keeps failing the same way', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const sut = new EventProjector(
      config,
      failingBus('apply failed: store unavailable'),
      noMarker as unknown as ProjectionMarker,
      { apply: async () => true } as unknown as LifecycleProjection,
    );
    const errors = jest.spyOn(sut['log'], 'error').mockImplementation(() => undefined);
    const warnings = jest.spyOn(sut['log'], 'warn').mockImplementation(() => undefined);
    try {
      await sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(59_000);
      expect(errors).toHaveBeenCalledTimes(1);
      expect(errors.mock.calls[0]?.[0]).toMatch(/attempt 1\b.*store unavailable/);
      await jest.advanceTimersByTimeAsync(2_000);
      expect(errors).toHaveBeenCalledTimes(2);
      expect(errors.mock.calls[1]?.[0]).toMatch(/attempt 6\d\b/);
      expect(warnings).toHaveBeenCalledTimes(1);
    } finally {
      sut.onApplicationShutdown();
      jest.useRealTimers();
    }
  });
});
