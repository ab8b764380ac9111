import type { EventFactory, LifecycleEvent } from '@app/events';
import type { GrantRecord, Revocation } from '@app/store';

/** Why the admin API revokes a grant (the `reason` of `grant.revoked`). */
export type AdminGrantReason = 'admin' | 'withdrawn' | 'subject_revoked';

/** The event and the revocation entry that revoke every token of one grant. */
export function grantRevocation(
  events: EventFactory,
  grant: GrantRecord,
  reason: AdminGrantReason,
  exp: number,
): { readonly event: LifecycleEvent; readonly revocation: Revocation } {
  const { grantId, clientId } = grant;
  return {
    event: events.create('grant.revoked', grantId, grantId, {
      grant_id: grantId,
      client_id: clientId,
      exp,
      reason,
    }),
    revocation: { kind: 'grant', clientId, grantId, expiresAt: exp * 1000 },
  };
}
