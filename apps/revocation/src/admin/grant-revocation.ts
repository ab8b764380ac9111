import type { EventFactory, LifecycleEvent } from '@app/events';
import type { GrantRecord } from '@app/store';

/** Why the admin API revokes a grant (the `reason` of `grant.revoked`). */
export type AdminGrantReason = 'admin' | 'withdrawn' | 'subject_revoked';

/** The event that revokes every token of one grant and ends its record. */
export function grantRevocation(
  events: EventFactory,
  grant: GrantRecord,
  reason: AdminGrantReason,
  exp: number,
): LifecycleEvent<'grant.revoked'> {
  const { grantId, clientId } = grant;
  return events.create('grant.revoked', grantId, grantId, {
    grant_id: grantId,
    client_id: clientId,
    exp,
    reason,
  });
}
