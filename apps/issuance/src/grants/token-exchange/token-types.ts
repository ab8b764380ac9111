/** RFC 8693 §3 token type identifiers. */
export const TOKEN_TYPES = {
  accessToken: 'urn:ietf:params:oauth:token-type:access_token',
  refreshToken: 'urn:ietf:params:oauth:token-type:refresh_token',
  idToken: 'urn:ietf:params:oauth:token-type:id_token',
  jwt: 'urn:ietf:params:oauth:token-type:jwt',
} as const;

/** What a token exchange may issue: an access token, or one stated to be a JWT. */
export type IssuedTokenType = typeof TOKEN_TYPES.accessToken | typeof TOKEN_TYPES.jwt;
