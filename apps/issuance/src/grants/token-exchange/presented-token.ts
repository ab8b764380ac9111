import { ClientConfig } from '@app/config';
import { UserAuthentication } from '@app/projection';
import { ActClaim } from '@app/tokens';

/**
 * A subject or actor token the exchange accepted (RFC 8693 §2.1), as the grant reasons about it:
 * what it asserts and how it is known, never the token itself.
 */
export interface PresentedToken {
  readonly sub: string;
  /**
   * Who the token was issued to: one of our clients for our own tokens; for a trusted external
   * issuer's token, that issuer. The exchange grant is derived from it and `jti`
   * (exchangeGrantId), and an actor token must be the exchanging client's own.
   */
  readonly clientId: string;
  /**
   * The resource the token was issued for (its `aud`); absent for an external issuer's token,
   * which has no audience of ours to default to or narrow within.
   */
  readonly aud?: string;
  readonly scopes: readonly string[];
  /** Our token's `jti`; an external token's `jti`, or its digest when it has none. */
  readonly jti: string;
  /** base64url SHA-256 of an opaque token, or of an external JWT (what the event records of it). */
  readonly digest?: string;
  /** Set for a trusted external issuer's token: its `iss`. */
  readonly issuer?: string;
  /** RFC 7523 `idp` as the exchanged token carries it: the external issuer `sub` is known at. */
  readonly idp?: string;
  /** Seconds: no token exchanged from it outlives it. */
  readonly exp: number;
  /** Its grant, under which the exchange's own grant is chained. */
  readonly grantId?: string;
  /** RFC 8693 §4.1: the actors already in the token. */
  readonly act?: ActClaim;
  /** RFC 8693 §4.4: who may act for its subject. */
  readonly mayAct?: ActClaim;
  /** How the subject authenticated (RFC 9068 §2.2.1): carried into the exchanged token. */
  readonly authentication?: UserAuthentication;
}

/**
 * Reads one kind of token presented as `subject_token` or `actor_token`. The exchange asks each
 * reader that accepts the request's token type, in order. This issuer's own access tokens are
 * one reader (OwnAccessTokenReader); a trusted external issuer's JWTs are read by another
 * (FederatedSubjectTokenReader), each deciding by the token's `iss` whether it is its own.
 */
export interface SubjectTokenReader {
  /** Whether it reads tokens of this RFC 8693 §3 type. */
  accepts(tokenType: string): boolean;
  /**
   * The token, when it is one of this reader's, good (signature, lifetime, not revoked) and may
   * be presented by `client`; null otherwise (RFC 8693 §2.2.2: the exchange refuses it). Throws
   * StoreUnavailable when its revocation state cannot be checked: never exchanged unchecked.
   */
  read(token: string, tokenType: string, client: ClientConfig): Promise<PresentedToken | null>;
}

export const SUBJECT_TOKEN_READERS = Symbol('SubjectTokenReaders');
