import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AnyLifecycleEvent, EventCatalogue, LifecycleEvent } from '@app/events';
import {
  EXCHANGE_CHAIN_STORE,
  ExchangeChainStore,
  GRANT_STORE,
  GrantStore,
  REFRESH_TOKEN_STORE,
  RefreshTokenStore,
  REVOCATION_STORE,
  RevocationStore,
  StoreUnavailable,
  TOKEN_STORE,
  TokenStore,
} from '@app/store';
import { ExchangeChainProjection } from './exchange-chain.projection';
import { GrantConsent, grantRecordOf } from './grant.codec';
import { IssuedToken, issuedTokenOf, opaqueTokenRecord } from './token-issued.codec';

/** What the request that wrote an event knows beyond it (never on the log: see GrantConsent). */
export interface RequestKnowledge {
  readonly consent?: GrantConsent;
}

/**
 * The one writer of the hot state derived from the log (DESIGN "One projection"): each event
 * maps to its store writes here, called by the request path once its event is acknowledged and
 * by the projector for every event it reads (catching up, or replaying into an empty store).
 * Every write is idempotent and never narrows what is kept, so applying an event twice, or
 * after a later one of the same grant, changes nothing; a revocation reaches the replicas'
 * stream only when it changed the store.
 *
 * The atomic claims that decide a request before its event (a refresh token's rotation, a
 * code's redemption) stay in their stores: applying their event afterwards finds the state
 * already written and leaves it as it is.
 *
 * Reads nothing through the projection gate: it runs while the store is being rebuilt.
 */
