// One sentence of what the RFC says happens at each step, and where.
export const RFC = {
  authorize: {
    text: 'The client sends the browser to the authorization endpoint with a PKCE challenge; the server authenticates the user, asks for consent and redirects back with a one-time code.',
    link: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1',
    cite: 'RFC 6749 §4.1.1, RFC 7636 §4.3',
  },
  code: {
    text: 'The client redeems the code with the PKCE verifier; the server checks that it hashes to the challenge, so only the party that started the flow can redeem it.',
    link: 'https://www.rfc-editor.org/rfc/rfc7636#section-4.5',
    cite: 'RFC 6749 §4.1.3, RFC 7636 §4.5',
  },
  refresh: {
    text: 'The client trades its refresh token for new tokens; a public client gets a new refresh token each time and the old one is retired (rotation).',
    link: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2',
    cite: 'RFC 6749 §6, RFC 9700 §4.14.2',
  },
  replay: {
    text: 'A retired refresh token presented again means it was stolen or copied: the server revokes the whole grant, every token it produced, and answers invalid_grant.',
    link: 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2',
    cite: 'RFC 9700 §4.14.2',
  },
  revoke: {
    text: 'The client tells the server it no longer needs a token; revoking a refresh token also invalidates the access tokens of its grant, and the server answers 200 even for an unknown token.',
    link: 'https://www.rfc-editor.org/rfc/rfc7009#section-2.1',
    cite: 'RFC 7009 §2.1-2.2',
  },
  introspect: {
    text: 'A protected resource asks whether a token is active and what it allows; anything not provably good is exactly {"active": false}.',
    link: 'https://www.rfc-editor.org/rfc/rfc7662#section-2.1',
    cite: 'RFC 7662 §2.1-2.2',
  },
  clientCredentials: {
    text: 'A confidential client authenticates as itself (HTTP Basic with its secret, or a JWT signed with its private key) and gets an access token for its own account, with no user involved.',
    link: 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4',
    cite: 'RFC 6749 §4.4, §2.3.1',
  },
  privateKeyJwt: {
    text: 'The client proves who it is with a JWT it signed in this browser with its private key: iss and sub its id, aud the issuer, a single-use jti, exp a minute away; the server checks it against the public keys registered for the client.',
    link: 'https://www.rfc-editor.org/rfc/rfc7523#section-3',
    cite: 'RFC 7523 §2.2, §3',
  },
  publishKey: {
    text: "The page made an ES256 key pair with WebCrypto (the private key cannot be exported) and gives the server its public half, for this page's session only; the server lists it at the jwks_uri the playground's private_key_jwt client is registered with.",
    link: 'https://www.rfc-editor.org/rfc/rfc7591#section-2',
    cite: 'RFC 7591 §2 (jwks_uri), RFC 7517 §5',
  },
  dpop: {
    text: "The DPoP header carries a proof signed by a key only this browser holds (WebCrypto, not exportable); the server binds the access token to its thumbprint (cnf.jkt), and a public client's refresh token too.",
    link: 'https://www.rfc-editor.org/rfc/rfc9449#section-5',
    cite: 'RFC 9449 §4-5',
  },
  dpopNonce: {
    text: 'The server asked for a nonce of its own in the proof (use_dpop_nonce, DPoP-Nonce header): the same request again, with a new proof carrying it.',
    link: 'https://www.rfc-editor.org/rfc/rfc9449#section-8',
    cite: 'RFC 9449 §8',
  },
  apiDpop: {
    text: "A DPoP-bound token goes with the DPoP scheme and a fresh proof for this very request, carrying ath (the token's hash); the API checks the proof was signed by the key of the token's cnf.jkt.",
    link: 'https://www.rfc-editor.org/rfc/rfc9449#section-7.1',
    cite: 'RFC 9449 §7.1',
  },
  apiBoundAsBearer: {
    text: 'The same bound token as a plain Bearer token, without a proof, as someone who copied the token but not the key would send it: the API refuses it.',
    link: 'https://www.rfc-editor.org/rfc/rfc9449#section-7.2',
    cite: 'RFC 9449 §7.2',
  },
  actorToken: {
    text: 'Before a delegation the exchanging client gets a token of its own (client credentials): it will present it as actor_token, the proof of who acts.',
    link: 'https://www.rfc-editor.org/rfc/rfc8693#section-2.1',
    cite: 'RFC 8693 §2.1 (actor_token), RFC 6749 §4.4',
  },
  exchange: {
    text: 'The client presents the token it was given as subject_token and names the API it must call next; the server validates the token, applies its policy to the audience and scope, and answers a new access token with its issued_token_type.',
    link: 'https://www.rfc-editor.org/rfc/rfc8693#section-2.1',
    cite: 'RFC 8693 §2.1-2.2',
  },
  exchangeAct: {
    text: 'With an actor_token the exchange is a delegation: the new token keeps the subject (sub) and names the party acting for it in the act claim, with any earlier actor nested inside (a chain).',
    link: 'https://www.rfc-editor.org/rfc/rfc8693#section-4.1',
    cite: 'RFC 8693 §1.1, §4.1',
  },
  impersonation: {
    text: 'Without an actor_token the exchange is an impersonation: the new token stands for the subject alone, and nothing in it says who asked for it.',
    link: 'https://www.rfc-editor.org/rfc/rfc8693#section-1.1',
    cite: 'RFC 8693 §1.1',
  },
  introspectExchanged: {
    text: 'The client asks whether the exchanged token is still active; this server revokes what was exchanged from a token when that token is revoked, so once the access token is revoked the answer is {"active": false}.',
    link: 'https://www.rfc-editor.org/rfc/rfc7662#section-2.2',
    cite: 'RFC 7662 §2.2, RFC 7009 §2.1',
  },
  api: {
    text: 'The client presents the access token in the Authorization header; the resource server answers 401 with a WWW-Authenticate challenge when the token is not good.',
    link: 'https://www.rfc-editor.org/rfc/rfc6750#section-2.1',
    cite: 'RFC 6750 §2.1, §3',
  },
};

