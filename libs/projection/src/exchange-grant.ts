import { createHash } from 'node:crypto';

/**
 * The grant of the tokens exchanged from one subject token (RFC 8693): derived from the client
 * the subject token was issued to and its `jti`, so that revoking that token (`token.revoked`
 * names both) finds the grant without a lookup, and every exchange of the same token shares it.
 * The `xg_` prefix keeps it apart from grants the sign-in flow creates. An exchange does not
 * join the subject token's own grant: then revoking the subject token alone could not reach
 * the tokens exchanged from it without revoking the whole grant (its refresh tokens too).
 * Instead the exchange grant is chained under the subject token's grant (ExchangeChainStore),
 * so revoking that grant reaches it as well.
 */
export function exchangeGrantId(subjectClientId: string, subjectJti: string): string {
  const digest = createHash('sha256').update(`${subjectClientId}\n${subjectJti}`);
  return `${EXCHANGE_GRANT_PREFIX}${digest.digest('base64url')}`;
}

const EXCHANGE_GRANT_PREFIX = 'xg_';

/**
 * Whether a grant id is an exchange grant: one every exchange of a subject token shares, by
 * whichever client, so it says nothing about who holds the tokens of it.
 */
export const isExchangeGrantId = (grantId: string): boolean =>
  grantId.startsWith(EXCHANGE_GRANT_PREFIX);
