import { Logger } from '@nestjs/common';
import { ChainableCommander, Cluster, Command } from 'ioredis';
import { StoreUnavailable } from '../store.ports';
import { guarded } from './redis-guard';

/**
 * How long a write waits for its replica's acknowledgement. A live, idle replica takes ~1 ms, but
 * a write not acknowledged is refused (below), so the wait also covers a replica on a busy
 * machine (two cores shared by six Redis servers, three brokers and the services in the HA
 * tier). WAIT answers as soon as the replica has the write: only a stalled or dead one costs it.
 */
const REPLICA_ACK_MS = 500;

const log = new Logger('Redis:replication');
/** Primaries (host:port) without a replica whose writes go unreplicated: warned about once. */
const unreplicated = new Set<string>();

/**
 * Sends `write` (commands on `key`'s slot) followed by WAIT 1 in one pipeline, which the Cluster
 * client sends to that slot's primary: the write counts as done once a replica holds it too.
 * Redis replicates asynchronously, so without this a primary killed right after acknowledging a
 * revocation loses it to the replica promoted in its place, and the projector, whose offsets are
 * already committed past the event, never writes it again.
 *
 * A write no replica acknowledged within REPLICA_ACK_MS (the replica stalled, dying, or far
 * behind) fails with StoreUnavailable: counted, it could die with its primary, and the
 * revocation's key, merged on another shard, would then stop any later application from
 * streaming it again, so no mirror would ever see it. The caller writes it again (the projector
 * retries the event; the request path leaves it to the projector); the writes are idempotent.
 *
 * WAIT holds up the connection it is sent on: `cluster` should be a client of its own, not the
 * one the hot path reads through. A shard the client's slot map shows without a replica is asked
 * (ROLE, in the same pipeline) whether that is so. The map can be behind: a client that learnt
 * it before the replicas were gossiped, or before a lost node rejoined, sees none until its next
 * refresh (every 5 s). Then the write is sent again with WAIT, as for a listed replica, and the
 * map is refreshed. A primary that really has no replica (its replica was just promoted, or is
 * lost) takes the write alone (it is on the log too) rather than stalling revocation until a node
 * comes back, and a warning says so once until the shard has a replica again.
 *
 * Sending a write again is safe: the revocation writes are idempotent (MERGE, the stream's
 * append-once script), and a signing-key notice seen twice changes nothing at a mirror.
 */
export async function replicatedWrite(
  cluster: Cluster,
  key: string,
  write: (pipeline: ChainableCommander) => ChainableCommander,
): Promise<void> {
  const shard = cluster.slots[new Command('exists', [key]).getSlot()] ?? [];
  const primary = shard[0] ?? 'unknown';
  // The slot map lists the primary, then its replicas.
  if (shard.length <= 1) {
    // ROLE on a primary: ['master', offset, [[host, port, offset], …one per connected replica]].
    const role = await lastReply(write(cluster.pipeline()).role());
    if (!(Array.isArray(role) && Array.isArray(role[2]) && role[2].length > 0)) {
      if (!unreplicated.has(primary)) {
        unreplicated.add(primary);
        log.warn(`writes on ${primary} are accepted unreplicated: its shard has no replica`);
      }
      return;
    }
    cluster.refreshSlotsCache();
  }
  unreplicated.delete(primary);
  const acked = await lastReply(write(cluster.pipeline()).wait(1, REPLICA_ACK_MS));
  if (acked === 0)
    throw new StoreUnavailable(
      new Error(`no replica of ${primary} acknowledged the write within ${REPLICA_ACK_MS} ms`),
    );
}

/** Runs the pipeline; any command's error is the store's failure, else the last reply. */
async function lastReply(pipeline: ChainableCommander): Promise<unknown> {
  const replies = (await guarded(pipeline.exec())) ?? [];
  const failed = replies.find(([e]) => e);
  if (failed) throw new StoreUnavailable(failed[0]);
  return replies.at(-1)?.[1];
}
