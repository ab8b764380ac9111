import type { RedisClient } from './redis-client';
import { BrowserSession, BrowserSessionStore } from '../browser-session.port';
import { RedisKeys } from '../keys';
import { guarded } from './redis-guard';

export class RedisBrowserSessionStore implements BrowserSessionStore {
  constructor(private readonly redis: RedisClient) {}

  async save(digest: string, session: BrowserSession, expiresAt: number): Promise<void> {
    if (expiresAt <= Date.now()) return;
    const key = RedisKeys.browserSession(digest);
    await guarded(this.redis.set(key, JSON.stringify(session), 'PXAT', expiresAt));
  }

  async find(digest: string): Promise<BrowserSession | null> {
    return parse(await guarded(this.redis.get(RedisKeys.browserSession(digest))));
  }

  /**
   * GETDEL on the old key is the atomic step: exactly one caller gets the session, and from
   * that moment the old cookie finds nothing. Only that caller then writes the new key, so the
   * two keys need no shared slot; a failure in between loses the session (the user signs in
   * again), never leaves both working.
   */
  async rotate(
    fromDigest: string,
    toDigest: string,
    session: BrowserSession,
    expiresAt: number,
  ): Promise<BrowserSession | null> {
    const previous = parse(await guarded(this.redis.getdel(RedisKeys.browserSession(fromDigest))));
    if (previous) await this.save(toDigest, session, expiresAt);
    return previous;
  }

  async delete(digest: string): Promise<BrowserSession | null> {
    return parse(await guarded(this.redis.getdel(RedisKeys.browserSession(digest))));
  }
}

function parse(raw: string | null): BrowserSession | null {
  return raw === null ? null : (JSON.parse(raw) as BrowserSession);
}
