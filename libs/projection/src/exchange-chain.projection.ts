import { ExchangeChainStore, RevocationStore } from '@app/store';
import { exchangeGrantId } from './exchange-grant';
import { IssuedToken } from './token-issued.codec';

/**
 * Revocation down the chains of token exchanges (RFC 8693), as part of the one projection:
 * revoking a token or a grant revokes every token exchanged from it, at any depth, through the
 * same revocation entries and stream as any revocation (so introspection and the replicas'
 * mirrors feel it at once). Both directions are idempotent and commute: an exchange applied
 * after the revocation of what it hangs on (a race, or a replay in another partition's order)
 * finds the revocation in the chain store and is revoked then.
 */
export class ExchangeChainProjection {
  constructor(
    private readonly chains: ExchangeChainStore,
    private readonly revocations: RevocationStore,
  ) {}

  /** `token.issued` v6: the client holds a token of the exchange grant, chained under its parent. */
  async exchanged(t: IssuedToken): Promise<void> {
    if (t.exchange === undefined || t.grantId === undefined) return;
    const expiresAt = t.exp * 1000;
    const revokedUntil = await this.chains.hold(t.grantId, t.clientId, expiresAt);
    if (revokedUntil !== null)
      await this.revokeFor(t.clientId, t.grantId, Math.max(revokedUntil, expiresAt));
    const parent = t.exchange.subjectGrantId;
    if (parent === undefined) return;
    const parentRevokedUntil = await this.chains.link(parent, t.grantId, expiresAt);
    if (parentRevokedUntil !== null)
      await this.revokeGrant(t.grantId, Math.max(parentRevokedUntil, expiresAt));
  }

  /** `token.revoked`: the tokens exchanged from it (its exchange grant), and theirs. */
  tokenRevoked(clientId: string, jti: string, expiresAt: number): Promise<void> {
    return this.revokeGrant(exchangeGrantId(clientId, jti), expiresAt);
  }

  /**
   * `grant.revoked` (a user's grant, or an exchange grant), and every exchange grant chained
   * under it. Breadth first, each grant once: a chain is a tree, but a replayed log must never
   * loop.
   */
  async revokeGrant(grantId: string, expiresAt: number): Promise<void> {
    const seen = new Set<string>();
    let level: { grantId: string; expiresAt: number }[] = [{ grantId, expiresAt }];
    while (level.length > 0) {
      const next: typeof level = [];
      for (const g of level) {
        if (seen.has(g.grantId)) continue;
        seen.add(g.grantId);
        const node = await this.chains.revoke(g.grantId, g.expiresAt);
        for (const holder of node.holders) await this.revokeFor(holder, g.grantId, node.expiresAt);
        for (const child of node.children) next.push({ grantId: child, expiresAt: node.expiresAt });
      }
      level = next;
    }
  }

  /** Revocation entries are kept per client (the grant's key is in the client's slot). */
  private async revokeFor(clientId: string, grantId: string, expiresAt: number): Promise<void> {
    await this.revocations.revoke({ kind: 'grant', clientId, grantId, expiresAt });
  }
}
