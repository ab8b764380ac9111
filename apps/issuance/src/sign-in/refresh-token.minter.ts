import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { EVENT_BUS, EVENT_FACTORY, EventBus, EventFactory } from '@app/events';
import { InvalidGrant } from '@app/oauth';
import {
  authenticationClaims,
  LifecycleProjection,
  tokenIssuedData,
  UserAuthentication,
} from '@app/projection';
import { RefreshTokenRecord } from '@app/store';
import { OpaqueTokenFormat, randomId } from '@app/tokens';

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
 * records them: the `token.issued` event (v3, token_kind `refresh_token`) is acknowledged by the
 * log before the token is handed out, so that the projector can rebuild every family from the
 * log.
 */
@Injectable()
export class RefreshTokenMinter {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly projection: LifecycleProjection,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(EVENT_FACTORY) private readonly events: EventFactory,
  ) {}

  /** A fresh token, not yet recorded anywhere. */
  next(): { token: string; digest: string } {
    return OpaqueTokenFormat.mint('rt');
  }

  /**
   * The first token of a family (the code redemption). Event first, then the projection issues
   * it into the family: a grant revoked meanwhile (a code replay racing the redemption) refuses
   * it, and nothing is handed out.
   */
  async issue(req: Omit<RefreshTokenIssue, 'expiresAt'>, idleExpiresAt: number): Promise<string> {
    const { token, digest } = this.next();
    const expiresAt = Math.min(idleExpiresAt, req.absoluteExpiresAt);
    const event = await this.record({ ...{}, ...req, expiresAt }, digest);
    if (!(await this.projection.apply(event))) throw new InvalidGrant('the grant has been revoked');
    return token;
  }

  /**
   * The acknowledged event of a token. After a rotation the store has already made it the
   * family's live one in its atomic step: applying the event would change nothing (the
   * projector does so, idempotently).
   */
  async record(req: RefreshTokenIssue, digest: string, now = Date.now()) {
    const { family: f } = req;
    const jti = randomId(16);
    const data = tokenIssuedData({
      kind: 'refresh_token',
      jti,
      clientId: f.clientId,
      sub: f.subject,
      // RFC 6749 §1.5: a refresh token is only ever presented to the authorization server.
      aud: this.config.issuer,
      scope: f.scopes.join(' '),
      grantType: req.grantType,
      grantId: f.grantId,
      digest,
      iat: Math.floor(now / 1000),
      exp: Math.floor(req.expiresAt / 1000),
      familyExp: Math.floor(req.absoluteExpiresAt / 1000),
      ...authenticationClaims(req.authentication),
      // token.issued v4: the projector rebuilds a bound family with its key (RFC 9449 §5).
      ...(f.jkt === undefined ? {} : { cnf: { jkt: f.jkt } }),
    });
    const event = this.events.create('token.issued', jti, f.grantId, data);
    await this.bus.publish(event);
    return event;
  }
}
