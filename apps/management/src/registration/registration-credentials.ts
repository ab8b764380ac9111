import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { tokenDigest } from '@app/tokens';

/**
 * The credentials registration hands out: opaque tokens with a kind prefix (a leaked one says
 * what it is) and 256 random bits, kept only as their SHA-256 digest, like every opaque token
 * here. Client secrets are the registry writer's (generated, kept only as their scrypt hash).
 */
export type RegistrationTokenKind = 'iat' | 'rat';

export function mintRegistrationToken(kind: RegistrationTokenKind): {
  token: string;
  digest: string;
} {
  const token = `${kind}_${randomBytes(32).toString('base64url')}`;
  return { token, digest: tokenDigest(token) };
}

/** A token's digest, as it is stored. */
export const registrationTokenDigest = (token: string): string => tokenDigest(token);

/**
 * Whether `token` is the one whose digest is `stored`: the digests of both are compared in
 * constant time (equal lengths always), so no timing tells how much of a guess matched.
 */
export function tokenMatches(token: string, stored: string | undefined): boolean {
  if (stored === undefined) return false;
  const presented = Buffer.from(tokenDigest(token));
  const expected = Buffer.from(stored);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** RFC 7591 §3.2.1: a client identifier the server chooses, unique and unguessable. */
export const newClientId = (): string => randomUUID();
