import Redis from 'ioredis';
import { openRedis, RedisReplayStore } from '@app/store';
import { redisUrlForDb } from '../support/int-redis';
import { describeDpopReplayContract } from './dpop-replay.contract';

/** A database of its own (no other spec selects 8): keys are random, nothing is flushed. */
const DPOP_DB = 8;

let replicaA: Redis;
let replicaB: Redis;
beforeAll(async () => {
  replicaA = await openRedis(redisUrlForDb(DPOP_DB), 'dpop-replay-spec-a');
  replicaB = await openRedis(redisUrlForDb(DPOP_DB), 'dpop-replay-spec-b');
});
afterAll(async () => {
  await replicaA.quit();
  await replicaB.quit();
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describeDpopReplayContract(
  'Redis',
  () => [new RedisReplayStore(replicaA), new RedisReplayStore(replicaB)],
  sleep,
);
