import type { RedisClient } from './redis-client';
import {
  AuthorizationRequestKind,
  AuthorizationRequestStore,
  PendingAuthorizationRequest,
} from '../authorization-request.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

const key = (kind: AuthorizationRequestKind, id: string) =>
  kind === 'pushed' ? RedisKeys.pushedRequest(id) : RedisKeys.pendingRequest(id);

export class RedisAuthorizationRequestStore implements AuthorizationRequestStore {
  constructor(private readonly redis: RedisClient) {}

  async save(
    kind: AuthorizationRequestKind,
    id: string,
    request: PendingAuthorizationRequest,
    expiresAt: number,
  ): Promise<void> {
    if (expiresAt <= Date.now()) return;
    await guarded(this.redis.set(key(kind, id), JSON.stringify(request), 'PXAT', expiresAt));
  }

  async find(
    kind: AuthorizationRequestKind,
    id: string,
  ): Promise<PendingAuthorizationRequest | null> {
    return parse(await guarded(this.redis.get(key(kind, id))));
  }

  /** GETDEL: one atomic command, so of concurrent takes exactly one gets the request. */
  async take(
    kind: AuthorizationRequestKind,
    id: string,
  ): Promise<PendingAuthorizationRequest | null> {
    return parse(await guarded(this.redis.getdel(key(kind, id))));
  }
}

function parse(raw: string | null): PendingAuthorizationRequest | null {
  return raw === null ? null : (JSON.parse(raw) as PendingAuthorizationRequest);
}
