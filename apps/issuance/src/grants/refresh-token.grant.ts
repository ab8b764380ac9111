import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, ClientConfig, REFRESH_TOKEN } from '@app/config';
import { InvalidGrant, OAuthRequest } from '@app/oauth';
import { ClientRegistry } from '@app/registry';
import {
  GRANT_STORE,
  GrantRecord,
  GrantStore,
  REFRESH_TOKEN_STORE,
  RefreshRotation,
  RefreshTokenRecord,
  RefreshTokenStore,
} from '@app/store';
import { OpaqueTokenFormat } from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { codeAudience } from '../sign-in/code-audience';
import { GrantRevoker, RefreshTokenLookup } from '@app/platform';
import { IdTokenMinter } from '../sign-in/id-token.minter';
import { RefreshTokenMinter } from '../sign-in/refresh-token.minter';
import { absoluteDeadline, idleDeadline } from '../sign-in/refresh-token.policy';
import { refreshScopes } from '../sign-in/refresh-scope';
import { GrantHandler, TokenResponse } from './grant-handler';

const UNKNOWN_TOKEN = 'the refresh token is invalid, expired or revoked';

/** A presented refresh token that may be exchanged, and what it belongs to. */
interface Presented {
  readonly digest: string;
  readonly family: RefreshTokenRecord;
  readonly grant: GrantRecord;
}

/**
 * RFC 6749 §6 with RFC 9700 §4.14.2 (rotation, reuse detection), RFC 8707 §2.2 (`resource`)
 * and OIDC Core §12 (a new ID token). Every use retires the presented token and answers a new
 * one, in one atomic step of the store; a retired token presented again past the client's
 * grace revokes the whole grant.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = REFRESH_TOKEN;
  readonly parameters = {
    refresh_token: 'required',
    scope: 'optional',
    resource: 'repeatable',
  } as const;
  /** RFC 6749 §6: a public client names itself with client_id; rotation guards its tokens. */
  readonly publicClients = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: ClientRegistry,
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    private readonly lookup: RefreshTokenLookup,
    private readonly revoker: GrantRevoker,
    private readonly accessTokens: AccessTokenMinter,
    private readonly idTokens: IdTokenMinter,
    private readonly refreshTokens: RefreshTokenMinter,
  ) {}

  async handle(client: ClientConfig, req: OAuthRequest): Promise<TokenResponse> {
    const presented = await this.presented(client, req.form.require('refresh_token'));
    const scopes = refreshScopes(presented.family.scopes, req.form);
    const audience = codeAudience(
      this.config,
      this.registry,
      { scopes, resources: presented.grant.resources },
      req.form,
    );
    const { next, expiresAt } = await this.rotate(client, presented);
    const { family, grant } = presented;
    const authentication = { authTime: grant.authTime, acr: grant.acr, amr: grant.amr };
    await this.refreshTokens.record(
      {
        family,
        grantType: this.grantType,
        authentication,
        absoluteExpiresAt: absoluteDeadline(client, grant.createdAt),
        expiresAt,
      },
      next.digest,
    );
    // The grant's last use, for a "connected apps" page (GET /admin/subjects/{subject}/grants).
    // A grant withdrawn meanwhile is not recreated; its grant.revoked revokes what this answers.
    await this.grants.touch(grant.grantId, Date.now());
    const answer = await this.accessTokens.mint({
      client,
      resource: audience.resource,
      scopes: audience.scopes,
      grantType: this.grantType,
      subject: family.subject,
      grantId: grant.grantId,
      authentication,
    });
    const withRefresh = { ...answer, refresh_token: next.token };
    // OIDC Core §12.2: same sub, iss, aud; new iat; auth_time unchanged; no nonce.
    if (!family.scopes.includes('openid')) return withRefresh;
    const idToken = await this.idTokens.mint({
      client,
      sub: family.subject,
      source: { ...grant, scopes: family.scopes },
      accessToken: answer.access_token,
      grantType: this.grantType,
    });
    return { ...withRefresh, id_token: idToken };
  }

  /** RFC 6749 §6: a refresh token of this client, of a grant neither withdrawn nor revoked. */
  private async presented(client: ClientConfig, token: string): Promise<Presented> {
    const found = await this.lookup.find(client, token);
    if (found === null) throw new InvalidGrant(UNKNOWN_TOKEN);
    return { digest: found.digest, family: found.state.record, grant: found.grant };
  }

  /** The atomic step; a reuse past the grace revokes every token of the grant before refusing. */
  private async rotate(client: ClientConfig, p: Presented) {
    const next = OpaqueTokenFormat.mint('rt');
    const now = Date.now();
    const rotation: RefreshRotation = await this.store.rotate(
      p.digest,
      { digest: next.digest, idleExpiresAt: idleDeadline(client, now) },
      now,
      client.refreshToken.reuseGraceSeconds * 1000,
    );
    switch (rotation.outcome) {
      case 'rotated':
      case 'reused-within-grace':
        return { next, expiresAt: rotation.expiresAt };
      case 'reuse':
        await this.revoker.revoke(client.clientId, p.grant.grantId, 'refresh_token_reuse');
        throw new InvalidGrant(UNKNOWN_TOKEN);
      case 'expired':
      case 'unknown':
        throw new InvalidGrant(UNKNOWN_TOKEN);
    }
  }
}
