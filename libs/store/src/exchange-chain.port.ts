/**
 * The chains of token exchanges (RFC 8693), so that revoking a token or a grant revokes every
 * token exchanged from it, down the whole chain. Each exchange has a grant of its own, derived
 * from its subject token (exchange-grant.ts in libs/projection), chained under the subject
 * token's grant when it had one. Per grant, this store keeps which clients hold tokens of it
 * (revocation entries are kept per client: `RedisKeys.revokedGrant`), which exchange grants
 * hang under it, and whether it was revoked. Every method is one atomic step on one key, so a
 * revocation and an exchange racing on the same grant always meet: either the revocation sees
 * the new holder or child, or the exchange sees the revocation.
 *
 * Derived state, written by the projection only (token.issued v6, token.revoked, grant.revoked).
 * Each entry lives as long as the last token it knows of, or its revocation.
 */
export interface ExchangeChainStore {
  /**
   * Records that `clientId` holds tokens of exchange grant `grantId` until `expiresAt` (ms).
   * Answers until when (ms) the grant is revoked, or null when it is not.
   */
  hold(grantId: string, clientId: string, expiresAt: number): Promise<number | null>;
  /**
   * Records exchange grant `child` under grant `parent` until `expiresAt` (ms). Answers until
   * when (ms) `parent` is revoked, or null when it is not.
   */
  link(parent: string, child: string, expiresAt: number): Promise<number | null>;
  /**
   * Marks `grantId` revoked until at least `expiresAt` (ms), never shortening what is kept,
   * and answers what hangs on it and until when the revocation must be kept (the later of
   * `expiresAt` and the last token it knows of).
   */
  revoke(grantId: string, expiresAt: number): Promise<ExchangeChainNode>;
  /**
   * As `revoke`, for a grant the store knows (something was exchanged from it); null, and
   * nothing recorded, for one it does not. For token revocations: there are many, and the
   * exchange grants they name mostly never exist, so none gets an entry of its own. The race
   * with an exchange applied after the revocation is closed on the exchange's side instead (the
   * projection checks its subject token's revocation then).
   */
  revokeKnown(grantId: string, expiresAt: number): Promise<ExchangeChainNode | null>;
  /**
   * Until when (ms) `grantId` is revoked, or null when it is not (or no longer known): the
   * exchange refuses a subject token whose exchange grant is, for every client alike.
   */
  revokedUntil(grantId: string): Promise<number | null>;
  /**
   * Records that exchange grant `grantId` was exchanged at `exchangedAt` (ms) from a token of
   * `subjectClientId`, and lives until `expiresAt` (ms): revoking every token of that client
   * (`client.tokens_revoked`) finds it with `exchangedFrom`. Recorded again, it is kept as
   * long as its latest deadline.
   */
  noteExchangedFrom(
    subjectClientId: string,
    grantId: string,
    exchangedAt: number,
    expiresAt: number,
  ): Promise<void>;
  /**
   * The live exchange grants exchanged, at or before `upTo` (ms), from tokens of `clientId`,
   * each once. An exchange at or before a client's cut-off had a subject token issued before it,
   * so that token is covered by the cut-off; one after it is not, whatever the order in which
   * the events are applied.
   */
  exchangedFrom(clientId: string, upTo: number): Promise<string[]>;
}

export interface ExchangeChainNode {
  /** Clients holding tokens of the grant through an exchange. */
  readonly holders: readonly string[];
  /** Exchange grants chained under it. */
  readonly children: readonly string[];
  /** ms: until when its tokens and its children's may live. */
  readonly expiresAt: number;
}

export const EXCHANGE_CHAIN_STORE = Symbol('ExchangeChainStore');
