import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig, ResourceConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import {
  authenticationClaims,
  ExchangeOrigin,
  FederatedCredentialUse,
  issuedAccessToken,
  LifecycleProjection,
  tokenIssuedData,
  UserAuthentication,
} from '@app/projection';
import {
  AccessTokenClaims,
  ActClaim,
  Confirmation,
  JwtAccessTokenFormat,
  OpaqueTokenFormat,
  randomId,
  tokenTypeOf,
} from '@app/tokens';
import { TokenResponse } from './grants/grant-handler';

export interface MintRequest {
  readonly client: ClientConfig;
  readonly resource: ResourceConfig;
  readonly scopes: readonly string[];
  readonly grantType: string;
  /** The subject: the client itself for client_credentials, the user otherwise. */
  readonly subject: string;
  readonly grantId?: string;
  /** How the user of the grant authenticated (RFC 9068 §2.2.1); absent for client_credentials. */
  readonly authentication?: UserAuthentication;
  /** The sender constraint to bind the token to (RFC 9449 §6, RFC 8705 §3.1); absent: bearer. */
  readonly confirmation?: Confirmation;
  /** RFC 8693 §4.1: the actor chain of an exchanged token. */
  readonly act?: ActClaim;
  /** Set by the token exchange: what the token was exchanged from (token.issued v6). */
  readonly exchange?: ExchangeOrigin;
  /** Seconds: the token expires by then at the latest (an exchanged token's subject token). */
  readonly notAfter?: number;
  /** The external token the token was obtained with (RFC 7523), for its `token.issued` (v5). */
  readonly federated?: FederatedCredentialUse;
  /** JWT-bearer grant (RFC 7523 §2.1): the assertion's issuer, the token's `idp` claim. */
  readonly idp?: string;
}

/**
 * Makes an access token in the resource's format. Write order (DESIGN "State"): the
 * `token.issued` event is acknowledged by the log first, then the projection writes the hot
 * state from that very event (as the projector would), then the token is returned; no token
 * exists without its record.
 */
@Injectable()
export class AccessTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtAccessTokenFormat,
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async mint(req: MintRequest): Promise<TokenResponse> {
    const claims = this.claims(req);
    const { token, digest } =
      req.resource.accessTokenFormat === 'jwt'
        ? { token: await this.jwt.mint(claims, req.resource.signingAlg), digest: undefined }
        : OpaqueTokenFormat.mint('at');
    const data = tokenIssuedData(
      issuedAccessToken(claims, req.grantType, digest, req.federated, req.exchange),
    );
    const event = this.events.create(
      'token.issued',
      claims.jti,
      data.grant_id ?? data.client_id,
      data,
    );
    await this.bus.publish(event);
    await this.projection.apply(event);
    return {
      access_token: token,
      token_type: tokenTypeOf(claims.cnf),
      expires_in: claims.exp - claims.iat,
      scope: claims.scope,
    };
  }

  private claims(req: MintRequest): AccessTokenClaims {
    const iat = Math.floor(Date.now() / 1000);
    return {
      iss: this.config.issuer,
      sub: req.subject,
      aud: req.resource.identifier,
      clientId: req.client.clientId,
      scope: req.scopes.join(' '),
      // 128 random bits as one flat string. randomUUID() returns a rope of some twenty pieces
      // that costs about 400 bytes more for as long as it is kept (in-memory stores, caches).
      jti: randomId(16),
      iat,
      nbf: iat,
      exp: Math.min(iat + req.resource.accessTokenTtl, req.notAfter ?? Infinity),
      ...(req.grantId === undefined ? {} : { grantId: req.grantId }),
      ...authenticationClaims(req.authentication),
      ...(req.confirmation === undefined ? {} : { cnf: req.confirmation }),
      ...(req.act === undefined ? {} : { act: req.act }),
      ...(req.idp === undefined ? {} : { idp: req.idp }),
    };
  }
}
