import { Cluster, Command } from 'ioredis';
import { loadRedisEndpoint } from '@app/config';
import {
  openFeedRedis,
  RedisKeys,
  RedisProjectionMarker,
  RedisRevocationFeed,
  RedisRevocationStore,
  Revocation,
  RevocationMirror,
  StoreUnavailable,
} from '@app/store';
import {
  NODE_TIMEOUT_MS,
  openClusterClient,
  OwnRedisCluster,
  startOwnRedisCluster,
} from '../support/ha-redis';
import { eventually } from '../support/int-eventually';

/**
 * A Redis primary lost under load: revocations are written through the store while the primary
 * of the revocation stream's slot is SIGKILLed. Its replica is promoted, the Cluster client
 * follows the new slot map on its own, and every revocation the store acknowledged, before, during
 * or after the failover, is in effect at the store and on the stream the mirrors follow. Writes
 * refused during the failover were never acknowledged: the caller saw StoreUnavailable.
 */
const WRITERS = 4;
const CLIENTS = 16;
const BEFORE_KILL_MS = 1_000;
/** Writes go on this long after the promotion, to show the client stays on the new primary. */
const AFTER_RECOVERY_MS = 1_000;
/** A failover takes the node timeout plus an election; this bounds a hung one. */
const FAILOVER_DEADLINE_MS = 10 * NODE_TIMEOUT_MS;

