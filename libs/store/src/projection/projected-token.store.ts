import type { AccessTokenClaims } from '@app/tokens';
import { TokenStore } from '../store.ports';
import { ProjectionGate } from './projection.gate';

const found = (claims: AccessTokenClaims | null) => claims !== null;

/**
 * Opaque token records as derived state: "no such token" is an answer only from a complete
 * projection (otherwise StoreUnavailable: introspection and revocation answer 503, never
 * `active: false` or an empty 200 for a token whose record is still on its way from the log).
 */
export class ProjectedTokenStore implements TokenStore {
  constructor(
    private readonly inner: TokenStore,
    private readonly gate: ProjectionGate,
  ) {}

  save(digest: string, claims: AccessTokenClaims): Promise<void> {
    return this.inner.save(digest, claims);
  }

  find(digest: string): Promise<AccessTokenClaims | null> {
    return this.gate.read(() => this.inner.find(digest), found);
  }
}
