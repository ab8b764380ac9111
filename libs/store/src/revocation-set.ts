import { RedisKeys, revocationKey } from './keys';
import { ExpiringMap } from './memory/expiring-map';
import { mergeRevocations, revocationCovers, widens } from './revocation.matcher';
import { Revocation, RevocationSubject } from './store.ports';

/**
 * Live revocations held in memory, keyed exactly like Redis: the in-memory store and every
 * replica's mirror. An entry leaves when the last token it covers has expired.
 */
export class RevocationSet {
  private readonly entries = new ExpiringMap<Revocation>();
  /** Until when (ms) some subject revocation may be held: before, no token's sub is digested. */
  private subjectsUntil = 0;

  /** Merges `r` in; true when that changed what is held (a live entry, wider than before). */
  add(r: Revocation): boolean {
    if (r.expiresAt <= Date.now()) return false;
    const key = revocationKey(r);
    const existing = this.entries.get(key);
    if (!widens(existing, r)) return false;
    const merged = mergeRevocations(existing, r);
    this.entries.set(key, merged, merged.expiresAt);
    if (merged.kind === 'subject')
      this.subjectsUntil = Math.max(this.subjectsUntil, merged.expiresAt);
    return true;
  }

  covers(t: RevocationSubject): boolean {
    const byToken = this.entries.get(RedisKeys.revokedToken(t.clientId, t.jti));
    const byGrant =
      t.grantId === undefined
        ? undefined
        : this.entries.get(RedisKeys.revokedGrant(t.clientId, t.grantId));
    const byClient = this.entries.get(RedisKeys.revokedClient(t.clientId));
    const bySubject =
      t.sub === undefined || this.subjectsUntil <= Date.now() ? undefined : this.bySubject(t.sub);
    return [byToken, byGrant, byClient, bySubject].some(
      (r) => r !== undefined && revocationCovers(r, t),
    );
  }

  /** Its key is a digest (SHA-256): computed only while some subject revocation is held. */
  private bySubject(sub: string): Revocation | undefined {
    return this.entries.get(RedisKeys.revokedSubject(sub));
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.close();
  }
}
