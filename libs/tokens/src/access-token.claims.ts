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
}
