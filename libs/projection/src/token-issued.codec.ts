import {
  EventCatalogue,
  EXCHANGE_KINDS,
  TokenIssuedV3,
  TokenIssuedV4,
  TokenIssuedV5,
  TokenIssuedV6,
  TokenKind,
  tokenKindOf,
} from '@app/events';
import {
  AccessTokenClaims,
  ActClaim,
  actClaimJson,
  parseActClaim,
  Confirmation,
  confirmationKind,
  confirmationOf,
  confirmationThumbprint,
} from '@app/tokens';

/**
 * What a minted token says of itself, whatever its kind (access, ID or refresh token), in the
 * claims' own names (RFC 9068 §2.2, camelCase inside): the one shape the minters give and the
 * projection reads back, so that no claim is copied by hand between the token, its event and
 * its hot state.
 */
export interface IssuedToken {
  readonly kind: TokenKind;
  readonly jti: string;
  readonly clientId: string;
  readonly sub: string;
  readonly aud: string;
  readonly scope: string;
  readonly grantType: string;
  /** The grant the token came from; every token has one but client_credentials' access tokens. */
  readonly grantId?: string;
  /** base64url SHA-256 of an opaque token; absent for JWTs. */
  readonly digest?: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
  /** Refresh tokens only (seconds): the family's absolute deadline. */
  readonly familyExp?: number;
  /** RFC 9068 §2.2.1: when and how the user of the grant authenticated. */
  readonly authTime?: number;
  readonly acr?: string;
  readonly amr?: readonly string[];
  /** A sender-constrained token's binding (RFC 9449 §6, RFC 8705 §3.1); absent for bearer tokens. */
  readonly cnf?: Confirmation;
  /**
   * The trusted external issuer's token the token was obtained with (RFC 7523): the client's
   * federated credential, else the JWT-bearer grant's assertion. Its issuer and subject only.
   */
  readonly federated?: FederatedCredentialUse;
  /** JWT-bearer grant (RFC 7523 §2.1): the assertion's issuer, the access token's `idp`. */
  readonly idp?: string;
  /** RFC 8693 §4.1: the actor chain of an exchanged token. */
  readonly act?: ActClaim;
  /** Set exactly when the token came from a token exchange (RFC 8693). */
  readonly exchange?: ExchangeOrigin;
}

/** Which external token (issuer and subject) a token was obtained with. */
export interface FederatedCredentialUse {
  readonly issuer: string;
  readonly subject: string;
}

/**
 * What an exchanged token was exchanged from (`token.issued` v6): the subject token by its
 * `jti` (and digest when opaque), the client it was issued to and its grant. Never the token.
 */
export interface ExchangeOrigin {
  readonly kind: (typeof EXCHANGE_KINDS)[number];
  readonly subjectJti: string;
  readonly subjectClientId: string;
  readonly subjectDigest?: string;
  readonly subjectGrantId?: string;
}

/** How the user of a grant authenticated, as the minters receive it. */
export interface UserAuthentication {
  readonly authTime: number;
  readonly acr?: string;
  readonly amr: readonly string[];
}

/** RFC 9068 §2.2.1 claims of a user's authentication; an empty `amr` is left out, not sent empty. */
export function authenticationClaims(
  a: UserAuthentication | undefined,
): Pick<IssuedToken, 'authTime' | 'acr' | 'amr'> {
  if (a === undefined) return {};
  return {
    authTime: a.authTime,
    ...(a.acr === undefined ? {} : { acr: a.acr }),
    ...(a.amr.length === 0 ? {} : { amr: a.amr }),
  };
}

/**
 * Token → `token.issued` (v3, v4 for a bound token, v5 for one obtained with an external
 * issuer's token, v6 for an exchanged one). Not personal data: how the user signed in rides along (so an opaque token's
 * record is rebuilt whole), never a user claim, never the token itself; a binding as its
 * thumbprint only; an external token as its issuer and subject only.
 */
