import {
  ExchangeChainNode,
  ExchangeChainStore,
  ProjectedRevocationStore,
  RevocationStore,
} from '@app/store';
import { exchangeGrantId } from './exchange-grant';
import { IssuedToken } from './token-issued.codec';

/**
 * Passed as a revocation's deadline: the exchange grant is revoked for as long as the tokens the
 * chain store knows of it live (the store never keeps a revocation shorter than those). The
 * events that revoke a grant as a side effect (a subject token's or a client's revocation) carry
 * deadlines of their own; taking one of them in one order of the log and the grant's own in the
 * other would leave a replay (a rebuilt Redis) with other entries than the live projection.
 */
const OWN_DEADLINE = 0;

/**
 * Revocation down the chains of token exchanges (RFC 8693), as part of the one projection:
 * revoking a token or a grant revokes every token exchanged from it, at any depth, through the
 * same revocation entries and stream as any revocation (so introspection and the replicas'
 * mirrors feel it at once). Both directions are idempotent and commute: an exchange applied
 * after the revocation of what it hangs on (a race, or a replay in another partition's order)
 * finds the revocation in the chain store and is revoked then.
 */
export class ExchangeChainProjection {
  /** The revocations applied so far, read without the projection gate (see exchanged()). */
  private readonly appliedRevocations: RevocationStore;

  constructor(
    private readonly chains: ExchangeChainStore,
    private readonly revocations: RevocationStore,
  ) {
    this.appliedRevocations =
      revocations instanceof ProjectedRevocationStore ? revocations.unguarded : revocations;
  }

  /**
   * `token.issued` v6: the client holds a token of the exchange grant, chained under its parent
   * and listed under the subject token's client (clientRevoked).
   */
  async exchanged(t: IssuedToken): Promise<void> {
    if (t.exchange === undefined || t.grantId === undefined) return;
    const expiresAt = t.exp * 1000;
    // Listed before the subject token's revocation is read below: a client's revocation and
    // this exchange, applied at the same time, meet in one or the other (clientRevoked).
    const [revokedUntil] = await Promise.all([
      this.chains.hold(t.grantId, t.clientId, expiresAt),
      this.chains.noteExchangedFrom(t.exchange.subjectClientId, t.grantId, t.iat * 1000, expiresAt),
    ]);
    if (revokedUntil !== null)
      await this.revokeFor(t.clientId, t.grantId, Math.max(revokedUntil, expiresAt));
    const parent = t.exchange.subjectGrantId;
    const parentRevokedUntil =
      parent === undefined ? null : await this.chains.link(parent, t.grantId, expiresAt);
    if (parentRevokedUntil !== null)
      return this.revokeGrant(t.grantId, Math.max(parentRevokedUntil, expiresAt));
    // A subject token revoked before this exchange was applied (a race, or a replay): its
    // revocation left no chain entry (tokenRevoked), but its revocation entry tells. The new
    // token was issued after the subject token (`iat`). A revocation of the whole subject is
    // not asked: the new token keeps the subject token's `sub`, so the same cut-off covers it
    // directly, and subject.tokens_revoked writes no chain entry when applied after it either.
    const { subjectClientId, subjectJti, subjectGrantId } = t.exchange;
    // Read without the projection gate: during a replay (no marker yet) what has been applied
    // so far is exactly what decides, and the gate would refuse a "not revoked".
    const subjectRevoked = await this.appliedRevocations.isRevoked({
      clientId: subjectClientId,
      jti: subjectJti,
      ...(subjectGrantId === undefined ? {} : { grantId: subjectGrantId }),
      iat: t.iat,
    });
    if (subjectRevoked) await this.revokeGrant(t.grantId, OWN_DEADLINE);
  }

  /**
   * `token.revoked`: the tokens exchanged from it (its exchange grant), and theirs, when any
   * was: most revoked tokens were never exchanged, and get no chain entry (revokeKnown). The
   * grant is revoked for as long as its own tokens live, as when the exchange is applied after
   * the revocation (exchanged()), not for as long as the revoked token would have.
   */
  async tokenRevoked(clientId: string, jti: string): Promise<void> {
    const grantId = exchangeGrantId(clientId, jti);
    const node = await this.chains.revokeKnown(grantId, OWN_DEADLINE);
    if (node !== null) await this.revokeFrom(grantId, node);
  }

  /**
   * `client.tokens_revoked`: what was exchanged from the client's tokens, and from theirs. The
   * cut-off covers the client's own tokens issued up to `revokedAt` (ms); an exchange made up to
   * then had its subject token issued before it, so the exchange grant of that token is revoked
   * (the client's tokens are not grants: nothing else would reach it). An exchange recorded
   * after the cut-off was applied finds it when it is applied itself (exchanged()). Each grant
   * is revoked for as long as its own tokens live, as it is there, not for as long as the
   * client's: a log replayed in another order leaves the same entries.
   */
  async clientRevoked(clientId: string, revokedAt: number): Promise<void> {
    for (const grantId of await this.chains.exchangedFrom(clientId, revokedAt))
      await this.revokeGrant(grantId, OWN_DEADLINE);
  }

  /**
   * `grant.revoked` (a user's grant, or an exchange grant), and every exchange grant chained
   * under it. Breadth first, each grant once: a chain is a tree, but a replayed log must never
   * loop.
   */
  async revokeGrant(grantId: string, expiresAt: number): Promise<void> {
    await this.revokeFrom(grantId, await this.chains.revoke(grantId, expiresAt));
  }

  /** From a grant just revoked in the chain store: its holders, and every grant under it. */
  private async revokeFrom(grantId: string, first: ExchangeChainNode): Promise<void> {
    const seen = new Set<string>([grantId]);
    let level: { grantId: string; node: ExchangeChainNode }[] = [{ grantId, node: first }];
    while (level.length > 0) {
      const next: typeof level = [];
      for (const { grantId: g, node } of level) {
        for (const holder of node.holders) await this.revokeFor(holder, g, node.expiresAt);
        for (const child of node.children) {
          if (seen.has(child)) continue;
          seen.add(child);
          next.push({ grantId: child, node: await this.chains.revoke(child, node.expiresAt) });
        }
      }
      level = next;
    }
  }

  /** Revocation entries are kept per client (the grant's key is in the client's slot). */
  private async revokeFor(clientId: string, grantId: string, expiresAt: number): Promise<void> {
    await this.revocations.revoke({ kind: 'grant', clientId, grantId, expiresAt });
  }
}