describe('a Redis Cluster primary killed while revocations are written', () => {
  let cluster: OwnRedisCluster;
  let redis: Cluster;
  let writer: Cluster;

  beforeAll(async () => {
    cluster = await startOwnRedisCluster((m) => process.stderr.write(`${m}\n`));
    redis = await openClusterClient('ha-failover-spec', config(cluster));
    writer = await openClusterClient('ha-failover-spec-writer', config(cluster));
    await new RedisProjectionMarker(redis).mark();
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    writer?.disconnect();
    await cluster?.stop();
  });

  it('refuses a write the replica has not acknowledged, and takes it again once it has', async () => {
    const store = new RedisRevocationStore(redis, 3_600_000, writer);
    const stream = RedisKeys.revocationStream();
    // The slot map lists the stream's primary, then its replica.
    const [, replicaAddress] = writer.slots[new Command('exists', [stream]).getSlot()] ?? [];
    const replica = cluster.servers.find((s) => replicaAddress?.endsWith(`:${s.port}`));
    expect(replica?.pid).toBeDefined();
    const r: Revocation = {
      kind: 'token',
      clientId: 'c-stalled',
      jti: 'while-the-replica-stalls',
      expiresAt: Date.now() + 600_000,
    };
    const iat = Math.floor(Date.now() / 1000) - 1;
    // Stopped, not killed: still listed in the slot map, well within the node timeout.
    process.kill(replica!.pid!, 'SIGSTOP');
    try {
      await expect(store.revoke(r)).rejects.toBeInstanceOf(StoreUnavailable);
    } finally {
      process.kill(replica!.pid!, 'SIGCONT');
    }
    // Not counted, so not merged: the key says nothing yet, and the retry (the projector's)
    // writes it, acknowledged this time.
    await expect(store.isRevoked({ clientId: r.clientId, jti: r.jti, iat })).resolves.toBe(false);
    await expect(store.revoke(r)).resolves.toBe(true);
    await expect(store.isRevoked({ clientId: r.clientId, jti: r.jti, iat })).resolves.toBe(true);
    const mirror = await startMirror(cluster, 'ha-stalled-replica');
    try {
      expect(mirror.mirror.isRevoked({ ...r, iat })).toBe(true);
    } finally {
      await mirror.stop();
    }
  }, 30_000);

  it('loses no acknowledged revocation, and the client follows the promoted replica', async () => {
    const store = new RedisRevocationStore(redis, 3_600_000, writer);
    // A resource-server replica's mirror, following the stream through the failover.
    const following = await startMirror(cluster, 'ha-failover-following');
    const acknowledged: Revocation[] = [];
    let refused = 0;
    let killedAt = Number.POSITIVE_INFINITY;
    let recoveredAt: number | undefined;
    let stopAt = Number.POSITIVE_INFINITY;
    let next = 0;
    const expiresAt = Date.now() + 600_000;

    const writeUntilStopped = async () => {
      while (Date.now() < stopAt) {
        const i = next++;
        // Only a write sent once the primary is dead shows the failover done (one in flight
        // at the kill may still have been answered by it).
        const sentAt = Date.now();
        const r: Revocation = {
          kind: 'token',
          clientId: `c${i % CLIENTS}`,
          jti: `j${i}`,
          expiresAt,
        };
        try {
          expect(await store.revoke(r)).toBe(true);
          acknowledged.push(r);
          if (sentAt >= killedAt && recoveredAt === undefined) {
            recoveredAt = Date.now();
            stopAt = recoveredAt + AFTER_RECOVERY_MS;
          }
        } catch (e) {
          if (!(e instanceof StoreUnavailable)) throw e;
          refused++;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const writing = Promise.all(Array.from({ length: WRITERS }, writeUntilStopped));

    await new Promise((r) => setTimeout(r, BEFORE_KILL_MS));
    const victim = await cluster.primaryOf(RedisKeys.revocationStream());
    const beforeKill = acknowledged.length;
    await victim!.kill();
    killedAt = Date.now();
    const deadline = setTimeout(() => (stopAt = 0), FAILOVER_DEADLINE_MS);
    await writing;
    clearTimeout(deadline);

    expect(recoveredAt).toBeDefined();
    const failoverMs = recoveredAt! - killedAt;
    process.stderr.write(
      `[ha] primary ${victim!.port} SIGKILLed: writes resumed after ${failoverMs} ms ` +
        `(node timeout ${NODE_TIMEOUT_MS} ms); ${acknowledged.length} revocations acknowledged ` +
        `(${beforeKill} before the kill), ${refused} refused meanwhile\n`,
    );
    expect(beforeKill).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(beforeKill);
    const promoted = await cluster.primaryOf(RedisKeys.revocationStream());
    expect(promoted?.port).not.toBe(victim!.port);

    // In effect at the store: each one's key answers, whichever primary now holds its slot.
    const iat = Math.floor(Date.now() / 1000) - 1;
    const missing: string[] = [];
    for (const r of acknowledged)
      if (r.kind === 'token' && !(await store.isRevoked({ clientId: r.clientId, jti: r.jti, iat })))
        missing.push(r.jti);
    expect(missing).toEqual([]);

    const unseen = (mirror: RevocationMirror) =>
      acknowledged
        .filter((r) => r.kind === 'token' && !mirror.isRevoked({ ...r, iat }))
        .map((r) => (r.kind === 'token' ? r.jti : r.kind));
    try {
      // The mirror that followed through the failover resumes on the promoted primary and is
      // current again, with every acknowledged revocation.
      await eventually('the following mirror to be current', () => following.mirror.current);
      await eventually(
        'the following mirror to hold them all',
        () => unseen(following.mirror),
        (u) => u.length === 0,
      );
    } finally {
      await following.stop();
    }
    // The lost node comes back (empty: no persistence), rejoins as the promoted primary's
    // replica and syncs; the shard is redundant again and revocations go on.
    await victim!.start();
    await cluster.waitUntilOk();
    const after: Revocation = { kind: 'token', clientId: 'c0', jti: 'after-rejoin', expiresAt };
    await expect(store.revoke(after)).resolves.toBe(true);
    await expect(store.isRevoked({ clientId: 'c0', jti: 'after-rejoin', iat })).resolves.toBe(true);
    acknowledged.push(after);

    // A mirror that starts now reads every acknowledged revocation from the stream.
    const fresh = await startMirror(cluster, 'ha-failover-fresh');
    try {
      expect(unseen(fresh.mirror)).toEqual([]);
    } finally {
      await fresh.stop();
    }
  }, 60_000);
});

function config(cluster: OwnRedisCluster) {
  return loadRedisEndpoint({ REDIS_CLUSTER_NODES: cluster.nodes }).redisCluster!;
}

/** A mirror on a feed of its own, as a resource server runs it. */
async function startMirror(cluster: OwnRedisCluster, name: string) {
  const feed = new RedisRevocationFeed(await openFeedRedis(config(cluster), name, 1_000));
  const mirror = new RevocationMirror(feed, { blockMs: 200, retryDelayMs: 100 });
  await mirror.start();
  return {
    mirror,
    stop: async () => {
      await feed.close();
      await mirror.stop();
    },
  };
}
