import { type Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadResourceServerEnv } from '@app/config';
import { TOKEN_LIFECYCLE_TOPIC } from '@app/events';
import { createTokenValidator, TokenValidator } from '@app/resource-server';
import { RedisKeys } from '@app/store';
import { PROJECTOR_GROUP } from '../../apps/revocation/src/projector/event.projector';
import {
  busiestPartition,
  onKafkaCluster,
  OwnKafkaCluster,
  startOwnKafkaCluster,
} from '../support/ha-kafka';
import { OwnRedisCluster, startOwnRedisCluster } from '../support/ha-redis';
import {
  ServiceReplica,
  SPLIT_AUTH,
  SPLIT_RESOURCES,
  SplitServices,
} from '../support/in-process-services';
import { eventually } from '../support/int-eventually';
import { connectAdmin, TopicReader, waitForGroupCaughtUp } from '../support/int-kafka';
import { tokenDigest } from '../support/lifecycle-events';
import { OAuthClient } from '../support/oauth-client';
import { isRefusedWith, rsOutcomeWithin } from '../support/rs-validation';
import { unreadyWindows, ReadinessWatch } from '../support/readiness-watch';

jest.setTimeout(240_000);
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

/**
 * Issue 17's fault test: the split services on three Kafka brokers and a Redis Cluster of their
 * own, tokens issued and revoked by several clients at once, and then, together, the broker
 * leading the busiest partition of the lifecycle topic and the Redis primary of the revocation
 * stream's slot are SIGKILLed. The partition's leadership moves to an in-sync replica
 * (min.insync.replicas=2 of 3: acks=all writes go on) and the Redis replica is promoted. After
 * the load: every token a client received has its token.issued event on the log, every
 * revocation the service acknowledged is in effect at introspection and at a resource-server
 * replica, and the services were unready at most for the failover. The figures are reported.
 */
const WORKERS = 4;
const BEFORE_FAULT_MS = 2_000;
/** Load goes on this long once both services answer again, on the new leader and primary. */
const AFTER_RECOVERY_MS = 2_000;
const RECOVERY_DEADLINE_MS = 60_000;
/** Readiness is polled this often; a window is known to this precision. */
const POLL_MS = 100;
/**
 * A readiness probe sees a failover end only on its next poll, and the store's health check
 * needs the promoted primary's cluster_state:ok: this much beyond the failover is tolerated.
 */
const READINESS_SLACK_MS = 3_000;

interface Received {
  readonly token: string;
  readonly format: 'jwt' | 'opaque';
}

