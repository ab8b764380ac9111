import type { AccessTokenClaims } from '@app/tokens';
import { TokenStore } from '../store.ports';
import { ExpiringMap } from './expiring-map';

export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new ExpiringMap<AccessTokenClaims>();

  async save(digest: string, claims: AccessTokenClaims): Promise<void> {
    this.tokens.set(digest, { ...claims }, claims.exp * 1000);
  }

  async find(digest: string): Promise<AccessTokenClaims | null> {
    const found = this.tokens.get(digest);
    return found ? { ...found } : null;
  }
}
