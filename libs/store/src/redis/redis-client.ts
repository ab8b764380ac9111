import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';

/**
 * What the Redis adapters talk to: one Redis, or ioredis' Cluster client, which sends each
 * command to the primary of its keys' hash slot and follows MOVED/ASK redirections and
 * failovers. Both speak the same commands; the keys of one command, script or pipeline must
 * share one slot (keys.ts) for the Cluster client to send it at all.
 */
export type RedisClient = Redis | Cluster;
