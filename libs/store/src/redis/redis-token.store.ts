import type { RedisClient } from './redis-client';
import type { AccessTokenClaims } from '@app/tokens';
import { guarded } from './redis-guard';
import { RedisKeys } from '../keys';
import { TokenStore } from '../store.ports';

export class RedisTokenStore implements TokenStore {
  constructor(private readonly redis: RedisClient) {}

  async save(digest: string, claims: AccessTokenClaims): Promise<void> {
    const expiresAt = claims.exp * 1000;
    if (expiresAt <= Date.now()) return;
    await guarded(
      this.redis.set(RedisKeys.opaqueToken(digest), JSON.stringify(claims), 'PXAT', expiresAt),
    );
  }

  async find(digest: string): Promise<AccessTokenClaims | null> {
    const raw = await guarded(this.redis.get(RedisKeys.opaqueToken(digest)));
    return raw === null ? null : (JSON.parse(raw) as AccessTokenClaims);
  }
}