@Injectable()
export class LifecycleProjection {
  private readonly log = new Logger(LifecycleProjection.name);
  private readonly chains: ExchangeChainProjection;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @Inject(GRANT_STORE) private readonly grants: GrantStore,
    @Inject(EXCHANGE_CHAIN_STORE) chains: ExchangeChainStore,
  ) {
    this.chains = new ExchangeChainProjection(chains, revocations);
  }

  /**
   * False only for a refresh token that is not its family's live one once applied: its family
   * was revoked meanwhile (the revocation wins, and the request that issued it hands nothing
   * out), or a later token of the family has replaced it (a redelivered older event, which
   * changes nothing). Store failures throw (StoreUnavailable): the caller applies its policy,
   * the projector retries the event.
   */
  async apply(e: AnyLifecycleEvent, known: RequestKnowledge = {}): Promise<boolean> {
    switch (e.type) {
      case 'token.issued':
        // An exchanged token (v6) joins its chain, whatever its format (RFC 8693).
        if ('exchange_kind' in e.data) await this.chains.exchanged(issuedTokenOf(e.data));
        // A JWT or an ID token (no digest) has no hot state: nothing to decode on the hot path.
        if (e.data.token_digest === undefined) return true;
        return this.tokenIssued(issuedTokenOf(e.data));
      case 'token.revoked':
        await this.revocations.revoke({
          kind: 'token',
          clientId: e.data.client_id,
          jti: e.data.jti,
          expiresAt: e.data.exp * 1000,
        });
        // The tokens exchanged from it, down the chain (RFC 8693).
        await this.chains.tokenRevoked(e.data.client_id, e.data.jti);
        return true;
      case 'grant.revoked':
        await this.grantRevoked(e.data);
        return true;
      case 'client.tokens_revoked':
        await this.revocations.revoke({
          kind: 'client',
          clientId: e.data.client_id,
          revokedAt: e.data.revoked_at,
          expiresAt: e.data.exp * 1000,
        });
        // The tokens exchanged from its tokens, down the chain (RFC 8693).
        await this.chains.clientRevoked(e.data.client_id, e.data.revoked_at);
        return true;
      case 'subject.tokens_revoked':
        // Pairwise subjects are covered by the grant.revoked events written beside it.
        await this.revocations.revoke({
          kind: 'subject',
          subject: e.data.sub,
          revokedAt: e.data.revoked_at,
          expiresAt: e.data.exp * 1000,
        });
        return true;
      case 'grant.created':
        await this.grantCreated(e, known.consent);
        return true;
      // key.rotated is not on the lifecycle topic: verifiers learn of a key from the issuer's
      // notice on the revocation stream. The others are for auditors: browser sessions are the
      // authorization service's own store state, initial access tokens registration's.
      case 'key.rotated':
      case 'authorization.denied':
      case 'session.started':
      case 'session.ended':
      case 'initial_access_token.issued':
        return true;
      // The registry's events are on their own topic, which the projector does not read: every
      // replica's registry snapshot follows it (libs/registry). An in-process log hands them
      // over all the same.
      case 'client.registered':
      case 'client.updated':
      case 'client.secret_rotated':
      case 'client.deleted':
      case 'resource.registered':
      case 'resource.updated':
      case 'resource.deleted':
        return true;
      default:
        // A new event type does not compile until it is handled or deliberately ignored above.
        return e satisfies never;
    }
  }

  /**
   * For a revocation, whose event makes it certain once acknowledged: a store outage is logged,
   * not raised, and the projector applies the event from the log when the store is back (the
   * request still answers; replicas that cannot follow the store meanwhile refuse tokens per
   * their failure policy).
   */
  async applyOrDefer(e: AnyLifecycleEvent): Promise<void> {
    try {
      await this.apply(e);
    } catch (err) {
      if (!(err instanceof StoreUnavailable)) throw err;
      this.log.warn(`${e.type} ${e.subject} is on the log; the projector will apply it`);
    }
  }

  /**
   * Only opaque access tokens and refresh tokens have hot state; a JWT carries its own claims,
   * and an ID token is not an access token (OIDC Core §2): introspection must never find one.
   */
  private async tokenIssued(t: IssuedToken): Promise<boolean> {
    if (t.digest === undefined) return true; // (narrows: apply() passes only digested tokens)
    if (t.kind === 'refresh_token') return this.refreshTokenIssued(t, t.digest);
    if (t.kind === 'access_token')
      await this.tokens.save(t.digest, opaqueTokenRecord(t, this.config.issuer));
    return true;
  }

  /**
   * Idempotent (RefreshTokenStore.issue): a digest the family knows is left as it is, so the
   * event of a rotation (decided atomically before it) changes nothing; replayed into an empty
   * store in log order, each token is retired at its successor's `iat`.
   */
  private refreshTokenIssued(t: IssuedToken, digest: string): Promise<boolean> {
    if (t.familyExp === undefined || t.grantId === undefined) return Promise.resolve(true);
    const family = {
      grantId: t.grantId,
      clientId: t.clientId,
      subject: t.sub,
      scopes: t.scope.split(' '),
      // RFC 9449 §5: a public client's family keeps the DPoP key its tokens are bound to.
      ...(t.cnf !== undefined && 'jkt' in t.cnf ? { jkt: t.cnf.jkt } : {}),
    };
    const deadlines = { absoluteExpiresAt: t.familyExp * 1000, idleExpiresAt: t.exp * 1000 };
    return this.refreshTokens.issue(family, digest, deadlines, t.iat * 1000);
  }

  /**
   * Every token of the grant: the access tokens' entry (as long as they live), the refresh-token
   * family (revoked for as long as its tokens could live, `refresh_exp`), and the grant record:
   * no longer listed, never remembered for consent, no refresh without it.
   */
  private async grantRevoked(d: EventCatalogue['grant.revoked']): Promise<void> {
    await this.revocations.revoke({
      kind: 'grant',
      clientId: d.client_id,
      grantId: d.grant_id,
      expiresAt: d.exp * 1000,
    });
    await this.refreshTokens.revokeFamily(d.grant_id, (d.refresh_exp ?? d.exp) * 1000);
    await this.grants.delete(d.grant_id);
    // The tokens exchanged from its tokens, down the chain (RFC 8693).
    await this.chains.revokeGrant(d.grant_id, d.exp * 1000);
  }

  /**
   * Kept as long as a browser session may last (SESSION_MAX_TTL_SECONDS from its creation), so
   * its refresh tokens can outlive the code. A record already kept (the request's, with the
   * claims the consent released) is never replaced by the replay's.
   */
  private async grantCreated(
    e: LifecycleEvent<'grant.created'>,
    consent: GrantConsent | undefined,
  ): Promise<void> {
    const grant = grantRecordOf(e, consent);
    const expiresAt = grant.createdAt + this.config.signIn.sessionMaxTtl * 1000;
    // Only the request that recorded the consent knows the claims it released (no event carries
    // them), and in the split topology the projector may apply the event first: the request's
    // record replaces that claimless one, while a replay never replaces a record.
    if (consent === undefined) await this.grants.create(grant, expiresAt);
    else await this.grants.save(grant, expiresAt);
  }
}