export function tokenIssuedData(
  t: IssuedToken,
): TokenIssuedV3 | TokenIssuedV4 | TokenIssuedV5 | TokenIssuedV6 {
  const v3 = bearerTokenIssuedData(t);
  const bound =
    t.cnf === undefined
      ? v3
      : {
          ...{},
          ...v3,
          cnf_kind: confirmationKind(t.cnf),
          cnf_thumbprint: confirmationThumbprint(t.cnf),
        };
  const federated =
    t.federated === undefined
      ? {}
      : { federated_issuer: t.federated.issuer, federated_subject: t.federated.subject };
  if (t.exchange !== undefined)
    return exchangedTokenIssuedData(t, t.exchange, { ...{}, ...bound, ...federated });
  if (t.federated === undefined) return bound;
  return {
    ...{},
    ...bound,
    federated_issuer: t.federated.issuer,
    federated_subject: t.federated.subject,
    ...(t.idp === undefined ? {} : { idp: t.idp }),
    ...(t.act === undefined ? {} : { act: t.act }),
  };
}

/** v6: what v3 to v5 say (the binding, the client's federated credential), and the chain. */
function exchangedTokenIssuedData(
  t: IssuedToken,
  x: ExchangeOrigin,
  base: TokenIssuedV3 &
    Partial<
      Pick<TokenIssuedV6, 'cnf_kind' | 'cnf_thumbprint' | 'federated_issuer' | 'federated_subject'>
    >,
): TokenIssuedV6 {
  if (t.grantId === undefined) throw new Error('an exchanged token always has its grant');
  return {
    ...{},
    ...base,
    grant_id: t.grantId,
    ...(t.idp === undefined ? {} : { idp: t.idp }),
    exchange_kind: x.kind,
    ...(t.act === undefined ? {} : { act: actClaimJson(t.act) }),
    subject_jti: x.subjectJti,
    subject_client_id: x.subjectClientId,
    ...(x.subjectDigest === undefined ? {} : { subject_token_digest: x.subjectDigest }),
    ...(x.subjectGrantId === undefined ? {} : { subject_grant_id: x.subjectGrantId }),
  };
}

function bearerTokenIssuedData(t: IssuedToken): TokenIssuedV3 {
  return {
    jti: t.jti,
    client_id: t.clientId,
    sub: t.sub,
    aud: t.aud,
    scope: t.scope,
    grant_type: t.grantType,
    ...(t.grantId === undefined ? {} : { grant_id: t.grantId }),
    format: t.digest === undefined ? 'jwt' : 'opaque',
    token_kind: t.kind,
    ...(t.digest === undefined ? {} : { token_digest: t.digest }),
    iat: t.iat,
    exp: t.exp,
    ...(t.familyExp === undefined ? {} : { family_exp: t.familyExp }),
    ...(t.authTime === undefined ? {} : { auth_time: t.authTime }),
    ...(t.acr === undefined ? {} : { acr: t.acr }),
    ...(t.amr === undefined || t.amr.length === 0 ? {} : { amr: t.amr }),
  };
}

/** `token.issued` of any version (v1 and v2 from logs written before v3) → the token. */
export function issuedTokenOf(d: EventCatalogue['token.issued']): IssuedToken {
  return {
    kind: tokenKindOf(d),
    jti: d.jti,
    clientId: d.client_id,
    sub: d.sub,
    aud: d.aud,
    scope: d.scope,
    grantType: d.grant_type,
    ...(d.grant_id === undefined ? {} : { grantId: d.grant_id }),
    ...(d.token_digest === undefined ? {} : { digest: d.token_digest }),
    iat: d.iat,
    exp: d.exp,
    ...('family_exp' in d && d.family_exp !== undefined ? { familyExp: d.family_exp } : {}),
    ...(d.auth_time === undefined ? {} : { authTime: d.auth_time }),
    ...(d.acr === undefined ? {} : { acr: d.acr }),
    ...(d.amr === undefined ? {} : { amr: d.amr }),
    ...('cnf_kind' in d && d.cnf_kind !== undefined && d.cnf_thumbprint !== undefined
      ? { cnf: confirmationOf(d.cnf_kind, d.cnf_thumbprint) }
      : {}),
    ...('federated_issuer' in d &&
    d.federated_issuer !== undefined &&
    d.federated_subject !== undefined
      ? { federated: { issuer: d.federated_issuer, subject: d.federated_subject } }
      : {}),
    ...('idp' in d && d.idp !== undefined ? { idp: d.idp } : {}),
    ...('exchange_kind' in d ? exchangeOf(d) : {}),
  };
}

