import { createHash } from 'node:crypto';

/** Shortest pairwise salt accepted: 32 characters (a base64url encoding of 24 random bytes). */
export const MIN_PAIRWISE_SALT_LENGTH = 32;

/**
 * How a client sees the end-user's `sub` (OpenID Connect Core §8): `public`, the same local
 * identifier for every client, or `pairwise`, one per sector, which clients of different sectors
 * cannot link.
 */
export type SubjectPolicy =
  | { readonly type: 'public' }
  | { readonly type: 'pairwise'; readonly sectorIdentifier: string; readonly salt: string };

/** The `sub` a client is given for the end-user `localSubject` under its policy. */
export function subjectIdentifier(localSubject: string, policy: SubjectPolicy): string {
  return policy.type === 'public'
    ? localSubject
    : pairwiseSubject(policy.sectorIdentifier, localSubject, policy.salt);
}

/**
 * OpenID Connect Core §8.1: `sub = SHA-256(sector_identifier || local_account_id || salt)`,
 * base64url. Each part is length-prefixed, so that no two different (sector, subject) pairs
 * hash the same input ("a.example" + "bob" against "a.exampl" + "ebob"). The salt is the
 * deployment's secret: without it anyone could recompute a user's identifiers from the sector
 * and the local subject and link them. It must never change, or every user's `sub` changes.
 */
export function pairwiseSubject(
  sectorIdentifier: string,
  localSubject: string,
  salt: string,
): string {
  if (salt.length < MIN_PAIRWISE_SALT_LENGTH)
    throw new Error(`the pairwise salt must be at least ${MIN_PAIRWISE_SALT_LENGTH} characters`);
  if (!sectorIdentifier) throw new Error('a pairwise subject needs a sector identifier');
  if (!localSubject) throw new Error('a pairwise subject needs a local subject');
  const hash = createHash('sha256');
  for (const part of [sectorIdentifier, localSubject, salt]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  }
  return hash.digest('base64url');
}

/**
 * A client's sector identifier (OpenID Connect Core §8.1): the host of its redirect URIs, which
 * must then all share that one host. Clients whose redirect URIs span several hosts would need a
 * `sector_identifier_uri` (§8.1, OpenID Connect Registration §5), which is not supported: the
 * error says why, for configuration validation to report.
 */
export function sectorIdentifier(redirectUris: readonly string[]): string {
  const hosts = new Set<string>();
  for (const uri of redirectUris) {
    let host: string;
    try {
      host = new URL(uri).hostname;
    } catch {
      throw new Error('a pairwise client needs absolute redirect_uris');
    }
    if (!host) throw new Error('a pairwise client needs redirect_uris with a host');
    hosts.add(host.toLowerCase());
  }
  if (hosts.size === 0) throw new Error('a pairwise client needs redirect_uris');
  if (hosts.size > 1)
    throw new Error(
      'a pairwise client needs all its redirect_uris on one host (a sector_identifier_uri ' +
        'naming several hosts is not supported)',
    );
  return [...hosts][0]!;
}
