import { Logger } from '@nestjs/common';
import { ChainableCommander, Cluster, Command } from 'ioredis';
import { StoreUnavailable } from '../store.ports';
import { guarded } from './redis-guard';

/** How long a write waits for its replica's acknowledgement (a live replica takes ~1 ms). */
const REPLICA_ACK_MS = 100;

const log = new Logger('Redis:replication');
/** Primaries (host:port) whose writes go unreplicated: warned about once, until acked again. */
const unreplicated = new Set<string>();

/**
 * Sends `write` (commands on `key`'s slot) followed by WAIT 1 in one pipeline, which the Cluster
 * client sends to that slot's primary: the write counts as done once a replica holds it too.
 * Redis replicates asynchronously, so without this a primary killed right after acknowledging a
 * revocation loses it to the replica promoted in its place, and the projector, whose offsets are
 * already committed past the event, never writes it again.
 *
 * WAIT holds up the connection it is sent on: `cluster` should be a client of its own, not the
 * one the hot path reads through. A shard the client's slot map shows without a replica (its
 * replica was just promoted, or is lost) has nothing to wait for: the write is accepted on the
 * primary alone (it is on the log too) rather than stalling revocation, and a warning says so
 * once until writes are replicated again.
 */
export async function replicatedWrite(
  cluster: Cluster,
  key: string,
  write: (pipeline: ChainableCommander) => ChainableCommander,
): Promise<void> {
  const shard = cluster.slots[new Command('exists', [key]).getSlot()] ?? [];
  // The slot map lists the primary, then its replicas.
  const replicated = shard.length > 1;
  const pipeline = write(cluster.pipeline());
  const replies =
    (await guarded((replicated ? pipeline.wait(1, REPLICA_ACK_MS) : pipeline).exec())) ?? [];
  const failed = replies.find(([e]) => e);
  if (failed) throw new StoreUnavailable(failed[0]);
  const primary = shard[0] ?? 'unknown';
  if (replicated && replies.at(-1)?.[1] !== 0) unreplicated.delete(primary);
  else if (!unreplicated.has(primary)) {
    unreplicated.add(primary);
    log.warn(`writes on ${primary} are accepted unreplicated: no live replica acknowledges them`);
  }
}