describe('a Kafka broker and a Redis primary lost under load', () => {
  let kafka: OwnKafkaCluster;
  let redis: OwnRedisCluster;
  let services: SplitServices;
  let replicas: {
    issuance: ServiceReplica;
    introspection: ServiceReplica;
    revocation: ServiceReplica;
  };
  let oauth: OAuthClient;
  let admin: Admin;
  let validator: TokenValidator;

  beforeAll(async () => {
    const log = (m: string) => process.stderr.write(`${m}\n`);
    [kafka, redis] = await Promise.all([startOwnKafkaCluster(log), startOwnRedisCluster(log)]);
    onKafkaCluster(kafka.brokers);
    [services, admin] = await Promise.all([
      SplitServices.create({
        suite: 'ha-faults',
        redisDb: { cluster: redis.nodes },
        env: { KAFKA_REPLICATION_FACTOR: '3' },
      }),
      connectAdmin('ha-faults-admin'),
    ]);
    const [issuance, introspection, revocation] = await Promise.all([
      services.start('issuance'),
      services.start('introspection'),
      services.start('revocation', { projector: true }),
    ]);
    replicas = { issuance, introspection, revocation };
    oauth = services.client(replicas);
    const { dpop: _dpop, ...bearerOnly } = loadResourceServerEnv({
      ISSUER: services.issuer,
      RESOURCE_AUDIENCE: SPLIT_RESOURCES.jwt.identifier,
      REDIS_CLUSTER_NODES: redis.nodes,
    });
    validator = createTokenValidator({ ...bearerOnly, stalenessBudgetMs: 2_000 });
    await validator.start();
  }, 180_000);
  afterAll(async () => {
    await Promise.allSettled([validator?.close(), services?.closeAll(), admin?.disconnect()]);
    await Promise.allSettled([kafka?.stop(), redis?.stop()]);
  });

  it('loses no issued token nor acknowledged revocation, and reports the failover', async () => {
    const received: Received[] = [];
    const revoked: Received[] = [];
    const refused = { issue: 0, revoke: 0 };
    let faultAt = Number.POSITIVE_INFINITY;
    let issuedAgainAt: number | undefined;
    let revokedAgainAt: number | undefined;
    let stopAt = Number.POSITIVE_INFINITY;
    let next = 0;

    const work = async () => {
      while (Date.now() < stopAt) {
        const i = next++;
        const format = i % 2 === 0 ? 'jwt' : 'opaque';
        const resource = format === 'jwt' ? SPLIT_RESOURCES.jwt : SPLIT_RESOURCES.opaque;
        const sentAt = Date.now();
        const res = await oauth
          .token(
            { grant_type: 'client_credentials', resource: resource.identifier },
            SPLIT_AUTH.owner,
          )
          .catch(() => undefined);
        if (res?.status !== 200 || typeof res.body.access_token !== 'string') {
          refused.issue++;
          await sleep(20);
          continue;
        }
        const got: Received = { token: res.body.access_token, format };
        received.push(got);
        if (sentAt >= faultAt) issuedAgainAt ??= Date.now();
        if (i % 3 !== 0) continue;
        const revokeSentAt = Date.now();
        const rev = await oauth
          .revoke({ token: got.token }, SPLIT_AUTH.owner)
          .catch(() => undefined);
        if (rev?.status === 200) {
          revoked.push(got);
          if (revokeSentAt >= faultAt) revokedAgainAt ??= Date.now();
        } else {
          refused.revoke++;
        }
      }
    };

    const watch = ReadinessWatch.start(
      {
        issuance: `${replicas.issuance.url}/health/ready`,
        introspection: `${replicas.introspection.url}/health/ready`,
        revocation: `${replicas.revocation.url}/health/ready`,
      },
      POLL_MS,
    );
    const workers = Array.from({ length: WORKERS }, work);
    try {
      await sleep(BEFORE_FAULT_MS);
      const beforeFault = received.length;
      const busiest = await busiestPartition(admin);
      const broker = kafka.nodes.find((n) => n.id === busiest.leader)!;
      const primary = (await redis.primaryOf(RedisKeys.revocationStream()))!;
      await Promise.all([broker.kill(), primary.kill()]);
      faultAt = Date.now();

      const [kafkaFailoverMs, redisFailoverMs] = await Promise.all([
        eventually(
          `a new leader for partition ${busiest.partition}`,
          async () => {
            const { topics } = await admin.fetchTopicMetadata({ topics: [TOKEN_LIFECYCLE_TOPIC] });
            const p = topics[0]?.partitions.find((q) => q.partitionId === busiest.partition);
            return p && p.leader >= 0 && p.leader !== broker.id ? Date.now() - faultAt : undefined;
          },
          (ms) => ms !== undefined,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 50 },
        ),
        eventually(
          "the stream slot's replica promoted",
          async () => {
            const now = await redis.primaryOf(RedisKeys.revocationStream());
            return now && now.port !== primary.port ? Date.now() - faultAt : undefined;
          },
          (ms) => ms !== undefined,
          { timeoutMs: RECOVERY_DEADLINE_MS, intervalMs: 50 },
        ),
      ]);
      await eventually(
        'issuance and revocation to answer again',
        () => issuedAgainAt !== undefined && revokedAgainAt !== undefined,
        Boolean,
        { timeoutMs: RECOVERY_DEADLINE_MS },
      );
      await sleep(AFTER_RECOVERY_MS);
      stopAt = Date.now();
      await Promise.all(workers);
      const windows = unreadyWindows(watch.stop(), faultAt);

      const failoverMs = Math.max(kafkaFailoverMs!, redisFailoverMs!);
      process.stderr.write(
        `[ha-faults] killed kafka broker ${broker.id} (leader of partition ${busiest.partition}, ` +
          `${busiest.records} records) and redis primary :${primary.port}; ` +
          `kafka leader moved in ${kafkaFailoverMs} ms, redis replica promoted in ${redisFailoverMs} ms; ` +
          `first token issued ${issuedAgainAt! - faultAt} ms and first revocation acknowledged ` +
          `${revokedAgainAt! - faultAt} ms after the kill; unready: ${JSON.stringify(windows)}; ` +
          `${received.length} tokens received (${beforeFault} before the kill), ${revoked.length} ` +
          `revocations acknowledged, refused: ${JSON.stringify(refused)}\n`,
      );
      expect(received.length).toBeGreaterThan(beforeFault);
      // Unready at most for the failover: every window closed by then (plus a probe's lag).
      for (const w of Object.values(windows)) {
        expect(w.endedAfterFaultMs).toBeLessThanOrEqual(failoverMs + READINESS_SLACK_MS);
      }
    } finally {
      stopAt = Date.now();
      await Promise.allSettled(workers);
      watch.stop();
    }

    // Every token a client received has its event on the log (the kill lost no acked write).
    await waitForGroupCaughtUp(admin, PROJECTOR_GROUP, 60_000);
    const reader = await TopicReader.start('ha-faults-audit');
    try {
      const issued = () => {
        const jtis = new Set<string>();
        const digests = new Set<string>();
        for (const r of reader.records()) {
          if (r.json?.type !== 'token.issued') continue;
          if (r.json.data?.jti) jtis.add(r.json.data.jti);
          if (r.json.data?.token_digest) digests.add(r.json.data.token_digest);
        }
        return received.filter((t) =>
          t.format === 'jwt' ? !jtis.has(jtiOf(t.token)) : !digests.has(tokenDigest(t.token)),
        );
      };
      await eventually(
        'every received token on the log',
        () => issued().length,
        (n) => n === 0,
        {
          timeoutMs: 30_000,
          intervalMs: 200,
        },
      );
    } finally {
      await reader.close();
    }

    // Every acknowledged revocation is in effect at introspection...
    const revokedSet = new Set(revoked.map((r) => r.token));
    const active = await Promise.all(
      revoked.map(async ({ token }) => {
        const res = await oauth.introspect({ token }, SPLIT_AUTH.introspector);
        expect(res.status).toBe(200);
        return res.body.active as boolean;
      }),
    );
    expect(active.filter(Boolean)).toHaveLength(0);
    // ... and at a resource-server replica following the cluster's stream (JWTs: no call home).
    for (const { token } of revoked.filter((r) => r.format === 'jwt')) {
      await rsOutcomeWithin(validator, token, isRefusedWith(401), 5_000, 'a revoked JWT refused');
    }
    // A token nobody revoked is still active: the checks above can tell the difference.
    const kept = received.find((r) => !revokedSet.has(r.token));
    const res = await oauth.introspect({ token: kept!.token }, SPLIT_AUTH.introspector);
    expect(res.body.active).toBe(true);
  });
});

function jtiOf(jwt: string): string {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
  return payload.jti as string;
}
