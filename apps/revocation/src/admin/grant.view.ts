import type { GrantRecord } from '@app/store';

/** A grant as the admin API shows it: what a "connected apps" page lists. No user claims. */
export interface GrantView {
  readonly grant_id: string;
  readonly client_id: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  /** Seconds since the epoch. */
  readonly created_at: number;
  /** Seconds since the epoch: the last token the grant produced (its creation, a refresh). */
  readonly last_used_at: number;
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function grantView(g: GrantRecord): GrantView {
  return {
    grant_id: g.grantId,
    client_id: g.clientId,
    scopes: g.scopes,
    resources: g.resources,
    created_at: seconds(g.createdAt),
    last_used_at: seconds(g.lastUsedAt ?? g.createdAt),
  };
}
