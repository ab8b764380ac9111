import { mergeRevocations, revocationCovers } from '../revocation.matcher';
import { Revocation, RevocationStore, RevocationSubject } from '../store.ports';
import { ExpiringMap } from './expiring-map';
import { RedisKeys, revocationKey } from '../keys';

/** Keyed exactly like the Redis adapter, so both answer the same three lookups. */
export class MemoryRevocationStore implements RevocationStore {
  private readonly entries = new ExpiringMap<Revocation>();

  async revoke(r: Revocation): Promise<void> {
    const key = revocationKey(r);
    const merged = mergeRevocations(this.entries.get(key), r);
    this.entries.set(key, merged, merged.expiresAt);
  }

  async isRevoked(t: RevocationSubject): Promise<boolean> {
    const candidates = [
      this.entries.get(RedisKeys.revokedToken(t.clientId, t.jti)),
      t.grantId === undefined
        ? undefined
        : this.entries.get(RedisKeys.revokedGrant(t.clientId, t.grantId)),
      this.entries.get(RedisKeys.revokedClient(t.clientId)),
    ];
    return candidates.some((r) => r !== undefined && revocationCovers(r, t));
  }
}
