import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig, ClientConfig, ResourceConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { TOKEN_STORE, TokenStore } from '@app/store';
import { AccessTokenClaims, JwtAccessTokenFormat, OpaqueTokenFormat } from '@app/tokens';
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
}

/** When (seconds) and how the end-user authenticated, as the login app reported it. */
export interface UserAuthentication {
  readonly authTime: number;
  readonly acr?: string;
  readonly amr: readonly string[];
}

/**
 * Makes an access token in the resource's format. Write order (DESIGN "State"): the
 * `token.issued` event is acknowledged by the log first, then the hot state is written, then the
 * token is returned; no token exists without its record.
 */
@Injectable()
export class AccessTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtAccessTokenFormat,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  async mint(req: MintRequest): Promise<TokenResponse> {
    const claims = this.claims(req);
    const { token, digest } =
      req.resource.accessTokenFormat === 'jwt'
        ? { token: await this.jwt.mint(claims, req.resource.signingAlg), digest: undefined }
        : OpaqueTokenFormat.mint('at');
    await this.record(req, claims, digest);
    if (digest !== undefined) await this.tokens.save(digest, claims);
    return {
      access_token: token,
      token_type: 'Bearer',
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
      jti: randomBytes(16).toString('base64url'),
      iat,
      nbf: iat,
      exp: iat + req.resource.accessTokenTtl,
      grantId: req.grantId,
      ...authenticationClaims(req.authentication),
    };
  }

  private record(req: MintRequest, c: AccessTokenClaims, digest: string | undefined) {
    const event = this.events.create('token.issued', c.jti, c.grantId ?? c.clientId, {
      jti: c.jti,
      client_id: c.clientId,
      sub: c.sub,
      aud: c.aud,
      scope: c.scope,
      grant_type: req.grantType,
      ...(c.grantId === undefined ? {} : { grant_id: c.grantId }),
      format: digest === undefined ? 'jwt' : 'opaque',
      ...(digest === undefined ? {} : { token_digest: digest }),
      iat: c.iat,
      exp: c.exp,
      // Not personal data: when and how the user signed in, so that the projector rebuilds an
      // opaque token's record whole (introspection answers them).
      ...(c.authTime === undefined ? {} : { auth_time: c.authTime }),
      ...(c.acr === undefined ? {} : { acr: c.acr }),
      ...(c.amr === undefined ? {} : { amr: c.amr }),
    });
    return this.bus.publish(event);
  }
}

/** RFC 9068 §2.2.1; an empty `amr` is left out rather than sent empty. */
function authenticationClaims(a: UserAuthentication | undefined) {
  if (a === undefined) return {};
  return {
    authTime: a.authTime,
    ...(a.acr === undefined ? {} : { acr: a.acr }),
    ...(a.amr.length === 0 ? {} : { amr: a.amr }),
  };
}
