import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig, FailurePolicy } from '@app/config';
import { RefreshTokenLookup } from '@app/platform';
import {
  ClientAuthEndpoint,
  ClientAuthenticator,
  ENDPOINT_AUTH_METHODS,
  offeredAuthMethods,
  OAuthRequest,
} from '@app/oauth';
import { REVOCATION_STORE, RevocationStore, StoreUnavailable } from '@app/store';
import {
  AccessTokenClaims,
  AccessTokenReader,
  ActClaimJson,
  actClaimJson,
  Confirmation,
  OpaqueTokenFormat,
  tokenTypeOf,
} from '@app/tokens';
import { mayIntrospect } from './introspection.policy';

export type IntrospectionResponse =
  | { readonly active: false }
  | {
      readonly active: true;
      /** A refresh token, to the client holding it: what it may still ask for, until when. */
      readonly token_type: 'refresh_token';
      readonly client_id: string;
      readonly scope: string;
      readonly sub: string;
      readonly exp: number;
    }
  | {
      readonly active: true;
      readonly scope: string;
      readonly client_id: string;
      /** RFC 9449 §6.2: `DPoP` for a token bound to a DPoP key. */
      readonly token_type: 'Bearer' | 'DPoP';
      readonly exp: number;
      readonly iat: number;
      readonly nbf: number;
      readonly sub: string;
      readonly aud: string;
      readonly iss: string;
      readonly jti: string;
      /** RFC 9068 §2.2 claims of a token from a user's grant (absent for client_credentials). */
      readonly grant_id?: string;
      readonly auth_time?: number;
      readonly acr?: string;
      readonly amr?: readonly string[];
      /** RFC 9449 §6.2, RFC 8705 §3.2: the binding, so a resource server can check the sender. */
      readonly cnf?: Confirmation;
      /** RFC 8693 §4.1: the actor chain of a delegated token, so an API can log who acted. */
      readonly act?: ActClaimJson;
      /** RFC 7523 §2.1: the external issuer of a JWT-bearer grant's assertion about `sub`. */
      readonly idp?: string;
    };

/** RFC 7662 §2.2: anything not provably good is exactly `{"active": false}`, with no reason. */
const INACTIVE: IntrospectionResponse = Object.freeze({ active: false });

/**
 * POST /oauth2/introspect (RFC 7662). `token_type_hint` is only a hint: both formats are tried.
 * A token the caller may not learn about answers the same as an unknown one (RFC 7662 §2.2).
 */
@Injectable()
export class IntrospectTokenUseCase {
  private readonly clientAuth: ClientAuthEndpoint;
  private readonly failurePolicy: FailurePolicy;
  private readonly log = new Logger(IntrospectTokenUseCase.name);

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly authenticator: ClientAuthenticator,
    private readonly reader: AccessTokenReader,
    private readonly refreshTokens: RefreshTokenLookup,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
  ) {
    this.clientAuth = {
      audiences: [config.issuer, config.endpoints.introspection],
      methods: offeredAuthMethods(ENDPOINT_AUTH_METHODS.introspection, config),
      rateLimited: 'introspection',
    };
    this.failurePolicy = config.revocationFailurePolicy;
  }

  async execute(req: OAuthRequest): Promise<IntrospectionResponse> {
    const client = await this.authenticator.authenticate(req, this.clientAuth);
    const token = req.form.require('token');
    if (OpaqueTokenFormat.kindOf(token) === 'rt') return this.refreshToken(client, token);
    // The store's reads pass its projection gate: an opaque token not found in a store still
    // being rebuilt from the log is StoreUnavailable (503), never `active: false`.
    const found = await this.reader.read(token);
    if (!found || !mayIntrospect(client, found.claims)) return INACTIVE;
    if (await this.isRevoked(found.claims)) return INACTIVE;
    return active(found.claims);
  }

  /**
   * A refresh token is told by its `rt_` shape (`token_type_hint` is only a hint). Only the
   * client holding it learns anything (a resource server never sees one, RFC 6749 §1.5); a
   * retired one, or one of a revoked grant, is inactive.
   */
  private async refreshToken(client: ClientConfig, token: string): Promise<IntrospectionResponse> {
    const found = await this.refreshTokens.find(client, token);
    if (!found?.state.active) return INACTIVE;
    const { record, expiresAt } = found.state;
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: record.clientId,
      scope: record.scopes.join(' '),
      sub: record.subject,
      exp: Math.floor(expiresAt / 1000),
    };
  }

  /**
   * DESIGN "Revocation": never `active: true` for a token whose state could not be checked
   * (Redis unreachable, or being rebuilt from the log).
   */
  private async isRevoked(claims: AccessTokenClaims): Promise<boolean> {
    try {
      return await this.revocations.isRevoked(claims);
    } catch (e) {
      if (!(e instanceof StoreUnavailable) || this.failurePolicy === 'fail-closed') throw e;
      this.log.warn('revocation state unreachable: answering by signature alone (fail-open)');
      return false;
    }
  }
}

function active(c: AccessTokenClaims): IntrospectionResponse {
  return {
    active: true,
    scope: c.scope,
    client_id: c.clientId,
    token_type: tokenTypeOf(c.cnf),
    exp: c.exp,
    iat: c.iat,
    nbf: c.nbf,
    sub: c.sub,
    aud: c.aud,
    iss: c.iss,
    jti: c.jti,
    ...(c.grantId === undefined ? {} : { grant_id: c.grantId }),
    ...(c.authTime === undefined ? {} : { auth_time: c.authTime }),
    ...(c.acr === undefined ? {} : { acr: c.acr }),
    ...(c.amr === undefined ? {} : { amr: c.amr }),
    ...(c.cnf === undefined ? {} : { cnf: c.cnf }),
    ...(c.act === undefined ? {} : { act: actClaimJson(c.act) }),
    ...(c.idp === undefined ? {} : { idp: c.idp }),
  };
}
