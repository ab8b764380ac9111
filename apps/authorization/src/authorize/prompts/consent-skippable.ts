import { ClientConfig } from '@app/config';
import { GrantRecord, PendingAuthorizationRequest } from '@app/store';

/**
 * Whether consent may be skipped (node-oidc-provider's `prompts/consent/`): never with
 * `prompt=consent` (OIDC Core §3.1.2.1); always for a first-party client (`skip_consent`);
 * otherwise when a live grant of this subject to this client, given with `remember` and still
 * within its `remember_for`, covers every requested scope and resource (remembered consent, the
 * model of Hydra's).
 */
export function consentSkippable(
  client: ClientConfig,
  request: PendingAuthorizationRequest,
  grants: readonly GrantRecord[],
  now: number,
): boolean {
  if (request.prompt.includes('consent')) return false;
  if (client.skipConsent) return true;
  return grants.some(
    (g) =>
      (g.rememberedUntil ?? 0) > now &&
      request.scopes.every((s) => g.scopes.includes(s)) &&
      request.resources.every((r) => g.resources.includes(r)),
  );
}
