import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AnyLifecycleEvent, EVENT_BUS, EventBus, EventCatalogue, tokenKindOf } from '@app/events';
import {
  PROJECTION_MARKER,
  ProjectionMarker,
  REFRESH_TOKEN_STORE,
  RefreshTokenStore,
  REVOCATION_STORE,
  RevocationStore,
  TOKEN_STORE,
  TokenStore,
} from '@app/store';

export const PROJECTOR_GROUP = 'token-lifecycle-projector';

/**
 * Keeps Redis derived from the log: re-applies every lifecycle event idempotently, so a crash
 * between "event acknowledged" and "Redis written" is repaired, and a lost Redis (no projection
 * marker, at start or while running) is rebuilt by replaying the retained log.
 */
@Injectable()
export class EventProjector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger(EventProjector.name);
  private watch: NodeJS.Timeout | undefined;
  private rebuilding = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(PROJECTION_MARKER) private readonly marker: ProjectionMarker,
    @Inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // With the in-memory log every write already lands in the same process: nothing to derive.
    if (!this.config.projector || !this.config.kafka) return;
    // In the background: joining the group can wait out a dead member's session, and the
    // service answers meanwhile (introspection refuses to vouch until the store is built).
    // The bus's kafkajs loop, not Nest's Kafka transport: the transport applied ~0.8× the
    // events/s in the same run (docs/architecture.md, `npm run bench:projector`).
    void this.bus
      .subscribe({ group: PROJECTOR_GROUP, fromBeginning: true }, (e) => this.apply(e))
      .catch((e: Error) => this.log.error(`projector stopped: ${e.message}`));
    // A store that is empty at start, or restarts empty while we run, is rebuilt within a second.
    this.watch = setInterval(() => void this.rebuildIfLost().catch(() => undefined), 1000);
    this.watch.unref();
    void this.rebuildIfLost().catch(() => undefined);
  }

  onApplicationShutdown(): void {
    clearInterval(this.watch);
  }

  /**
   * When the store has no projection marker (new, flushed or restarted empty), replays the whole
   * retained log into it; the marker is written only once the replay has reached the end, so
   * introspection refuses to vouch for token state until then.
   */
  async rebuildIfLost(): Promise<void> {
    if (this.rebuilding || (await this.marker.present())) return;
    this.rebuilding = true;
    try {
      this.log.warn('the store has no projection marker: replaying the event log');
      const count = await this.bus.replay((e) => this.apply(e));
      await this.marker.mark();
      this.log.log(`store rebuilt from ${count} events`);
    } finally {
      this.rebuilding = false;
    }
  }

  async apply(e: AnyLifecycleEvent): Promise<void> {
    switch (e.type) {
      case 'token.issued':
        return this.tokenIssued(e.data);
      case 'token.revoked':
        return this.revocations.revoke({
          kind: 'token',
          clientId: e.data.client_id,
          jti: e.data.jti,
          expiresAt: e.data.exp * 1000,
        });
      case 'grant.revoked':
        return this.grantRevoked(e.data);
      case 'client.tokens_revoked':
        return this.revocations.revoke({
          kind: 'client',
          clientId: e.data.client_id,
          revokedAt: e.data.revoked_at,
          expiresAt: e.data.exp * 1000,
        });
      case 'subject.tokens_revoked':
        // Pairwise subjects are covered by the grant.revoked events written beside it.
        return this.revocations.revoke({
          kind: 'subject',
          subject: e.data.sub,
          revokedAt: e.data.revoked_at,
          expiresAt: e.data.exp * 1000,
        });
      case 'key.rotated':
        // Not on the topic the projector reads: verifiers learn of a key from the issuer's notice
        // on the revocation stream.
        return;
      // Sign-in records, for auditors: no hot-path state derives from them yet. The grant and
      // browser-session stores arrive with the authorization service, and their projection
      // belongs here then (DESIGN "One projection"); until then skipping them loses nothing.
      case 'grant.created':
      case 'authorization.denied':
      case 'session.started':
      case 'session.ended':
        return;
      default:
        // A new event type does not compile until it is handled or deliberately ignored above.
        return e satisfies never;
    }
  }

  /**
   * Every token of the grant: the access tokens' entry (as long as they live), and the
   * refresh-token family, revoked for as long as its tokens could live (`refresh_exp`).
   */
  private async grantRevoked(d: EventCatalogue['grant.revoked']): Promise<void> {
    await this.revocations.revoke({
      kind: 'grant',
      clientId: d.client_id,
      grantId: d.grant_id,
      expiresAt: d.exp * 1000,
    });
    await this.refreshTokens.revokeFamily(d.grant_id, (d.refresh_exp ?? d.exp) * 1000);
  }

  /**
   * Only opaque access tokens and refresh tokens have hot state; a JWT carries its own claims.
   * A refresh token's issue is idempotent (RefreshTokenStore.issue): re-applied live it changes
   * nothing, replayed into an empty store in log order it rebuilds the family, each token
   * retired at its successor's `iat`.
   */
  private async tokenIssued(d: EventCatalogue['token.issued']): Promise<void> {
    if (tokenKindOf(d) === 'refresh_token') return this.refreshTokenIssued(d);
    // OIDC Core §2: an ID token is not an access token; introspection must never find one.
    if (tokenKindOf(d) !== 'access_token') return;
    if (d.format !== 'opaque' || d.token_digest === undefined) return;
    await this.tokens.save(d.token_digest, {
      iss: this.config.issuer,
      sub: d.sub,
      aud: d.aud,
      clientId: d.client_id,
      scope: d.scope,
      jti: d.jti,
      iat: d.iat,
      nbf: d.iat,
      exp: d.exp,
      grantId: d.grant_id,
      // The same record the minter wrote: how the user signed in is on the event too.
      ...(d.auth_time === undefined ? {} : { authTime: d.auth_time }),
      ...(d.acr === undefined ? {} : { acr: d.acr }),
      ...(d.amr === undefined ? {} : { amr: d.amr }),
    });
  }

  private async refreshTokenIssued(d: EventCatalogue['token.issued']): Promise<void> {
    if (!('family_exp' in d) || d.family_exp === undefined) return;
    if (d.token_digest === undefined || d.grant_id === undefined) return;
    const family = {
      grantId: d.grant_id,
      clientId: d.client_id,
      subject: d.sub,
      scopes: d.scope.split(' '),
    };
    const deadlines = { absoluteExpiresAt: d.family_exp * 1000, idleExpiresAt: d.exp * 1000 };
    await this.refreshTokens.issue(family, d.token_digest, deadlines, d.iat * 1000);
  }
}
