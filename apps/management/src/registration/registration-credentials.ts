import { randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { tokenDigest } from '@app/tokens';

/**
 * The credentials registration hands out: opaque tokens with a kind prefix (a leaked one says
 * what it is) and 256 random bits, kept only as their SHA-256 digest, like every opaque token
 * here; client secrets kept only as their scrypt hash.
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

/** 256 random bits: a secret no one will guess, well past the 16 characters the registry asks. */
export const newClientSecret = (): string => randomBytes(32).toString('base64url');

/** The scrypt parameters of `npm run hash-secret` (libs/registry secret-hash.ts verifies them). */
const LN = 14;
const R = 8;
const P = 1;

/** `$scrypt$ln=…$salt$key`: the only form in which a client secret is stored. */
export function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, 32, { N: 2 ** LN, r: R, p: P }, (err, key) =>
      err
        ? reject(err)
        : resolve(
            `$scrypt$ln=${LN},r=${R},p=${P}$${salt.toString('base64url')}$${key.toString('base64url')}`,
          ),
    ),
  );
}
