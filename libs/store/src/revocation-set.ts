import { RedisKeys, revocationKey } from './keys';
import { ExpiringMap } from './memory/expiring-map';
import { mergeRevocations, revocationCovers } from './revocation.matcher';
import { Revocation, RevocationSubject } from './store.ports';

/**
 * Live revocations held in memory, keyed exactly like Redis: the in-memory store and every
 * replica's mirror. An entry leaves when the last token it covers has expired.
 */
export class RevocationSet {
  private readonly entries = new ExpiringMap<Revocation>();
  /** Until when (ms) some subject revocation may be held: before, no token's sub is digested. */
  private subjectsUntil = 0;

  add(r: Revocation): void {
    const key = revocationKey(r);
    const merged = mergeRevocations(this.entries.get(key), r);
    this.entries.set(key, merged, merged.expiresAt);
    if (merged.kind === 'subject')
      this.subjectsUntil = Math.max(this.subjectsUntil, merged.expiresAt);
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
