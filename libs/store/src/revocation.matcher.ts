import { Revocation, RevocationSubject } from './store.ports';

/**
 * The one definition of "this revocation covers this token", shared by every adapter and by
 * the replicas' in-memory mirrors so that they can never disagree.
 */
export function revocationCovers(r: Revocation, t: RevocationSubject): boolean {
  // A subject's tokens span every client: the one kind not scoped to a client.
  if (r.kind === 'subject') return t.sub === r.subject && t.iat * 1000 <= r.revokedAt;
  if (r.clientId !== t.clientId) return false;
  switch (r.kind) {
    case 'token':
      return r.jti === t.jti;
    case 'grant':
      return t.grantId !== undefined && r.grantId === t.grantId;
    case 'client':
      return t.iat * 1000 <= r.revokedAt;
  }
}

/**
 * Whether merging `next` into what is kept under its key changes it: nothing kept yet, a later
 * end, or (client and subject entries) a later cut-off. Only such a revocation goes on the
 * stream the replicas follow, so an event applied twice (request path, then projector) or
 * replayed reaches them once.
 */
export function widens(existing: Revocation | undefined, next: Revocation): boolean {
  if (!existing || existing.kind !== next.kind) return true;
  if (next.expiresAt > existing.expiresAt) return true;
  if (next.kind === 'client' && existing.kind === 'client')
    return next.revokedAt > existing.revokedAt;
  if (next.kind === 'subject' && existing.kind === 'subject')
    return next.revokedAt > existing.revokedAt;
  return false;
}

/**
 * Two revocations under one key combine into the wider one: a revocation is never shortened
 * or narrowed by a later, smaller one (events may be replayed out of order).
 */
export function mergeRevocations(existing: Revocation | undefined, next: Revocation): Revocation {
  if (!existing || existing.kind !== next.kind) return next;
  const expiresAt = Math.max(existing.expiresAt, next.expiresAt);
  if (
    (next.kind === 'client' && existing.kind === 'client') ||
    (next.kind === 'subject' && existing.kind === 'subject')
  )
    return { ...{}, ...next, expiresAt, revokedAt: Math.max(existing.revokedAt, next.revokedAt) };
  return { ...{}, ...next, expiresAt };
}
