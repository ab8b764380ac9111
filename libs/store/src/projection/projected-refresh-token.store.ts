import {
  RefreshDeadlines,
  RefreshRotation,
  RefreshTokenRecord,
  RefreshTokenState,
  RefreshTokenStore,
} from '../refresh-token.port';
import { ProjectionGate } from './projection.gate';

/**
 * Refresh-token families as derived state (the projector rebuilds them from `token.issued`
 * kind refresh_token): "unknown" is an answer only from a complete projection. Otherwise
 * StoreUnavailable, a 503 the client retries, never an `invalid_grant` that would sign it out
 * for a token whose family is still on its way from the log. An unknown rotation changes
 * nothing, so refusing to believe it is safe.
 */
export class ProjectedRefreshTokenStore implements RefreshTokenStore {
  constructor(
    private readonly inner: RefreshTokenStore,
    private readonly gate: ProjectionGate,
  ) {}

  issue(
    record: RefreshTokenRecord,
    digest: string,
    deadlines: RefreshDeadlines,
    now: number,
  ): Promise<boolean> {
    return this.inner.issue(record, digest, deadlines, now);
  }

  rotate(
    presentedDigest: string,
    next: { readonly digest: string; readonly idleExpiresAt: number },
    now: number,
    graceMs: number,
  ): Promise<RefreshRotation> {
    return this.gate.read(
      () => this.inner.rotate(presentedDigest, next, now, graceMs),
      (r) => r.outcome !== 'unknown',
    );
  }

  undoRotation(grantId: string, nextDigest: string): Promise<boolean> {
    return this.inner.undoRotation(grantId, nextDigest);
  }

  revokeFamily(grantId: string, keepUntil: number): Promise<void> {
    return this.inner.revokeFamily(grantId, keepUntil);
  }

  find(digest: string, now: number): Promise<RefreshTokenState | null> {
    return this.gate.read(
      () => this.inner.find(digest, now),
      (s) => s !== null,
    );
  }
}
