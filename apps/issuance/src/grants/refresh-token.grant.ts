import { Inject, Injectable, Logger } from '@nestjs/common';
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
import { Confirmation, OpaqueTokenFormat } from '@app/tokens';
import { AccessTokenMinter } from '../access-token.minter';
import { codeAudience } from '../sign-in/code-audience';
import { GrantRevoker, RefreshTokenLookup } from '@app/platform';
import { IdTokenMinter } from '../sign-in/id-token.minter';
import { RefreshTokenMinter } from '../sign-in/refresh-token.minter';
import { absoluteDeadline, idleDeadline } from '../sign-in/refresh-token.policy';
import { refreshScopes } from '../sign-in/refresh-scope';
import { checkDpopBinding, DPOP_BINDING_ERRORS } from '../token-checks/check-dpop-binding';
import type { FederatedCredentialUse } from '@app/projection';
import { GrantHandler, SenderBinding, TokenResponse } from './grant-handler';

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
  private readonly logger = new Logger(RefreshTokenGrant.name);

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

  async handle(
    client: ClientConfig,
    req: OAuthRequest,
    binding: SenderBinding = {},
    federated?: FederatedCredentialUse,
  ): Promise<TokenResponse> {
    const presented = await this.presented(client, req.form.require('refresh_token'));
    // RFC 9449 §5: before the rotation, so a refused proof leaves the token as it was.
    checkDpopBinding(presented.family.jkt, binding.dpop, DPOP_BINDING_ERRORS.refresh);
    const scopes = refreshScopes(presented.family.scopes, req.form);
    const audience = codeAudience(
      this.config,
      this.registry,
      { scopes, resources: presented.grant.resources },
      req.form,
    );
    const next = OpaqueTokenFormat.mint('rt');
    const undo = () => this.undo(presented.grant.grantId, next.digest);
    let expiresAt: number;
    try {
      expiresAt = await this.rotate(client, presented, next.digest);
    } catch (e) {
      // A refusal rotated nothing; a store failure may have rotated, and must not keep it.
      if (!(e instanceof InvalidGrant)) await undo();
      throw e;
    }
    try {
      return await this.answer(client, presented, audience, next, expiresAt, {
        confirmation: binding.confirmation,
        federated,
      });
    } catch (e) {
      await undo();
      throw e;
    }
  }

  /** The new token's event, then the access token and ID token: each event acknowledged. */
  private async answer(
    client: ClientConfig,
    presented: Presented,
    audience: ReturnType<typeof codeAudience>,
    next: { token: string; digest: string },
    expiresAt: number,
    caller: { confirmation?: Confirmation; federated?: FederatedCredentialUse },
  ): Promise<TokenResponse> {
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
      // RFC 9449 §5: a confidential client's refresh token is not bound, its access token is.
      confirmation: caller.confirmation,
      federated: caller.federated,
    });
    const withRefresh = { ...{}, ...answer, refresh_token: next.token };
    // OIDC Core §12.2: same sub, iss, aud; new iat; auth_time unchanged; no nonce.
    if (!family.scopes.includes('openid')) return withRefresh;
    const idToken = await this.idTokens.mint({
      client,
      sub: family.subject,
      source: { ...{}, ...grant, scopes: family.scopes },
      accessToken: answer.access_token,
      grantType: this.grantType,
    });
    return { ...{}, ...withRefresh, id_token: idToken };
  }

  /** RFC 6749 §6: a refresh token of this client, of a grant neither withdrawn nor revoked. */
  private async presented(client: ClientConfig, token: string): Promise<Presented> {
    const found = await this.lookup.find(client, token);
    if (found === null) throw new InvalidGrant(UNKNOWN_TOKEN);
    return { digest: found.digest, family: found.state.record, grant: found.grant };
  }

  /**
   * The atomic step, making `nextDigest` the live token; a reuse past the grace revokes every
   * token of the grant before refusing. Resolves with the new token's deadline (ms).
   */
  private async rotate(client: ClientConfig, p: Presented, nextDigest: string): Promise<number> {
    const now = Date.now();
    const rotation: RefreshRotation = await this.store.rotate(
      p.digest,
      { digest: nextDigest, idleExpiresAt: idleDeadline(client, now) },
      now,
      client.refreshToken.reuseGraceSeconds * 1000,
    );
    switch (rotation.outcome) {
      case 'rotated':
      case 'reused-within-grace':
        return rotation.expiresAt;
      case 'reuse':
        await this.revoker.revoke(client.clientId, p.grant.grantId, 'refresh_token_reuse');
        throw new InvalidGrant(UNKNOWN_TOKEN);
      case 'expired':
      case 'unknown':
        throw new InvalidGrant(UNKNOWN_TOKEN);
    }
  }

  /**
   * RFC 9700 §4.14.2: rotation retires the presented token so that its second presentation
   * reveals a theft. A rotation whose answer never leaves (its `token.issued` not acknowledged:
   * Kafka down or slow; or a later step failing) must not make the client's retry with the same
   * token look like that second presentation, which would revoke the user's grant for an outage.
   * So the store's last rotation is undone, in one atomic step on the family, before the 503
   * (`temporarily_unavailable`, Retry-After) goes out, and the retry exchanges the token afresh.
   *
   * It is undone only while the new token is still the family's live one in a family not revoked,
   * so the invariants hold under every interleaving:
   * - never two live tokens: undoing swaps one live token for another; the new token is never
   *   live again, nor exchangeable within a grace (the retired list forgets the restored one);
   * - no token handed out without its acknowledged event: the new token never left, and the
   *   restored one had its event before it was handed out;
   * - a concurrent presentation won meanwhile (within the grace: its token is the live one now,
   *   its holder got an answer) or revoked the family (a reuse): nothing is undone, and the
   *   retry is judged against that newer state (a grace exchange, or a reuse) as any retry is;
   * - the projector re-applying the new token's event (a publish that timed out yet reached the
   *   log) leaves it as it is: its digest is known to the store, so `issue` changes nothing.
   *   A Redis rebuilt from the log in the short while before the client's retry would make that
   *   orphan event's token the live one, and the retry a reuse: the known limit left.
   * A crash between the store step and the answer still leaves the new token live and unheld:
   * the client's retry is then a grace exchange, or (no grace) a reuse.
   */
  private async undo(grantId: string, nextDigest: string): Promise<void> {
    try {
      await this.store.undoRotation(grantId, nextDigest);
    } catch (e) {
      this.logger.warn(`a failed refresh could not be undone: ${(e as Error).message}`);
    }
  }
}
