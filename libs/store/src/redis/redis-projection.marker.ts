import type { RedisClient } from './redis-client';
import { RedisKeys } from '../keys';
import { ProjectionMarker } from '../store.ports';
import { guarded } from './redis-guard';

export class RedisProjectionMarker implements ProjectionMarker {
  constructor(private readonly redis: RedisClient) {}

  async present(): Promise<boolean> {
    return (await guarded(this.redis.exists(RedisKeys.projectionMarker()))) === 1;
  }

  async mark(): Promise<void> {
    await guarded(this.redis.set(RedisKeys.projectionMarker(), new Date().toISOString()));
  }
}