/** v6 → the exchange fields (the parser has checked `act`: it reads back as written). */
function exchangeOf(d: TokenIssuedV6): Pick<IssuedToken, 'act' | 'exchange'> {
  const act = parseActClaim(d.act);
  return {
    ...{},
    ...(act ? { act } : {}),
    exchange: {
      kind: d.exchange_kind,
      subjectJti: d.subject_jti,
      subjectClientId: d.subject_client_id,
      ...(d.subject_token_digest === undefined ? {} : { subjectDigest: d.subject_token_digest }),
      ...(d.subject_grant_id === undefined ? {} : { subjectGrantId: d.subject_grant_id }),
    },
  };
}

/**
 * Access-token claims → the token (what the access-token minter records). The issuer and `nbf`
 * are not on the event: every token of this issuer carries `iss` = the issuer and `nbf` = `iat`
 * (AccessTokenMinter), which `opaqueTokenRecord` restores.
 */
export function issuedAccessToken(
  c: AccessTokenClaims,
  grantType: string,
  digest: string | undefined,
  federated?: FederatedCredentialUse,
  exchange?: ExchangeOrigin,
): IssuedToken {
  return {
    kind: 'access_token',
    jti: c.jti,
    clientId: c.clientId,
    sub: c.sub,
    aud: c.aud,
    scope: c.scope,
    grantType,
    ...(c.grantId === undefined ? {} : { grantId: c.grantId }),
    ...(digest === undefined ? {} : { digest }),
    iat: c.iat,
    exp: c.exp,
    ...(c.authTime === undefined ? {} : { authTime: c.authTime }),
    ...(c.acr === undefined ? {} : { acr: c.acr }),
    ...(c.amr === undefined ? {} : { amr: c.amr }),
    ...(c.cnf === undefined ? {} : { cnf: c.cnf }),
    ...(federated === undefined ? {} : { federated }),
    ...(c.idp === undefined ? {} : { idp: c.idp }),
    ...(c.act === undefined ? {} : { act: c.act }),
    ...(exchange === undefined ? {} : { exchange }),
  };
}

/**
 * The token → the record introspection answers from (an opaque access token's hot state). The
 * request path and the projector both write it through this one function, so a record rebuilt
 * from the log is the record the minter wrote, field by field (token-issued.codec.spec.ts).
 */
export function opaqueTokenRecord(t: IssuedToken, issuer: string): AccessTokenClaims {
  return {
    iss: issuer,
    sub: t.sub,
    aud: t.aud,
    clientId: t.clientId,
    scope: t.scope,
    jti: t.jti,
    iat: t.iat,
    nbf: t.iat,
    exp: t.exp,
    ...(t.grantId === undefined ? {} : { grantId: t.grantId }),
    ...(t.authTime === undefined ? {} : { authTime: t.authTime }),
    ...(t.acr === undefined ? {} : { acr: t.acr }),
    ...(t.amr === undefined ? {} : { amr: t.amr }),
    ...(t.cnf === undefined ? {} : { cnf: t.cnf }),
    ...(t.idp === undefined ? {} : { idp: t.idp }),
    ...(t.act === undefined ? {} : { act: t.act }),
  };
}
