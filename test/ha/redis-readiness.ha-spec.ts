import type { FastifyReply } from 'fastify';
import type { Cluster } from 'ioredis';
import type { AppConfig } from '@app/config';
import { loadRedisEndpoint } from '@app/config';
import type { EventBus } from '@app/events';
import { HealthController } from '../../libs/platform/src/health.controller';
import { MemoryProjectionMarker, ProjectionGate, RedisKeys } from '@app/store';
import { openClusterClient, OwnRedisCluster, startOwnRedisCluster } from '../support/ha-redis';
import { eventually } from '../support/int-eventually';

/**
 * Readiness on a Redis Cluster: a service whose store is a cluster that lost its quorum of
 * primaries (two of three killed: the survivor cannot fail them over nor serve, and says
 * cluster_state:fail) is unready, and says why.
 */
describe('readiness on a Redis Cluster that loses its quorum', () => {
  let cluster: OwnRedisCluster;
  let redis: Cluster;

  beforeAll(async () => {
    cluster = await startOwnRedisCluster((m) => process.stderr.write(`${m}\n`));
    const { redisCluster } = loadRedisEndpoint({ REDIS_CLUSTER_NODES: cluster.nodes });
    redis = await openClusterClient('ha-readiness-spec', redisCluster);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('is ready on a healthy cluster, then unready with the reason once quorum is lost', async () => {
    const marker = new MemoryProjectionMarker();
    const gate = new ProjectionGate(marker, { projected: false });
    const bus = { readiness: async () => ({ up: true }) } as unknown as EventBus;
    const sut = new HealthController(bus, redis, 'introspection', {} as AppConfig, gate);

    await expect(ready(sut)).resolves.toEqual({
      status: 200,
      body: { status: 'ok', checks: { events: 'up', store: 'up', projection: 'up' } },
    });

    // Two primaries of three (found by keys whose slots they serve), with no replica promoted:
    // a promotion needs the votes of a majority of primaries.
    const victims = new Map<number, OwnRedisCluster['servers'][number]>();
    for (let i = 0; victims.size < 2 && i < 1000; i++) {
      const server = await cluster.primaryOf(RedisKeys.opaqueToken(`probe-${i}`));
      if (server && !victims.has(server.port) && server.port !== firstPrimaryPort(redis))
        victims.set(server.port, server);
    }
    await Promise.all([...victims.values()].map((v) => v.kill()));

    const answer = await eventually(
      'readiness to report the survivor without quorum',
      () => ready(sut),
      (a) => /cluster_state:fail/.test(JSON.stringify(a.body)),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(answer).toMatchObject({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { store: 'down' },
        reasons: {
          store: expect.stringMatching(/primary 127\.0\.0\.1:\d+ reports cluster_state:fail/),
        },
      },
    });
  }, 60_000);
});

/** The primary the survivor will be: one the spec never kills. */
function firstPrimaryPort(redis: Cluster): number | undefined {
  return redis.nodes('master')[0]?.options.port;
}

async function ready(sut: HealthController): Promise<{ status: number; body: unknown }> {
  let status = 0;
  const reply = {
    status: (s: number) => {
      status = s;
      return reply;
    },
  } as unknown as FastifyReply;
  const body = await sut.ready(reply);
  return { status, body };
}
