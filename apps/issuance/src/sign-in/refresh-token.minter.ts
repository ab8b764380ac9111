import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { InvalidGrant } from '@app/oauth';
import { REFRESH_TOKEN_STORE, RefreshTokenRecord, RefreshTokenStore } from '@app/store';
import { OpaqueTokenFormat } from '@app/tokens';
import { UserAuthentication } from '../access-token.minter';

/** A refresh token made for a family, with what its event says of it. */
export interface RefreshTokenIssue {
  readonly family: RefreshTokenRecord;
  readonly grantType: string;
  readonly authentication: UserAuthentication;
  /** ms: the family's absolute deadline (refresh_token_ttl from the grant's creation). */
  readonly absoluteExpiresAt: number;
  /** ms: this token's idle deadline, already capped at the absolute one. */
  readonly expiresAt: number;
}

/**
 * Makes refresh tokens (`rt_` + 256 random bits; only the digest is kept or put on an event) and
 * records them: the `token.issued` event (v2, kind `refresh_token`) is acknowledged by the log
 * before the token is handed out, so that the projector can rebuild every family from the log.
 */
@Injectable()
export class RefreshTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REFRESH_TOKEN_STORE) private readonly store: RefreshTokenStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  /** A fresh token, not yet recorded anywhere. */
  next(): { token: string; digest: string } {
    return OpaqueTokenFormat.mint('rt');
  }

  /**
   * The first token of a family (the code redemption). Event first, then the family: a grant
   * revoked meanwhile (a code replay racing the redemption) refuses it, and nothing is handed out.
   */
  async issue(req: Omit<RefreshTokenIssue, 'expiresAt'>, idleExpiresAt: number): Promise<string> {
    const { token, digest } = this.next();
    const now = Date.now();
    const expiresAt = Math.min(idleExpiresAt, req.absoluteExpiresAt);
    await this.record({ ...req, expiresAt }, digest, now);
    const deadlines = { absoluteExpiresAt: req.absoluteExpiresAt, idleExpiresAt: expiresAt };
    if (!(await this.store.issue(req.family, digest, deadlines, now)))
      throw new InvalidGrant('the grant has been revoked');
    return token;
  }

  /** The event of a token the store has already made the family's live one (a rotation). */
  record(req: RefreshTokenIssue, digest: string, now = Date.now()): Promise<void> {
    const { family: f, authentication: a } = req;
    const jti = randomBytes(16).toString('base64url');
    const event = this.events.create('token.issued', jti, f.grantId, {
      jti,
      client_id: f.clientId,
      sub: f.subject,
      // RFC 6749 §1.5: a refresh token is only ever presented to the authorization server.
      aud: this.config.issuer,
      scope: f.scopes.join(' '),
      grant_type: req.grantType,
      grant_id: f.grantId,
      format: 'opaque',
      kind: 'refresh_token',
      token_digest: digest,
      iat: Math.floor(now / 1000),
      exp: Math.floor(req.expiresAt / 1000),
      family_exp: Math.floor(req.absoluteExpiresAt / 1000),
      auth_time: a.authTime,
      ...(a.acr === undefined ? {} : { acr: a.acr }),
      ...(a.amr.length === 0 ? {} : { amr: a.amr }),
    });
    return this.bus.publish(event);
  }
}
