import { GrantCreatedV1, LifecycleEvent } from '@app/events';
import type { GrantRecord } from '@app/store';

/**
 * What a consent gave beyond what `grant.created` carries: the end-user claims it released (no
 * event carries a user's claims) and how long it is remembered. Store state only, known to the
 * request that recorded the consent: a grant rebuilt from the log has no released claims (its
 * ID tokens and /userinfo say `sub` and no more) and is not remembered (its user is asked for
 * consent again), which fails safe.
 */
export interface GrantConsent {
  readonly idTokenClaims: Readonly<Record<string, unknown>>;
  readonly userinfoClaims: Readonly<Record<string, unknown>>;
  /** ms since the epoch. */
  readonly rememberedUntil?: number;
}

const NOTHING_RELEASED: GrantConsent = { idTokenClaims: {}, userinfoClaims: {} };

/** Grant → `grant.created`: who consented to what for which client, and how they signed in. */
export function grantCreatedData(
  g: Pick<GrantRecord, 'grantId' | 'subject' | 'clientId' | 'scopes' | 'resources' | 'authTime'> &
    Partial<Pick<GrantRecord, 'acr' | 'amr'>>,
  sid: string | undefined,
): GrantCreatedV1 {
  return {
    grant_id: g.grantId,
    sub: g.subject,
    client_id: g.clientId,
    scopes: g.scopes,
    resources: g.resources,
    ...(g.acr === undefined ? {} : { acr: g.acr }),
    ...(g.amr === undefined ? {} : { amr: g.amr }),
    auth_time: g.authTime,
    ...(sid === undefined ? {} : { sid }),
  };
}

/**
 * `grant.created` → the grant record. It was created when its event was (`time`, ms), so the
 * request path and a replay give it the same `createdAt`, from which its refresh tokens' absolute
 * deadline and the client and subject revocations that cover it are reckoned.
 */
export function grantRecordOf(
  e: LifecycleEvent<'grant.created'>,
  consent: GrantConsent = NOTHING_RELEASED,
): GrantRecord {
  const d = e.data;
  const createdAt = Date.parse(e.time);
  return {
    grantId: d.grant_id,
    subject: d.sub,
    clientId: d.client_id,
    scopes: d.scopes,
    resources: d.resources,
    authTime: d.auth_time,
    ...(d.acr === undefined ? {} : { acr: d.acr }),
    amr: d.amr ?? [],
    idTokenClaims: consent.idTokenClaims,
    userinfoClaims: consent.userinfoClaims,
    createdAt,
    lastUsedAt: createdAt,
    ...(consent.rememberedUntil === undefined ? {} : { rememberedUntil: consent.rememberedUntil }),
  };
}
