import { guarded } from './redis-guard';
import type { RedisClient } from './redis-client';
import { ReplayStore } from '../store.ports';

export class RedisReplayStore implements ReplayStore {
  constructor(private readonly redis: RedisClient) {}

  async claimOnce(key: string, expiresAt: number): Promise<boolean> {
    if (expiresAt <= Date.now()) return true;
    return (await guarded(this.redis.set(key, '1', 'PXAT', expiresAt, 'NX'))) === 'OK';
  }

  async release(key: string): Promise<void> {
    await guarded(this.redis.del(key));
  }
}
