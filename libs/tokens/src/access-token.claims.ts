import type { ActClaim } from './act.claim';
import type { Confirmation } from './confirmation';

/** What an access token asserts, whatever its format (RFC 9068 §2.2 names). */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string;
  readonly clientId: string;
  readonly scope: string;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  /** The grant the token came from; absent for client_credentials. */
  readonly grantId?: string;
  /**
   * RFC 9068 §2.2.1: when the end-user authenticated (seconds), how (`acr`) and with which
   * methods (`amr`). Only tokens of a user's grant carry them; never client_credentials.
   */
  readonly authTime?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** RFC 7800 / RFC 9449 §6 / RFC 8705 §3.1: the key or certificate the token is bound to. */
  readonly cnf?: Confirmation;
  /** RFC 8693 §4.1: who acts on behalf of `sub` (a delegated token from a token exchange). */
  readonly act?: ActClaim;
  /**
   * RFC 8693 §4.4: who may become the actor in an exchange of this token. This issuer's minter
   * writes none today; a token that carries one (an external issuer's, or ours once a grant
   * writes it) has it honoured by the token exchange.
   */
  readonly mayAct?: ActClaim;
  /**
   * JWT-bearer grant (RFC 7523 §2.1): the trusted external issuer whose assertion about the
   * user (`sub`) the token was issued for.
   */
  readonly idp?: string;
}