/** What each claim means (RFC 7519 §4.1, RFC 9068 §2.2, OIDC Core §2, RFC 9449 §6, RFC 8693). */
export const CLAIMS = {
  iss: 'Issuer: who minted the token (RFC 7519 §4.1.1).',
  sub: 'Subject: the user, or the client itself for client credentials (RFC 7519 §4.1.2).',
  aud: 'Audience: who must accept it, the API (RFC 8707) or the client for an ID token (RFC 7519 §4.1.3).',
  exp: 'Expiry: refused from this time on (RFC 7519 §4.1.4).',
  nbf: 'Not before: refused until this time (RFC 7519 §4.1.5).',
  iat: 'Issued at (RFC 7519 §4.1.6).',
  jti: 'Unique token id: what a revocation names (RFC 7519 §4.1.7).',
  client_id: 'The client the token was issued to (RFC 9068 §2.2).',
  scope: 'What the token allows (RFC 9068 §2.2.3).',
  grant_id:
    "The grant the token belongs to: revoking the grant revokes every token of it (this server's claim).",
  auth_time: 'When the user authenticated (OIDC Core §2).',
  acr: 'How strongly the user authenticated (OIDC Core §2).',
  amr: 'The authentication methods used (OIDC Core §2, RFC 8176).',
  nonce: "The client's value echoed back, against replayed ID tokens (OIDC Core §2).",
  at_hash: "Half of the access token's SHA-256: binds the ID token to it (OIDC Core §3.1.3.6).",
  sid: 'The browser session at the server (OIDC Front-Channel Logout §3).',
  azp: 'Authorized party: the client the ID token was issued to (OIDC Core §2).',
  cnf: 'Confirmation: the key the token is bound to; only its holder may use it (RFC 9449 §6, RFC 8705 §3).',
  act: 'Actor: who acts on behalf of the subject; a nested act is who acted before it (RFC 8693 §4.1).',
  active:
    'Whether the token is good now: anything else in the answer is only there when it is (RFC 7662 §2.2).',
  token_type:
    'How the token is presented: Bearer, or DPoP when it is bound to a key (RFC 7662 §2.2).',
  may_act: 'Who may act for the subject in a later exchange (RFC 8693 §4.4).',
  name: "The user's full name (OIDC Core §5.1).",
  email: "The user's e-mail address (OIDC Core §5.1).",
  email_verified: 'Whether the e-mail address was verified (OIDC Core §5.1).',
};

export const HEADERS = {
  alg: "The signature algorithm (RFC 7515 §4.1.1); verifiers allow a fixed list, never the token's word alone.",
  kid: "Which of the issuer's keys signed it: looked up in the JWKS (RFC 7515 §4.1.4).",
  typ: 'at+jwt for access tokens (RFC 9068 §2.1), JWT for ID tokens.',
};
