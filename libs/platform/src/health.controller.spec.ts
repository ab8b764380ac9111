import type { FastifyReply } from 'fastify';
import type { AppConfig } from '@app/config';
import type { EventBus } from '@app/events';
import { MemoryProjectionMarker, ProjectionGate, RedisClient } from '@app/store';
import { HealthController } from './health.controller';
import { LoadShedder } from './load-shedder';

const bus = { readiness: async () => ({ up: true }) } as unknown as EventBus;
const withKafka = (projector: boolean) =>
  ({ kafka: { brokers: ['kafka:9092'] }, projector }) as unknown as AppConfig;

/** The status a readiness probe gets. */
async function readiness(sut: HealthController): Promise<number> {
  let status = 0;
  const reply = {
    status: (s: number) => {
      status = s;
      return reply;
    },
  } as unknown as FastifyReply;
  await sut.ready(reply);
  return status;
}

describe('HealthController readiness while the store is rebuilt from the log', () => {
  let marker: MemoryProjectionMarker;
  let gate: ProjectionGate;
  const sut = (service: string, projector = false) =>
    new HealthController(bus, null, service, withKafka(projector), gate);

  beforeEach(() => {
    marker = new MemoryProjectionMarker();
    gate = new ProjectionGate(marker, { projected: true });
  });

  it.each(['revocation', 'introspection', 'standalone'])(
    '%s (it answers from derived state) is not ready until the projection is complete',
    async (service) => {
      await expect(readiness(sut(service))).resolves.toBe(503);
      await marker.mark();
      await expect(readiness(sut(service))).resolves.toBe(200);
    },
  );

  it('issuance only writes derived state: ready during a rebuild, unless it hosts the projector', async () => {
    await expect(readiness(sut('issuance'))).resolves.toBe(200);
    await expect(readiness(sut('issuance', true))).resolves.toBe(503);
  });

  it('the authorization service derives nothing: ready during a rebuild, but needs the log', async () => {
    await expect(readiness(sut('authorization'))).resolves.toBe(200);
    const down = { readiness: async () => ({ up: false }) } as unknown as EventBus;
    await expect(
      readiness(new HealthController(down, null, 'authorization', withKafka(false), gate)),
    ).resolves.toBe(503);
  });

  it('the login app needs neither the log nor the store: ready through a Kafka outage', async () => {
    const down = { readiness: async () => ({ up: false }) } as unknown as EventBus;
    await expect(
      readiness(new HealthController(down, null, 'login', withKafka(false), gate)),
    ).resolves.toBe(200);
  });

  it('without a log there is no projection to wait for', async () => {
    const noKafka = { projector: true } as unknown as AppConfig;
    gate = new ProjectionGate(marker, { projected: false });
    await expect(
      readiness(new HealthController(bus, null, 'revocation', noKafka, gate)),
    ).resolves.toBe(200);
  });
});

describe('HealthController readiness of the store', () => {
  const gate = new ProjectionGate(new MemoryProjectionMarker(), { projected: false });
  const noKafka = {} as unknown as AppConfig;
  const answer = async (redis: RedisClient) => {
    let status = 0;
    const reply = {
      status: (s: number) => {
        status = s;
        return reply;
      },
    } as unknown as FastifyReply;
    const body = await new HealthController(bus, redis, 'introspection', noKafka, gate).ready(
      reply,
    );
    return { status, body };
  };

  it('is ready while Redis answers, and says nothing more', async () => {
    const up = { isCluster: false, ping: async () => 'PONG' } as unknown as RedisClient;
    await expect(answer(up)).resolves.toEqual({
      status: 200,
      body: { status: 'ok', checks: { events: 'up', store: 'up', projection: 'up' } },
    });
  });

  it('is unready while Redis does not answer, and says why', async () => {
    const down = {
      isCluster: false,
      ping: async () => {
        throw new Error('Connection is closed.');
      },
    } as unknown as RedisClient;
    await expect(answer(down)).resolves.toEqual({
      status: 503,
      body: {
        status: 'unavailable',
        checks: { events: 'up', store: 'down', projection: 'up' },
        reasons: { store: 'Redis does not answer' },
      },
    });
  });

  it('is unready on a cluster whose primary lost its quorum, naming that primary', async () => {
    const primary = (port: number, state: string) => ({
      options: { host: '10.0.0.1', port },
      cluster: async () => `cluster_state:${state}\r\ncluster_slots_assigned:16384\r\n`,
    });
    const cluster = {
      isCluster: true,
      nodes: () => [primary(7000, 'ok'), primary(7001, 'fail')],
    } as unknown as RedisClient;
    await expect(answer(cluster)).resolves.toMatchObject({
      status: 503,
      body: { reasons: { store: 'primary 10.0.0.1:7001 reports cluster_state:fail' } },
    });
  });
});

describe('HealthController readiness while shedding load', () => {
  it('is unready, with the reason, while the LoadShedder sheds, and ready again after', async () => {
    const config = {
      ...withKafka(false),
      loadShedding: { lagMs: 100, retryAfterSeconds: 1 },
    } as unknown as AppConfig;
    const shedder = new LoadShedder(config);
    const gate = new ProjectionGate(new MemoryProjectionMarker(), { projected: false });
    const sut = new HealthController(bus, null, 'issuance', config, gate, shedder);
    await expect(readiness(sut)).resolves.toBe(200);
    shedder.observe(250);
    const reply = { status: () => reply } as unknown as FastifyReply;
    await expect(sut.ready(reply)).resolves.toMatchObject({
      status: 'unavailable',
      checks: { load: 'shedding' },
      reasons: { load: expect.stringContaining('250 ms') },
    });
    await expect(readiness(sut)).resolves.toBe(503);
    for (let i = 0; i < 3; i++) shedder.observe(1);
    await expect(readiness(sut)).resolves.toBe(200);
  });
});

describe('HealthController readiness of the log', () => {
  const gate = new ProjectionGate(new MemoryProjectionMarker(), { projected: false });
  const reason = 'token-lifecycle partition 2 has 1 in-sync replica(s), min.insync.replicas is 2';
  const short = { readiness: async () => ({ up: false, reason }) } as unknown as EventBus;

  it('issuance is unready while a partition lacks in-sync replicas, and says which', async () => {
    let status = 0;
    const reply = {
      status: (s: number) => {
        status = s;
        return reply;
      },
    } as unknown as FastifyReply;
    const sut = new HealthController(short, null, 'issuance', withKafka(false), gate);
    const body = await sut.ready(reply);
    expect(status).toBe(503);
    expect(body).toEqual({
      status: 'unavailable',
      checks: { events: 'down', store: 'up', projection: 'up' },
      reasons: { events: reason },
    });
  });

  it('introspection reads only the store: ready, the log’s reason still shown', async () => {
    const sut = new HealthController(short, null, 'introspection', withKafka(false), gate);
    const body = await sut.ready({ status: () => undefined } as unknown as FastifyReply);
    expect(body.status).toBe('ok');
    expect(body.reasons).toEqual({ events: reason });
  });
});
