import { createHash } from 'node:crypto';
import type { Revocation } from './store.ports';

/**
 * Every Redis key the platform uses, built here and nowhere else.
 * Hash tags: all revocation keys of one client share the `{clientId}` slot so that a token's
 * three revocation checks are one MGET even on Redis Cluster. The slot rule: every command,
 * script and pipeline touches keys of one slot only (Redis Cluster refuses CROSSSLOT otherwise);
 * test:ha runs the store contracts against a real cluster to hold every adapter to it.
 */
const PREFIX = 'tl';
const revocationStream = `${PREFIX}:revocations`;

export const RedisKeys = {
  /** Opaque access token record. Writer: issuance, projector. Reader: introspection. */
  opaqueToken: (digest: string) => `${PREFIX}:tok:{${digest}}`,
  /** One revoked token. Writer: revocation, projector. Reader: introspection. */
  revokedToken: (clientId: string, jti: string) => `${PREFIX}:rev:{${clientId}}:jti:${jti}`,
  /** Every token of one grant. Writer: revocation, projector. Reader: introspection. */
  revokedGrant: (clientId: string, grantId: string) =>
    `${PREFIX}:rev:{${clientId}}:grant:${grantId}`,
  /** Every token of a client issued up to the stored instant. Writer/reader as above. */
  revokedClient: (clientId: string) => `${PREFIX}:rev:{${clientId}}:client`,
  /**
   * Every token of a subject (any client) issued up to the stored instant. Writer: revocation
   * (admin), projector. Reader: introspection. A subject may be an e-mail address: digested,
   * never in a key; alone in its slot (a second read beside the client's MGET).
   */
  revokedSubject: (subject: string) => `${PREFIX}:rev:subject:{${digest(subject)}}`,
  /** Seen client-assertion `jti`s. Writer and reader: client authentication. */
  assertionJti: (clientId: string, jti: string) => `${PREFIX}:jti:{${clientId}}:${jti}`,
  /**
   * Seen `jti`s of trusted external issuers' tokens (federated credentials, JWT-bearer grants),
   * by issuer: one token is spent once, whichever client or grant presents it. Writer and
   * reader: client authentication and the JWT-bearer grant. Digested: both parts are external.
   */
  federatedJti: (issuer: string, jti: string) => `${PREFIX}:fjti:{${digest(`${issuer} ${jti}`)}}`,
  /**
   * Seen DPoP proofs (RFC 9449 §11.1), by the thumbprint of their key and their `jti`. Writer and
   * reader: DPoP proof checks (token endpoint, resource servers). The `jti` is whatever the client
   * chose: digested with the thumbprint, so a key's length never depends on it.
   */
  dpopProof: (jkt: string, jti: string) => `${PREFIX}:dpop:{${digest(`${jkt}:${jti}`)}}`,
  /**
   * A registration access token spent by a change of its client (RFC 7592 §2.2, §2.3), by the
   * token's digest: one PUT or DELETE per token across replicas. Writer and reader: the client
   * configuration endpoint.
   */
  registrationTokenSpent: (clientId: string, tokenDigest: string) =>
    `${PREFIX}:rat:{${clientId}}:${tokenDigest}`,
  /**
   * Present once the projector has built this store from the log. Writer/reader: projector;
   * reader: the revocation feed. Hash-tagged with the stream's whole name: on a Redis Cluster
   * the feed's EXISTS and XREAD go to the same node in one write and are answered in order.
   */
  projectionMarker: () => `${PREFIX}:projection:{${revocationStream}}`,
  /**
   * Runtime signing keys (a hash: kid -> public facts and the private JWK sealed under KEYS_KEK).
   * Writer: the admin API (rotate), any replica (deletes a key once removed). Readers: every
   * replica (its key ring). One key: the whole ring is one HGETALL, on a cluster too.
   */
  signingKeys: () => `${PREFIX}:signing-keys`,
  /**
   * The announcement of one step of a runtime key: `lease` while a replica publishes it, then
   * `done`. Writer and reader: whichever replica reaches the step first. Alone in its slot.
   */
  signingKeyStep: (kid: string, step: string) =>
    `${PREFIX}:signing-key-step:{${digest(kid)}}:${step}`,
  /** A signing key already announced on the stream. Writer and reader: issuance. */
  announcedKey: (kid: string) => `${PREFIX}:key:{${kid}}`,
  /**
   * Stream of revocations that replicas follow. Writer: revocation. Readers: every replica. One
   * stream, in one slot, on a Redis Cluster too (docs/architecture.md, "Redis Cluster").
   */
  revocationStream: () => revocationStream,
  /**
   * Set in the same script as a revocation's stream entry, and for as long as the revocation
   * lasts: the request path and the projector applying the same event at once stream it once.
   * Writer and reader: revocation, projector. In the stream's slot (its whole name as the tag).
   */
  streamedRevocation: (r: Revocation) =>
    `${PREFIX}:streamed:{${revocationStream}}:${digest(JSON.stringify(r))}`,
  /**
   * Failed client authentications naming a client id, in the current window. Writer and reader:
   * client authentication (every endpoint). The id is whatever the caller sent, known or not,
   * so it is digested: a key's length never depends on attacker input.
   */
  authFailuresByClient: (clientId: string) => `${PREFIX}:authfail:client:{${digest(clientId)}}`,
  /** Failed client authentications from one source address. Writer/reader as above. */
  authFailuresByAddress: (address: string) => `${PREFIX}:authfail:addr:{${address}}`,
  /**
   * Requests of one authenticated client to one endpoint in the current window (RATE_LIMIT_*).
   * Writer and reader: the request rate gate of every service. Client ids of registered clients
   * only, digested all the same so the key's length is fixed.
   */
  requestsByClient: (endpoint: string, clientId: string) =>
    `${PREFIX}:rate:${endpoint}:client:{${digest(clientId)}}`,
  /** Requests from one source address to one endpoint in the current window. As above. */
  requestsByAddress: (endpoint: string, address: string) =>
    `${PREFIX}:rate:${endpoint}:addr:{${address}}`,
  /**
   * Failed sign-ins naming a username at the reference login app, in the current window. Writer
   * and reader: the login app. Usernames are whatever the form sent: digested, never in a key.
   */
  loginFailuresByUsername: (username: string) => `${PREFIX}:loginfail:{${digest(username)}}`,
  // Flow state (issue 10). Ids that arrive from browsers or the login app are digested: a key's
  // length never depends on what a caller sent. Each key is alone in its slot: every atomic step
  // (GETDEL, one-key scripts) touches one key, so nothing needs a shared hash tag.
  /** Request stored by PAR under its request_uri. Writer: PAR. Reader (takes it): authorize. */
  pushedRequest: (id: string) => `${PREFIX}:par:{${digest(id)}}`,
  /** Authorization request awaiting login and consent. Writer and readers: authorization. */
  pendingRequest: (id: string) => `${PREFIX}:authz:{${digest(id)}}`,
  /**
   * Login or consent challenge (a hash: challenge, answer, verifier digest). Writer:
   * authorization (create, consume). Readers: the login/consent API (find, answer).
   */
  challenge: (kind: 'login' | 'consent', id: string) => `${PREFIX}:${kind}:{${digest(id)}}`,
  /** Browser session by the digest of its cookie. Writer and reader: authorization. */
  browserSession: (cookieDigest: string) => `${PREFIX}:session:{${cookieDigest}}`,
  /**
   * Authorization code by its digest (a hash: client, grant, bound data until redeemed).
   * Writer: authorization. Reader (redeems it): issuance, grant authorization_code.
   */
  authorizationCode: (codeDigest: string) => `${PREFIX}:code:{${codeDigest}}`,
  /** Grant record. Writer: authorization (consent). Readers: issuance, revocation. */
  grant: (grantId: string) => `${PREFIX}:grant:{${grantId}}`,
  /**
   * The live grants of a subject (sorted set: grant id scored by its deadline). Writer: as the
   * grant. Readers: authorization (remembered consent), revocation by user. Subjects may be
   * e-mail addresses: digested, never in a key.
   */
  grantsOfSubject: (subject: string) => `${PREFIX}:grants:{${digest(subject)}}`,
  /**
   * Refresh token by its digest: the grant id of its family, written once, living until the
   * family's absolute deadline. Writer: issuance (issue, rotate), projector. Readers: issuance,
   * introspection, revocation.
   */
  refreshToken: (tokenDigest: string) => `${PREFIX}:rt:{${tokenDigest}}`,
  /**
   * Refresh-token family of a grant (a hash: record, live token, deadlines, recent retirements,
   * revoked). Every atomic step is one script on this one key. Writers/readers as above.
   */
  refreshFamily: (grantId: string) => `${PREFIX}:rtf:{${grantId}}`,
  /**
   * Token-exchange chain of a grant (a hash: clients holding its exchanged tokens, exchange
   * grants chained under it, revoked-until). Writer and reader: the projection (issuance,
   * revocation, projector); reader: the token exchange (issuance), whether an external subject
   * token's grant is revoked. Alone in the grant's slot; each script touches this one key.
   */
  exchangeChain: (grantId: string) => `${PREFIX}:xchain:{${grantId}}`,
  /**
   * The exchange grants made from tokens of one client, so that revoking every token of that
   * client reaches what was exchanged from them: two sorted sets of grant ids under this prefix
   * (`:deadline`, scored by each grant's last deadline; `:first`, by its first exchange), in the
   * client's slot. Writer and reader: the projection.
   */
  exchangedFromClient: (clientId: string) => `${PREFIX}:xfrom:{${clientId}}`,
  /**
   * Initial access token (RFC 7591 §3) by its SHA-256 digest (a hash: grant, remaining uses),
   * living until the token's deadline. Writer: the admin API. Reader (spends a use): dynamic
   * client registration.
   */
  initialAccessToken: (tokenDigest: string) => `${PREFIX}:iat:{${tokenDigest}}`,
} as const;

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The key under which a revocation is kept. */
export function revocationKey(r: Revocation): string {
  switch (r.kind) {
    case 'token':
      return RedisKeys.revokedToken(r.clientId, r.jti);
    case 'grant':
      return RedisKeys.revokedGrant(r.clientId, r.grantId);
    case 'client':
      return RedisKeys.revokedClient(r.clientId);
    case 'subject':
      return RedisKeys.revokedSubject(r.subject);
  }
}
