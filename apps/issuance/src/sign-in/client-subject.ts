import { ClientConfig } from '@app/config';
import { SubjectPolicy, subjectIdentifier } from '@app/tokens';

/**
 * OpenID Connect Core §8: the `sub` a client is given for the end-user, by its registered
 * `subject_type`: the local subject (`public`), or a pairwise one for its sector (§8.1) that
 * clients of other sectors cannot link. Every token of the client carries the same value, so
 * the ID token's `sub` and /userinfo's agree (§5.3.2).
 */
export function clientSubject(client: ClientConfig, localSubject: string, salt: string): string {
  return subjectIdentifier(localSubject, subjectPolicyOf(client, salt));
}

export function subjectPolicyOf(client: ClientConfig, salt: string): SubjectPolicy {
  if (client.subjectType === 'public') return { type: 'public' };
  // The configuration gives every pairwise client its sector (the host of its redirect URIs).
  if (client.sectorIdentifier === undefined)
    throw new Error(`the pairwise client ${client.clientId} has no sector identifier`);
  return { type: 'pairwise', sectorIdentifier: client.sectorIdentifier, salt };
}
