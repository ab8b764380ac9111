import type {
  InitialAccessGrant,
  InitialAccessState,
  InitialAccessTokenStore,
} from '../initial-access-token.port';
import { ExpiringMap } from './expiring-map';

interface Entry {
  readonly grant: InitialAccessGrant;
  remaining: number;
}

/** One process only (`npm start` without REDIS_URL): single-threaded, so every step is atomic. */
export class MemoryInitialAccessTokenStore implements InitialAccessTokenStore {
  private readonly tokens = new ExpiringMap<Entry>();

  async issue(digest: string, grant: InitialAccessGrant): Promise<void> {
    this.tokens.set(digest, { grant: { ...grant }, remaining: grant.uses }, grant.expiresAt);
  }

  async find(digest: string): Promise<InitialAccessState | null> {
    const entry = this.tokens.get(digest);
    return entry ? { ...{}, ...entry.grant, remaining: entry.remaining } : null;
  }

  async spend(digest: string): Promise<InitialAccessGrant | null> {
    const entry = this.tokens.get(digest);
    if (!entry || entry.remaining <= 0) return null;
    entry.remaining -= 1;
    return { ...entry.grant };
  }

  async refund(digest: string): Promise<void> {
    const entry = this.tokens.get(digest);
    if (entry && entry.remaining < entry.grant.uses) entry.remaining += 1;
  }
}
