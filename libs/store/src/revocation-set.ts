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

  add(r: Revocation): void {
    const key = revocationKey(r);
    const merged = mergeRevocations(this.entries.get(key), r);
    this.entries.set(key, merged, merged.expiresAt);
  }

  covers(t: RevocationSubject): boolean {
    const byToken = this.entries.get(RedisKeys.revokedToken(t.clientId, t.jti));
    const byGrant =
      t.grantId === undefined
        ? undefined
        : this.entries.get(RedisKeys.revokedGrant(t.clientId, t.grantId));
    const byClient = this.entries.get(RedisKeys.revokedClient(t.clientId));
    return [byToken, byGrant, byClient].some((r) => r !== undefined && revocationCovers(r, t));
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.entries.close();
  }
}
