import { Logger } from '@nestjs/common';
import type { ChainableCommander, Cluster } from 'ioredis';
import { StoreUnavailable } from '../store.ports';
import { guarded } from './redis-guard';

/** How long a write waits for a replica's acknowledgement before it is accepted without one. */
const REPLICA_ACK_MS = 500;

const log = new Logger('Redis:replication');
let unreplicated = false;

/**
 * Sends `write` (commands of one slot) followed by WAIT 1 in one pipeline, which the Cluster
 * client sends to that slot's primary: the write counts as done once a replica holds it too.
 * Redis replicates asynchronously, so without this a primary killed right after acknowledging a
 * revocation loses it to the replica promoted in its place, and the projector, whose offsets are
 * already committed past the event, never writes it again.
 *
 * A shard without a live replica cannot acknowledge: after REPLICA_ACK_MS the write is accepted
 * on the primary alone (it is on the log too) rather than stopping revocation, and a warning
 * says so once until a replica acknowledges again.
 */
export async function replicatedWrite(
  cluster: Cluster,
  write: (pipeline: ChainableCommander) => ChainableCommander,
): Promise<unknown[]> {
  const replies = (await guarded(write(cluster.pipeline()).wait(1, REPLICA_ACK_MS).exec())) ?? [];
  const failed = replies.find(([e]) => e);
  if (failed) throw new StoreUnavailable(failed[0]);
  const acks = replies.at(-1)?.[1];
  if (acks === 0 && !unreplicated)
    log.warn(`no replica acknowledged a write within ${REPLICA_ACK_MS} ms; accepted unreplicated`);
  unreplicated = acks === 0;
  return replies.slice(0, -1).map(([, result]) => result);
}
